/**
 * Reference partner client of the OneVisit open API (`/open/v1`, canonical profile, native JSON).
 * Written from docs/open-api.md alone: it signs with its own ./signing.ts and takes only types
 * and path constants from the published contract package @onevisit/shared-types.
 */
import {
  OPEN_API_PREFIX,
  openPaths,
  type OpenCaseEvent,
  type OpenCaseStatus,
  type OpenCatalogPage,
  type OpenEventPage,
  type OpenGrantedLicence,
  type OpenSubmitRequest,
  type OpenSubmitResponse,
  type OpenSupplyMaterialRequest,
  type SignatureAlgorithm,
  type VerifyLicenceRequest,
  type VerifyLicenceResponse,
} from '@onevisit/shared-types';
import { signedHeaders } from './signing';

/** A refusal from the API (`{code, message, requestId, details?}`), or a transport failure (status 0). */
export class OpenApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly details?: unknown,
    /** Seconds from Retry-After (429), when given. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'OpenApiError';
  }
}

export interface OpenApiClientOptions {
  /** Scheme, host and port, e.g. `https://onevisit.example.gov.cn` (no `/open/v1`). */
  baseUrl: string;
  appId: string;
  secret: string;
  algorithm: SignatureAlgorithm;
  fetch?: typeof fetch;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  /** How often submitCase retries a retryable refusal or transport failure; default 3 attempts in all. */
  submitAttempts?: number;
}

