// The H5 build is what the BFF serves at `/` and what the browser tests drive. It is rebuilt
// when missing or older than any source it is made from.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const builtIndex = path.join(root, 'miniapp/dist/h5/index.html');
const sources = ['miniapp/src', 'miniapp/config', 'shared-types/src'].map((d) => path.join(root, d));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function h5IsStale() {
  if (!fs.existsSync(builtIndex)) return true;
  const built = fs.statSync(builtIndex).mtimeMs;
  return sources.some((dir) => fs.existsSync(dir) && newestMtime(dir) > built);
}

export function ensureH5Build() {
  if (!h5IsStale()) return;
  console.log('[onevisit] building the H5 mini-program (first start, or its sources changed) …');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/build-miniapp.mjs'), 'h5'], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error('[onevisit] the H5 build failed; see the output above');
    process.exit(result.status ?? 1);
  }
}
