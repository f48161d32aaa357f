/**
 * How api.weixin.qq.com answers, shared by every WeChat server-API client: errors come as HTTP 200
 * with {errcode, errmsg}, so the body decides.
 *
 *   -1 busy · 45009 daily limit · 45011 minute quota   → AdapterError 'unavailable' (try later)
 *   any other errcode                                  → 'rejected', the errcode as upstreamCode
 */
import { AdapterError } from '../errors';

export type Answer = Record<string, unknown>;

/** Errcodes that mean "not now" rather than "no". */
const TRY_LATER = new Set([-1, 45009, 45011]);
/** Errcodes that mean the access token is no longer good: 40001 invalid, 42001 expired, 40014 malformed. */
const STALE_TOKEN = new Set([40001, 40014, 42001]);

export function errcodeOf(answer: Answer): number {
  return typeof answer.errcode === 'number' ? answer.errcode : 0;
}

export const refusesToken = (answer: Answer): boolean => STALE_TOKEN.has(errcodeOf(answer));

export const errmsgOf = (answer: Answer): string => (typeof answer.errmsg === 'string' ? answer.errmsg : '');

/** Throws WeChat's refusal; `errmsg` lets a caller shorten a message that quotes its request. */
export function refuse(answer: Answer, what: string, errmsg = errmsgOf(answer)): never {
  const code = errcodeOf(answer);
  throw new AdapterError('wechat', TRY_LATER.has(code) ? 'unavailable' : 'rejected', String(code), `${what}: errcode ${code} ${errmsg}`.trim());
}

/** An answer that is not what WeChat documents. */
export function bad(what: string, detail: string): never {
  throw new AdapterError('wechat', 'unavailable', 'bad_response', `${what}: ${detail}`);
}
