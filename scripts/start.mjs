// `npm start`: the whole system on the embedded default (SQLite under .data/, in-process KV,
// simulators), or on MySQL/MariaDB + Redis when MYSQL_URL / REDIS_URL are set.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, root } from './lib/builds.mjs';

ensureBuilt('h5');
ensureBuilt('console');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bff/src/server.ts')], {
  stdio: 'inherit',
  cwd: root,
  env: { TZ: 'Asia/Shanghai', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
