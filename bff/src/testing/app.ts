import { Writable } from 'node:stream';
import { startServer, type RunningServer } from '../server';
import type { StorageMode } from './storage';
import type { Simulators } from '../sim';
import { createCitizen, type TestCitizen, type TestCitizenInput } from './citizens';

export interface TestApp extends RunningServer {
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** The in-process simulators' dev hooks (mint login codes, read the SMS outbox …). */
  sims: Simulators['dev'];
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  identity: {
    /** A citizen made through the real API: SMS login, then real-name (and face when asked). */
    createCitizenForTest(input: TestCitizenInput): Promise<TestCitizen>;
  };
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
  const sims = running.container.simulators?.dev;
  if (!sims) throw new Error('test apps run on the simulators');
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return {
    ...running,
    logs,
    sims,
    get: (path, headers = {}) => fetch(`${running.url}${path}`, { headers }),
    post,
    identity: { createCitizenForTest: (input) => createCitizen({ url: running.url, post, sims }, input) },
    async close() {
      await running.stop();
      await storage.cleanup();
    },
  };
}

/** Fails on any unmasked resident ID number, mobile number or bearer token in captured log lines. */
export function expectNoPersonalDataIn(logs: Record<string, unknown>[]): void {
  const text = logs.map((l) => JSON.stringify(l)).join('\n');
  const leaks = [
    /(?:^|[^0-9A-Za-z*])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/,
    // Not inside a longer run of letters and digits: a request id's last UUID group (`-14049993908a`) is no phone.
    /(?:^|[^0-9A-Za-z*])1[3-9]\d{9}(?![0-9A-Za-z])/,
    /Bearer [A-Za-z0-9_-]{20}/,
  ].flatMap((re) => text.match(re) ?? []);
  if (leaks.length) throw new Error(`personal data in the logs: ${leaks.join(' | ')}`);
}
