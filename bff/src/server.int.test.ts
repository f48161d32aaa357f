import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The real process: it starts, answers, and on SIGTERM drains and exits 0 with its pools closed. */
it.each(['SIGTERM', 'SIGINT'] as const)('exits cleanly on %s', async (signal) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'server.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, H5_DIR: '/nonexistent', MYSQL_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += String(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 20_000);
    child.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.includes('OneVisit BFF listening'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
  });
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  expect(await exited).toBe(0);
  expect(out).toContain('"msg":"stopped"');
  fs.rmSync(dataDir, { recursive: true, force: true });
});
