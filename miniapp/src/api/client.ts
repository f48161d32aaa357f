import type { EtagCache } from './etag';
import { failureToError, headerValue, toApiError } from './errors';
import { buildUrl, type Query } from './query';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What the platform's request function is asked to do (Taro.request in the app, a fake in tests). */
export interface TransportRequest {
  url: string;
  method: HttpMethod;
  data?: unknown;
  header: Record<string, string>;
  timeout: number;
}
export interface TransportResponse {
  statusCode: number;
  data: unknown;
  header?: Record<string, unknown>;
}
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

export interface RequestOptions {
  method?: HttpMethod;
  query?: Query;
  /** JSON body (POST/PUT). */
  data?: unknown;
  header?: Record<string, string>;
  timeoutMs?: number;
}

/** `request<T>(path, options)`: `path` is one of shared-types' `apiPaths` (without `/api/v1`). */
export type RequestFn = <T>(path: string, options?: RequestOptions) => Promise<T>;

export interface ClientOptions {
  /** `''` for same origin (H5), or an absolute origin such as `https://api.example.gov.cn`. */
  base: string;
  transport: Transport;
  timeoutMs?: number;
  /** Conditional GETs with If-None-Match (mini-programs; browsers do this themselves). */
  etagCache?: EtagCache;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Builds the one request helper of the app. Resolves with the parsed body of a 2xx answer (or the
 * cached body of a 304); rejects with `ApiError` for any other status (with the platform's error
 * body) and `NetworkError` when the BFF was not reached or timed out.
 */
export function createRequest({ base, transport, timeoutMs = DEFAULT_TIMEOUT_MS, etagCache }: ClientOptions): RequestFn {
  return async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = options.method ?? 'GET';
    const url = buildUrl(base, path, options.query);
    const cache = method === 'GET' ? etagCache : undefined;
    const header: Record<string, string> = {
      Accept: 'application/json',
      ...(options.data !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(cache ? cache.conditionalHeader(url) : {}),
      ...options.header,
    };

    let res: TransportResponse;
    try {
      res = await transport({ url, method, data: options.data, header, timeout: options.timeoutMs ?? timeoutMs });
    } catch (err) {
      throw failureToError(err);
    }

    const { statusCode, header: resHeader } = res;
    const data = parseBody(res.data);
    if (statusCode === 304 && cache) {
      const cached = cache.get(url);
      if (cached !== undefined) return cached as T;
    }
    if (statusCode >= 200 && statusCode < 300) {
      if (cache) cache.put(url, headerValue(resHeader, 'etag'), data);
      return data as T;
    }
    throw toApiError(statusCode, data, resHeader);
  };
}

/** Mini-programs hand back the raw string when a body is not JSON they could parse. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  const trimmed = data.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return data;
  try {
    return JSON.parse(trimmed);
  } catch {
    return data;
  }
}
