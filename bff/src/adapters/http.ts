/**
 * The one way adapters speak HTTP: global fetch with a deadline. Everything that is not an answer
 * from the system (refused connection, timeout, 5xx, a body that is not JSON) becomes
 * AdapterError 'unavailable'; the caller reads the system's own refusals from the JSON it returns.
 * Messages name the system, the method and the path, never a request body (personal data).
 */
import { AdapterError } from './errors';

export const DEFAULT_TIMEOUT_MS = 5000;

export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as is (already serialised, so a signature can cover the exact bytes). */
  body?: string;
  timeoutMs?: number;
}

function describe(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid url)';
  }
}

export async function fetchJson(system: string, req: JsonRequest): Promise<JsonResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = `${req.method} ${describe(req.url)}`;
  let text: string;
  let status: number;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...req.headers },
      body: req.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AdapterError(system, 'unavailable', 'timeout', `${target} timed out after ${timeoutMs} ms`);
    }
    const cause = (err as { cause?: { code?: string } })?.cause?.code;
    throw new AdapterError(system, 'unavailable', cause ?? 'network', `${target} failed: ${cause ?? (err as Error)?.message ?? 'network error'}`);
  }
  if (status >= 500) throw new AdapterError(system, 'unavailable', `http_${status}`, `${target} answered HTTP ${status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AdapterError(system, 'unavailable', 'bad_response', `${target} answered HTTP ${status} with a body that is not JSON`);
  }
  if (body === null || typeof body !== 'object') {
    throw new AdapterError(system, 'unavailable', 'bad_response', `${target} answered HTTP ${status} with JSON that is not an object`);
  }
  return { status, body };
}

/** Joins a base URL (with or without a path prefix, with or without a trailing slash) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
