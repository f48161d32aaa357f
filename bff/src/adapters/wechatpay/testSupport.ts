/**
 * Test support (never used by production code): the WeChat Pay simulator alone on a Koa app on an
 * ephemeral port of 127.0.0.1, and a notify receiver that reads each notification with
 * `parsePaymentNotification` — what the BFF's notify route does — answering 204 or the refusal.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import type { SimContext } from '../../sim/context';
import { closeServer, listen } from '../../sim/testServer';
import { FaultBoard, readRawBody } from '../../sim/util';
import { generateWechatPayKeys, wechatPaySimulator, type WechatPaySimKeys, type WechatPaySimulator, type WechatPaySimulatorOptions } from '../../sim/wechatpay';
import { createWechatPayClient, type WechatPayClient, type WechatPayClientOptions } from './client';
import { createWechatPayVerifier, type WechatPayVerifier } from './crypto';
import { parsePaymentNotification, WECHATPAY_NOTIFY_REFUSAL, type WechatPayNotification } from './notification';

export interface RawNotification {
  headers: Record<string, string>;
  body: string;
}

export interface NotifyReceiver {
  url: string;
  /** Accepted notifications, in arrival order. */
  accepted: Extract<WechatPayNotification, { ok: true }>[];
  /** Refusal reasons, in arrival order. */
  refused: string[];
  /** Every request as it arrived. */
  raw: RawNotification[];
  /** Answer the next n requests with this status instead (before reading them). */
  failNext(n: number, status?: number): void;
  /** Which verifier reads from now on. */
  useVerifier(v: WechatPayVerifier): void;
  close(): Promise<void>;
}

export async function startNotifyReceiver(verifier: WechatPayVerifier, apiV3Key: string, path = '/wechatpay/notify'): Promise<NotifyReceiver> {
  let failures = 0;
  let failStatus = 500;
  let current = verifier;
  const r: Omit<NotifyReceiver, 'url' | 'close'> = {
    accepted: [],
    refused: [],
    raw: [],
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    useVerifier(v) {
      current = v;
    },
  };
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== path) return;
    const raw = await readRawBody(ctx);
    const headers = Object.fromEntries(Object.entries(ctx.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    r.raw.push({ headers, body: raw.toString('utf8') });
    if (failures > 0) {
      failures -= 1;
      ctx.status = failStatus;
      ctx.body = { code: 'FAIL', message: 'busy' };
      return;
    }
    const n = parsePaymentNotification(raw, ctx.headers, current, apiV3Key);
    if (!n.ok) {
      r.refused.push(n.reason);
      ctx.status = WECHATPAY_NOTIFY_REFUSAL[n.reason].status;
      ctx.body = WECHATPAY_NOTIFY_REFUSAL[n.reason].body;
      return;
    }
    r.accepted.push(n);
    ctx.status = 204;
  });
  const server: Server = await listen(app);
  return { ...r, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, close: () => closeServer(server) };
}

export interface WechatPayHarness {
  /** Simulator origin. */
  url: string;
  /** The client's base URL: `${url}/sim/wechatpay`. */
  baseUrl: string;
  sim: WechatPaySimulator;
  keys: WechatPaySimKeys;
  receiver: NotifyReceiver;
  client(over?: Partial<WechatPayClientOptions> & { verifierMode?: 'public_key' | 'certificate' | 'both' }): WechatPayClient;
  close(): Promise<void>;
}

let cachedKeys: WechatPaySimKeys | undefined;
/** One key set per test process (RSA generation is slow). */
export function testKeys(): WechatPaySimKeys {
  cachedKeys ??= generateWechatPayKeys();
  return cachedKeys;
}

export async function startWechatPayHarness(
  options: WechatPaySimulatorOptions & { before?: (app: Koa) => void; now?: () => number } = {},
): Promise<WechatPayHarness> {
  const { before, now, ...simOptions } = options;
  const keys = simOptions.keys ?? testKeys();
  const c = keys.credentials;
  const receiver = await startNotifyReceiver(createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey }, platformCertificates: [c.platformCertificate] }), c.apiV3Key);
  const router = new Router({ prefix: '/sim' });
  let url = '';
  const ctx: SimContext = { router, prefix: '/sim', now: now ?? Date.now, faults: new FaultBoard(), publicBase: () => url };
  const sim = wechatPaySimulator(ctx, { notifyRetryScale: 0.001, refundDelayMs: 0, ...simOptions, keys });
  const app = new Koa();
  app.silent = true;
  before?.(app);
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = await listen(app);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${url}/sim/wechatpay`;
  return {
    url,
    baseUrl,
    sim,
    keys,
    receiver,
    client: ({ verifierMode, ...over } = {}) => createWechatPayClient({ ...sim.clientOptions(() => baseUrl, { verifier: verifierMode }), ...over }),
    async close() {
      sim.stop();
      await Promise.all([closeServer(server), receiver.close()]);
    },
  };
}

export { waitFor } from '../upstream/testSupport';
