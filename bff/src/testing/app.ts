import { Writable } from 'node:stream';
import { startServer, type RunningServer } from '../server';
import type { StorageMode } from './storage';

export interface TestApp extends RunningServer {
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the real server on an ephemeral port of 127.0.0.1 with isolated storage, and talks HTTP
 * to it. Log output is captured instead of printed.
 */
export async function startTestApp(mode: StorageMode, extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const storage = await mode.prepare();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const running = await startServer(
    {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      H5_DIR: '/nonexistent-h5',
      ...storage.env,
      ...extraEnv,
    },
    { logDestination: sink },
  );
  return {
    ...running,
    logs,
    get: (path, headers = {}) => fetch(`${running.url}${path}`, { headers }),
    async close() {
      await running.stop();
      await storage.cleanup();
    },
  };
}
