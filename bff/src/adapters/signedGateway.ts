/**
 * Client side of the signed JSON gateways we define ourselves (SMS, household, face): signs each
 * request with `signing.ts` and reads the common answer shape.
 *
 *   2xx  the result object
 *   4xx  `{ code, message }`: the system refused (bad signature, unknown key, invalid argument …)
 *        → AdapterError 'rejected' with its code; 429 (throttled) → 'unavailable'
 *   5xx, timeout, refused connection, non-JSON → AdapterError 'unavailable'
 */
import { AdapterError } from './errors';
import { fetchJson, isRecord, joinUrl } from './http';
import { signRequest } from './signing';

export interface SignedGatewayOptions {
  /** Base URL, e.g. `https://sms.example.gov.cn` or the simulator's `http://127.0.0.1:3000/sim/sms`. */
  baseUrl: () => string;
  appKey: string;
  appSecret: string;
  /** Per request, default 5000 ms. */
  timeoutMs?: number;
}

export interface SignedGateway {
  call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Record<string, unknown>>;
}

export function createSignedGateway(system: string, options: SignedGatewayOptions): SignedGateway {
  return {
    async call(method, path, payload) {
      const url = joinUrl(options.baseUrl(), path);
      const target = new URL(url);
      const body = method === 'GET' ? '' : JSON.stringify(payload ?? {});
      const headers = signRequest({
        method,
        path: `${target.pathname}${target.search}`,
        body,
        appKey: options.appKey,
        appSecret: options.appSecret,
      });
      const res = await fetchJson(system, { method, url, headers, body: method === 'GET' ? undefined : body, timeoutMs: options.timeoutMs });
      const answer = res.body as Record<string, unknown>;
      if (res.status >= 200 && res.status < 300) return answer;
      const code = typeof answer.code === 'string' ? answer.code : `http_${res.status}`;
      const message = typeof answer.message === 'string' ? answer.message : `HTTP ${res.status}`;
      if (res.status === 429 || res.status === 408) throw new AdapterError(system, 'unavailable', code, `${method} ${path}: ${message}`);
      throw new AdapterError(system, 'rejected', code, `${method} ${path}: ${message}`);
    },
  };
}

/** A field of a result object, or 'unavailable' (the system answered something we cannot read). */
export function field<T>(system: string, answer: unknown, name: string, check: (v: unknown) => v is T): T {
  const value = isRecord(answer) ? answer[name] : undefined;
  if (!check(value)) throw new AdapterError(system, 'unavailable', 'bad_response', `answer lacks a valid "${name}"`);
  return value;
}

export const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
