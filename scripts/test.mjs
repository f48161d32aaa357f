// `npm test`: every jest project (unit, integration on the embedded default — and on MariaDB +
// Redis when MYSQL_URL and REDIS_URL are set — and the browser tests against the H5 build),
// closing with one line `N passed, N failed`. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, root } from './lib/builds.mjs';

ensureBuilt('h5');
ensureBuilt('console');
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-jest-')), 'report.json');
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/jest/bin/jest.js'), '--ci', '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root, env: { TZ: 'Asia/Shanghai', ...process.env } },
);
let passed = 0;
let failed = 0;
if (fs.existsSync(report)) {
  const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
}
const storage = process.env.MYSQL_URL && process.env.REDIS_URL ? 'embedded + MariaDB/Redis' : 'embedded only';
console.log(`\n[onevisit] storage modes: ${storage}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
