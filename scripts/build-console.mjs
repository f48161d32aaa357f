#!/usr/bin/env node
// `node scripts/build-console.mjs`: a production Vite build of the call-centre console
// (bff/console → bff/console/dist, served by the BFF at /console), with its time and the sizes
// that matter: the JavaScript and CSS, raw and gzipped. Fails (exit 1) when the build fails,
// when the JS loaded by index.html exceeds the gzip budget, or when zod leaked into the bundle
// (the console must import values from `@onevisit/shared-types/client`, never the package root).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileSizes, kb, listFiles } from './lib/files.mjs';

export const JS_GZIP_BUDGET = 120 * 1024;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = path.join(root, 'bff/console');
const distDir = path.join(consoleDir, 'dist');

/** Raw and gzip bytes of each built .js and .css file, and which of them index.html loads. */
export function assetSizes(dir) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  return listFiles(dir)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((rel) => {
      const { raw, gzip, buf } = fileSizes(dir, rel);
      return { rel, raw, gzip, initial: html.includes(rel), text: buf.toString('utf8') };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

async function main() {
  const started = Date.now();
  // vite is a dev dependency of the bff workspace: resolve it from there, wherever npm put it.
  const vitePath = createRequire(path.join(root, 'bff/package.json')).resolve('vite');
  const { build, version } = await import(pathToFileURL(vitePath).href);
  console.log(`[build-console] vite ${version} build (${path.relative(root, consoleDir)} → ${path.relative(root, distDir)})`);
  try {
    await build({ configFile: path.join(consoleDir, 'vite.config.mts'), mode: 'production', logLevel: 'warn' });
  } catch (err) {
    console.error(`[build-console] FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${err?.message ?? err}`);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  const assets = assetSizes(distDir);
  for (const a of assets) console.log(`[build-console]   ${a.rel}: ${kb(a.raw)} raw, ${kb(a.gzip)} gzip${a.initial ? '' : ' (lazy)'}`);
  const js = assets.filter((a) => a.rel.endsWith('.js'));
  const sum = (list, key) => list.reduce((n, a) => n + a[key], 0);
  const initialJs = js.filter((a) => a.initial);
  console.log(`[build-console] JS loaded by index.html: ${kb(sum(initialJs, 'raw'))} raw, ${kb(sum(initialJs, 'gzip'))} gzip (budget ${kb(JS_GZIP_BUDGET)})`);
  console.log(`[build-console] JS total (${js.length} files): ${kb(sum(js, 'raw'))} raw, ${kb(sum(js, 'gzip'))} gzip`);
  console.log(`[build-console] built in ${seconds} s`);

  let failed = false;
  if (sum(initialJs, 'gzip') > JS_GZIP_BUDGET) {
    console.error(`[build-console] FAILED: initial JS exceeds the ${kb(JS_GZIP_BUDGET)} gzip budget`);
    failed = true;
  }
  const withZod = js.filter((a) => /\$ZodType|ZodError/.test(a.text));
  if (withZod.length > 0) {
    console.error(`[build-console] FAILED: zod is bundled (${withZod.map((a) => a.rel).join(', ')}): import values from '@onevisit/shared-types/client', types with 'import type'`);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
