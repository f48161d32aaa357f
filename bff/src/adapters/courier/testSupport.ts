/**
 * Test support (never used by production code): the courier simulator on its own Koa app on an
 * ephemeral port of 127.0.0.1, and a tiny push receiver that verifies each pushed tracking event
 * with `verifyCourierPush` and reads it with `parseCourierPush` — what the BFF's push route will do.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import type { SimContext } from '../../sim/context';
import { courierSimulator, generateCourierCredentials, type CourierSimCredentials, type CourierSimulator, type CourierSimulatorOptions } from '../../sim/courier';
import { closeServer, listen } from '../../sim/testServer';
import { FaultBoard, readRawBody } from '../../sim/util';
import { createCourierClient, type CourierClientOptions } from './client';
import type { CourierEvent, CourierPort } from './port';
import { COURIER_PUSH_REFUSALS, parseCourierPush, verifyCourierPush } from './push';

export const COURIER_PUSH_PATH = '/open/v1/courier/push';

export interface ReceivedPush {
  event: CourierEvent;
  appKey: string;
}

export interface PushReceiver {
  url: string;
  /** Verified and parsed events, in arrival order. */
  received: ReceivedPush[];
  /** Refusal codes, in arrival order. */
  refused: string[];
  /** Every request as it arrived (for replay and tamper tests). */
  raw: { path: string; headers: Record<string, string>; body: string }[];
  /** Answer the next n pushes with this status instead (before verification). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startPushReceiver(credentials: { appKey: string; appSecret: string }, path = COURIER_PUSH_PATH): Promise<PushReceiver> {
  const seen = new Set<string>();
  let failures = 0;
  let failStatus = 503;
  const state: Omit<PushReceiver, 'url' | 'close'> = {
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
    state.raw.push({ path: ctx.originalUrl, headers: { ...(ctx.headers as Record<string, string>) }, body: raw.toString('utf8') });
    if (failures > 0) {
      failures -= 1;
      ctx.status = failStatus;
      ctx.body = { code: 'BUSY' };
      return;
    }
    const verdict = await verifyCourierPush(raw, ctx.headers, credentials, (key, nonce) => {
      const k = `${key}:${nonce}`;
      if (seen.has(k)) return true;
      seen.add(k);
      return false;
    }, { path: ctx.originalUrl });
    if (!verdict.ok) {
      const refusal = COURIER_PUSH_REFUSALS[verdict.reason];
      state.refused.push(refusal.code);
      ctx.status = refusal.status;
      ctx.body = { code: refusal.code };
      return;
    }
    const parsed = parseCourierPush(raw);
    if (!parsed.ok) {
      state.refused.push(parsed.reason);
      ctx.status = 400;
      ctx.body = { code: parsed.reason };
      return;
    }
    state.received.push({ event: parsed.event, appKey: verdict.appKey });
    ctx.status = 204;
  });
  const server = await listen(app);
  return { ...state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, close: () => closeServer(server) };
}

export interface CourierHarness {
  /** Simulator origin. */
  url: string;
  /** The adapter's base URL: `${url}/sim/courier`. */
  baseUrl: string;
  sim: CourierSimulator;
  faults: FaultBoard;
  credentials: CourierSimCredentials;
  receiver: PushReceiver;
  client(over?: Partial<CourierClientOptions>): CourierPort;
  close(): Promise<void>;
}

export async function startCourierHarness(options: Partial<Omit<CourierSimulatorOptions, 'credentials' | 'callbackUrl'>> = {}): Promise<CourierHarness> {
  const credentials = generateCourierCredentials();
  const receiver = await startPushReceiver(credentials.push);
  const router = new Router({ prefix: '/sim' });
  const faults = new FaultBoard();
  let url = '';
  const ctx: SimContext = { router, prefix: '/sim', now: Date.now, faults, publicBase: () => url };
  const sim = courierSimulator(ctx, { stepDelayMs: 0, retry: { attempts: 4, baseDelayMs: 5 }, ...options, credentials, callbackUrl: () => receiver.url });
  const app = new Koa();
  app.silent = true;
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server: Server = await listen(app);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${url}/sim/courier`;
  return {
    url,
    baseUrl,
    sim,
    faults,
    credentials,
    receiver,
    client: (over = {}) => createCourierClient({ baseUrl: () => baseUrl, ...credentials.gateway, ...over }),
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