export interface FollowOptions {
  until: (status: OpenCaseStatus) => boolean;
  /** Default 2 s. */
  intervalMs?: number;
  /** Default 60 s. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OpenApiClient {
  private readonly baseUrl: string;
  private readonly appId: string;
  private readonly secret: string;
  private readonly algorithm: SignatureAlgorithm;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly submitAttempts: number;

  constructor(options: OpenApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.appId = options.appId;
    this.secret = options.secret;
    this.algorithm = options.algorithm;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.submitAttempts = Math.max(1, Math.min(options.submitAttempts ?? 3, 10));
  }

  /**
   * One signed call. `pathWithQuery` is relative to `/open/v1` (`/cases/…?…`); a path that already
   * starts with `/open/` is used as it is. The body is sent as exactly the UTF-8 bytes that were hashed.
   */
  async request<T>(method: string, pathWithQuery: string, body?: unknown): Promise<T> {
    const full = pathWithQuery.startsWith('/open/') ? pathWithQuery : `${OPEN_API_PREFIX}${pathWithQuery}`;
    const url = new URL(this.baseUrl + full);
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...signedHeaders({
        algorithm: this.algorithm,
        appId: this.appId,
        secret: this.secret,
        method,
        url, // its path and query as fetch will put them on the request line
        body: bytes ?? '',
      }),
    };
    if (bytes) headers['content-type'] = 'application/json; charset=utf-8';

    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: method.toUpperCase(), headers, body: bytes, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      // Duck-typed: the abort error is a DOMException, not always an `instanceof Error` (other realms).
      const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const text = typeof message === 'string' ? message : String(err);
      throw new OpenApiError(0, timedOut ? 'CLIENT_TIMEOUT' : 'CLIENT_NETWORK_ERROR', timedOut ? `no answer within ${this.timeoutMs} ms` : text, null);
    }
    const text = await response.text();
    const requestId = response.headers.get('x-request-id');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      if (parsed === undefined && text !== '') throw new OpenApiError(response.status, 'CLIENT_BAD_RESPONSE', 'the answer is not JSON', requestId);
      return parsed as T;
    }
    const err = (parsed && typeof parsed === 'object' ? parsed : {}) as { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown };
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new OpenApiError(
      response.status,
      typeof err.code === 'string' ? err.code : `HTTP_${response.status}`,
      typeof err.message === 'string' ? err.message : text.slice(0, 200) || response.statusText,
      typeof err.requestId === 'string' ? err.requestId : requestId,
      err.details,
      Number.isFinite(retryAfter) && response.headers.has('retry-after') ? retryAfter : undefined,
    );
  }

  /** Items changed since `cursor` (from the beginning without one), oldest change first. Keep `nextCursor`. */
  syncCatalog(cursor?: string, limit?: number): Promise<OpenCatalogPage> {
    return this.request('GET', openPaths.catalogItems + query({ cursor, limit }));
  }

  /**
   * Submits on a citizen's behalf. Idempotent by `serialNo`, so a timeout, a 5xx, a 429 or
   * PARTNER_SERIAL_IN_PROGRESS is retried with the same body (freshly signed) a few times.
   */
  async submitCase(req: OpenSubmitRequest): Promise<OpenSubmitResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request<OpenSubmitResponse>('POST', openPaths.cases, req);
      } catch (err) {
        if (!(err instanceof OpenApiError) || attempt >= this.submitAttempts || !retryable(err)) throw err;
        await sleep(Math.min(10_000, (err.retryAfterSeconds ?? attempt) * 1000));
      }
    }
  }

  caseStatus(caseNo: string): Promise<OpenCaseStatus> {
    return this.request('GET', openPaths.case(caseNo));
  }

  caseBySerial(serialNo: string): Promise<OpenCaseStatus> {
    return this.request('GET', openPaths.caseBySerial(serialNo));
  }

  /** Supplies a 容缺 material promised at submission. */
  supplyMaterial(caseNo: string, req: OpenSupplyMaterialRequest): Promise<OpenCaseStatus> {
    return this.request('POST', openPaths.caseMaterials(caseNo), req);
  }

  /** One page of the event feed after `cursor`. */
  events(cursor?: string, limit?: number): Promise<OpenEventPage> {
    return this.request('GET', openPaths.events + query({ cursor, limit }));
  }

  /**
   * Every event after `cursor`, page by page, until the feed has no more (at most `maxPages`).
   * The generator's return value is the last `nextCursor`: store it for the next catch-up.
   */
  async *allEvents(cursor?: string, options: { limit?: number; maxPages?: number } = {}): AsyncGenerator<OpenCaseEvent, string | undefined> {
    const maxPages = options.maxPages ?? 1000;
    let next = cursor;
    for (let page = 0; page < maxPages; page++) {
      const result = await this.events(next, options.limit);
      for (const event of result.events) yield event;
      next = result.nextCursor;
      if (!result.hasMore || result.events.length === 0) break;
    }
    return next;
  }

  /**
   * Verifies a licence QR code (亮证二维码) online (`licences:verify`, relying parties). `reason` is
   * the 用证事由 the citizen sees in their usage records. Never retried: a token verifies once, so
   * a retry after a lost answer may be PRESENTATION_USED — ask the citizen for a fresh code instead.
   * The scanned text is trimmed (scanners add line feeds).
   */
  verifyLicence(token: string, reason: string): Promise<VerifyLicenceResponse> {
    const body: VerifyLicenceRequest = { token: token.trim(), reason };
    return this.request('POST', openPaths.licencesVerify, body);
  }

  /** Reads a licence the citizen granted you (`licences:grant`); `reason` (用证事由) is recorded for the citizen. */
  readGrant(grantId: string, reason: string): Promise<OpenGrantedLicence> {
    return this.request('GET', openPaths.licenceGrant(grantId) + query({ reason }));
  }

  /** Polls the case until `until(status)` holds; throws when `timeoutMs` passes first. */
  async followCase(caseNo: string, options: FollowOptions): Promise<OpenCaseStatus> {
    const intervalMs = Math.max(100, options.intervalMs ?? 2000);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const status = await this.caseStatus(caseNo);
      if (options.until(status)) return status;
      const left = deadline - Date.now();
      if (left <= 0) throw new OpenApiError(0, 'CLIENT_TIMEOUT', `case ${caseNo} still ${status.state} after ${options.timeoutMs ?? 60_000} ms`, null, { last: status });
      await sleep(Math.min(intervalMs, left));
    }
  }
}

function retryable(err: OpenApiError): boolean {
  return err.status === 0 || err.status === 429 || err.status >= 500 || err.code === 'PARTNER_SERIAL_IN_PROGRESS';
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.append(name, String(value));
  const s = search.toString();
  return s ? `?${s}` : '';
}
