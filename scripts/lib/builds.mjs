// The built front-ends the BFF serves — the H5 mini-program at `/`, the console at `/console` —
// rebuilt when missing or older than any source they are made from.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const TARGETS = {
  h5: {
    index: 'miniapp/dist/h5/index.html',
    sources: ['miniapp/src', 'miniapp/config', 'shared-types/src'],
    build: ['scripts/build-miniapp.mjs', 'h5'],
  },
  console: {
    index: 'bff/console/dist/index.html',
    sources: ['bff/console/src', 'bff/console/index.html', 'bff/console/vite.config.mts', 'shared-types/src'],
    build: ['scripts/build-console.mjs'],
  },
};

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function isStale({ index, sources }) {
  const built = path.join(root, index);
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  return sources.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

export function ensureBuilt(name) {
  const target = TARGETS[name];
  if (!isStale(target)) return;
  console.log(`[onevisit] building ${name} (first start, or its sources changed) …`);
  const result = spawnSync(process.execPath, target.build.map((p, i) => (i === 0 ? path.join(root, p) : p)), { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error(`[onevisit] the ${name} build failed; see the output above`);
    process.exit(result.status ?? 1);
  }
}
