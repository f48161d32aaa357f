/**
 * Test support (never used by production code): the upstream simulator on its own Koa app on an
 * ephemeral port of 127.0.0.1, and a tiny callback receiver that verifies each pushed event with
 * `verifyUpstreamCallback` — what the BFF's callback route will do.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import type { SimContext } from '../../sim/context';
import { closeServer, listen } from '../../sim/testServer';
import { generateUpstreamCredentials, upstreamSimulator, type UpstreamSimCredentials, type UpstreamSimulator, type UpstreamSimulatorOptions } from '../../sim/upstream';
import { FaultBoard, readRawBody } from '../../sim/util';
import { parseUpstreamCallback, verifyUpstreamCallback, UPSTREAM_CALLBACK_REFUSALS } from './callback';
import { createUpstreamClient, type UpstreamClientOptions } from './client';
import type { UpstreamPort, UpstreamStatus, UpstreamSystem } from './port';

export interface ReceivedCallback {
  system: UpstreamSystem;
  event: UpstreamStatus;
  appKey: string;
}

export interface RawCallback {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface CallbackReceiver {
  url: string;
  /** Verified and parsed events, in arrival order. */
  received: ReceivedCallback[];
  /** Refusal codes, in arrival order. */
  refused: string[];
  /** Every request as it arrived (for replay tests). */
  raw: RawCallback[];
  /** Answer the next n callbacks with this status instead (before verification). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startCallbackReceiver(credentials: { appKey: string; appSecret: string }, path = '/open/v1/upstream/callback'): Promise<CallbackReceiver> {
  const seen = new Set<string>();
  let failures = 0;
  let failStatus = 503;
  const receiver: Omit<CallbackReceiver, 'url' | 'close'> & { failNext: CallbackReceiver['failNext'] } = {
    received: [],
    refused: [],
    raw: [],
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
  };
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== path) return;
    const raw = await readRawBody(ctx);
    receiver.raw.push({ path: ctx.originalUrl, headers: { ...(ctx.headers as Record<string, string>) }, body: raw.toString('utf8') });
    if (failures > 0) {
      failures -= 1;
      ctx.status = failStatus;
      ctx.body = { code: 'BUSY' };
      return;
    }
    const verdict = await verifyUpstreamCallback(raw, ctx.headers, credentials, async (key, nonce) => {
      const k = `${key}:${nonce}`;
      if (seen.has(k)) return true;
      seen.add(k);
      return false;
    }, { path: ctx.originalUrl });
    if (!verdict.ok) {
      receiver.refused.push(UPSTREAM_CALLBACK_REFUSALS[verdict.reason].code);
      ctx.status = 401;
      ctx.body = { code: UPSTREAM_CALLBACK_REFUSALS[verdict.reason].code };
      return;
    }
    const parsed = parseUpstreamCallback(raw);
    if (!parsed.ok) {
      receiver.refused.push(parsed.reason);
      ctx.status = 400;
      ctx.body = { code: parsed.reason };
      return;
    }
    receiver.received.push({ system: parsed.system, event: parsed.event, appKey: verdict.appKey });
    ctx.status = 204;
  });
  const server = await listen(app);
  return { ...receiver, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, close: () => closeServer(server) };
}

export interface UpstreamHarness {
  /** Simulator origin. */
  url: string;
  /** The adapter's base URL: `${url}/sim/upstream`. */
  baseUrl: string;
  sim: UpstreamSimulator;
  faults: FaultBoard;
  credentials: UpstreamSimCredentials;
  receiver: CallbackReceiver;
  client(over?: Partial<UpstreamClientOptions>): UpstreamPort;
  close(): Promise<void>;
}

export async function startUpstreamHarness(options: Partial<Omit<UpstreamSimulatorOptions, 'credentials' | 'callbackUrl'>> = {}): Promise<UpstreamHarness> {
  const credentials = generateUpstreamCredentials();
  const receiver = await startCallbackReceiver(credentials.callback);
  const router = new Router({ prefix: '/sim' });
  const faults = new FaultBoard();
  const ctx: SimContext = { router, prefix: '/sim', now: Date.now, faults, publicBase: () => url };
  const sim = upstreamSimulator(ctx, { stepDelayMs: 0, retry: { attempts: 4, baseDelayMs: 5 }, ...options, credentials, callbackUrl: () => receiver.url });
  const app = new Koa();
  app.silent = true;
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server: Server = await listen(app);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${url}/sim/upstream`;
  return {
    url,
    baseUrl,
    sim,
    faults,
    credentials,
    receiver,
    client: (over = {}) => createUpstreamClient({ baseUrl: () => baseUrl, ...credentials.gateway, ...over }),
    async close() {
      sim.stop();
      await Promise.all([closeServer(server), receiver.close()]);
    },
  };
}

/** Polls (5 ms) until check() holds; throws after timeoutMs. No fixed sleeps. */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
