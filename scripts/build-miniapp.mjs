#!/usr/bin/env node
// `node scripts/build-miniapp.mjs <weapp|alipay|h5>`: a production Taro build of the mini-program,
// with its output streamed, its time, and the sizes that matter:
//   weapp  — the main package (everything outside the subpackage roots of app.json); the build
//            fails when it exceeds 1 MB (WeChat's hard limit is 2 MB; we keep half of it free).
//   alipay — the package size.
//   h5     — the JavaScript, raw and gzipped (what a phone downloads).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSizes, kb, listFiles } from './lib/files.mjs';

const PLATFORMS = ['weapp', 'alipay', 'h5'];
export const MAIN_PACKAGE_LIMIT = 1_048_576;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const miniapp = path.join(root, 'miniapp');

/** Subpackage roots declared in app.json (`subPackages` or `subpackages`), normalised to `root/`. */
export function subpackageRoots(appJson) {
  const list = [...(appJson.subPackages ?? []), ...(appJson.subpackages ?? [])];
  return list.map((p) => `${String(p.root).replace(/^\.?\/+/, '').replace(/\/+$/, '')}/`);
}

/** Bytes of the main package and of the whole output. */
export function packageSizes(distDir) {
  const appJsonPath = path.join(distDir, 'app.json');
  const roots = fs.existsSync(appJsonPath) ? subpackageRoots(JSON.parse(fs.readFileSync(appJsonPath, 'utf8'))) : [];
  let main = 0;
  let total = 0;
  const perRoot = new Map(roots.map((r) => [r, 0]));
  for (const rel of listFiles(distDir)) {
    const size = fs.statSync(path.join(distDir, rel)).size;
    total += size;
    const sub = roots.find((r) => rel.startsWith(r));
    if (sub) perRoot.set(sub, perRoot.get(sub) + size);
    else main += size;
  }
  return { main, total, perRoot };
}

/** Raw and gzip bytes of every .js file of the H5 build, biggest first. */
export function h5JsSizes(distDir) {
  const files = listFiles(distDir)
    .filter((f) => f.endsWith('.js'))
    .map((rel) => {
      const { raw, gzip } = fileSizes(distDir, rel);
      return { rel, raw, gzip };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const index = path.join(distDir, 'index.html');
  const html = fs.existsSync(index) ? fs.readFileSync(index, 'utf8') : '';
  const initial = files.filter((f) => html.includes(f.rel));
  const sum = (list, key) => list.reduce((n, f) => n + f[key], 0);
  return {
    files,
    raw: sum(files, 'raw'),
    gzip: sum(files, 'gzip'),
    initialRaw: sum(initial, 'raw'),
    initialGzip: sum(initial, 'gzip'),
  };
}

function report(platform) {
  const distDir = path.join(miniapp, 'dist', platform);
  if (platform === 'weapp') {
    const { main, total, perRoot } = packageSizes(distDir);
    console.log(`[build-miniapp] weapp main package: ${kb(main)} (${main} bytes; limit ${kb(MAIN_PACKAGE_LIMIT)})`);
    for (const [r, size] of perRoot) console.log(`[build-miniapp] weapp subpackage ${r}: ${kb(size)}`);
    console.log(`[build-miniapp] weapp total: ${kb(total)} (${total} bytes)`);
    if (main > MAIN_PACKAGE_LIMIT) {
      console.error(`[build-miniapp] FAILED: the weapp main package exceeds ${MAIN_PACKAGE_LIMIT} bytes — move capabilities into subpackages (src/packages/)`);
      return 1;
    }
  } else if (platform === 'alipay') {
    const { main, total } = packageSizes(distDir);
    console.log(`[build-miniapp] alipay main package: ${kb(main)}; total: ${kb(total)} (${total} bytes)`);
  } else {
    const js = h5JsSizes(distDir);
    for (const f of js.files.slice(0, 5)) console.log(`[build-miniapp]   ${f.rel}: ${kb(f.raw)} raw, ${kb(f.gzip)} gzip`);
    console.log(`[build-miniapp] h5 JS loaded by index.html: ${kb(js.initialRaw)} raw, ${kb(js.initialGzip)} gzip`);
    console.log(`[build-miniapp] h5 JS total (${js.files.length} files): ${kb(js.raw)} raw, ${kb(js.gzip)} gzip`);
  }
  return 0;
}

function main() {
  const platform = process.argv[2];
  if (!PLATFORMS.includes(platform)) {
    console.error(`usage: node scripts/build-miniapp.mjs <${PLATFORMS.join('|')}>`);
    process.exit(2);
  }
  const taroBin = createRequire(path.join(miniapp, 'package.json')).resolve('@tarojs/cli/bin/taro');
  const started = Date.now();
  console.log(`[build-miniapp] taro build --type ${platform} (NODE_ENV=production)`);
  const child = spawn(process.execPath, [taroBin, 'build', '--type', platform], {
    cwd: miniapp,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (err) => {
    console.error(`[build-miniapp] could not start taro: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (code !== 0) {
      console.error(`[build-miniapp] ${platform} build failed after ${seconds} s (${signal ? `signal ${signal}` : `exit code ${code}`})`);
      process.exit(code || 1);
    }
    console.log(`[build-miniapp] ${platform} built in ${seconds} s`);
    process.exit(report(platform));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
