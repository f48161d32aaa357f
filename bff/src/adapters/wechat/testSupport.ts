/**
 * Test support (never used by production code): the WeChat API simulator alone on a Koa app on an
 * ephemeral port of 127.0.0.1, with its own app credentials and a clock the test moves.
 */
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { closeServer, listen } from '../../sim/testServer';
import { FaultBoard, randomToken } from '../../sim/util';
import { wechatSimulator, type WechatCredentials, type WechatSimulator } from '../../sim/wechat';
import { fetchJson, joinUrl } from '../http';

export interface WechatHarness {
  sim: WechatSimulator;
  /** What the adapters take as base URL: `<origin>/sim/wechat`. */
  baseUrl: string;
  credentials: WechatCredentials;
  faults: FaultBoard;
  /** Moves the simulator's clock. */
  advance(ms: number): void;
  /** The errcode WeChat answers an API call made with this token: 40001/42001 refused, anything else accepted. */
  tokenErrcode(token: string): Promise<number>;
  close(): Promise<void>;
}

export async function startWechatHarness(): Promise<WechatHarness> {
  let now = Date.now();
  let origin = '';
  const router = new Router({ prefix: '/sim' });
  const faults = new FaultBoard();
  const credentials = { appId: `wx${randomToken(8)}`, appSecret: randomToken(16) };
  const sim = wechatSimulator({ router, prefix: '/sim', now: () => now, faults, publicBase: () => origin }, credentials);
  const app = new Koa();
  app.silent = true;
  app.use(router.routes());
  const server = await listen(app);
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${origin}/sim/wechat`;
  return {
    sim,
    baseUrl,
    credentials,
    faults,
    advance: (ms) => {
      now += ms;
    },
    async tokenErrcode(token) {
      // getinfo checks the token before the verify_result (an unknown one answers 84001).
      const url = `${joinUrl(baseUrl, '/cityservice/face/identify/getinfo')}?access_token=${encodeURIComponent(token)}`;
      const { body } = await fetchJson('wechat', { method: 'POST', url, body: '{"verify_result":"vr_none"}' });
      return (body as { errcode: number }).errcode;
    },
    close: () => closeServer(server),
  };
}
