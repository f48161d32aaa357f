/**
 * Client of the provincial government service platform's push API (湖南省一件事一次办 /
 * 政务服务平台): our catalogue items and case status changes, in the province's dialect.
 *
 * Protocol (the province's; the simulator `sim/province.ts` speaks it):
 *   JSON over HTTPS, signed exactly as our open API signs (docs/open-api.md § Signing: the six
 *   X-OV-* headers, HMAC-SHA256 or HMAC-SM3 over ALGORITHM, METHOD, PATH, CANONICAL_QUERY,
 *   TIMESTAMP, NONCE, BODY_HASH) with the app id, secret and algorithm the province issued to us.
 *   Bodies and answers are in the dialect of the province's mapping profile
 *   (`modules/partners/mapping/profiles/<PROVINCE_PROFILE>.json`): field names, code tables,
 *   dates, and its answer envelope.
 *
 *   POST {base}/api/v1/catalog/items   the `catalogPage` document with one item:
 *                                       {items: [OpenCatalogItem], nextCursor: <version tag>, hasMore: false}
 *   POST {base}/api/v1/cases/events    the `event` document: one OpenCaseEvent
 *     success: the profile's success envelope (data ignored). The province keeps an item's
 *       versions by (itemCode, updatedAt) and events by eventId: pushing again is harmless.
 *     refusal: the profile's error envelope with our error codes mapped to its own
 *       (signature refusals, VALIDATION_FAILED for a body the dialect or the schema refuses …),
 *       with the HTTP status of the code or 200 (`httpStatus: always200` envelopes).
 *
 * Errors (AdapterError, system `province`):
 *   'rejected'    the province refused this push (4xx, or an error code whose status is 4xx):
 *                 bad signature or secret, unknown app, a body it cannot read. Retrying the same
 *                 bytes cannot help — the outbox dead-letters it for an operator.
 *   'unavailable' refused connection, timeout, 5xx, 408/429, a body that is not its envelope,
 *                 and refusals that can pass by themselves (rate limit, clock skew): retried.
 */
import { errorStatus, type OpenCaseEvent, type OpenCatalogItem, type OpenCatalogPage, type SignatureAlgorithm } from '@onevisit/shared-types';
import { MappingError, toDialect, unwrapResponse, type DocumentType } from '../../modules/partners/mapping/engine';
import type { MappingProfile } from '../../modules/partners/mapping/profile';
import { signedHeaders } from '../../modules/partners/signature';
import { AdapterError } from '../errors';
import { fetchJson, joinUrl } from '../http';
import { PROVINCE_PATHS, type ProvincePort } from './port';

export const PROVINCE_SYSTEM = 'province';

export interface ProvinceClientOptions {
  /** e.g. `https://zwfw.hunan.gov.cn/openapi` or the simulator's `http://127.0.0.1:3000/sim/province`. */
  baseUrl: () => string;
  /** The app id the province issued to us. */
  appId: string;
  secret: string;
  algorithm: SignatureAlgorithm;
  /** The province's dialect. */
  profile: MappingProfile;
  /** Per request, default 5000 ms. */
  timeoutMs?: number;
}

/** Refusals that can pass by themselves: retry rather than dead-letter. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['PARTNER_RATE_LIMITED', 'RATE_LIMITED', 'SIGNATURE_TIMESTAMP_SKEWED', 'SERVICE_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'INTERNAL_ERROR']);

/** The version tag sent as the pushed page's `nextCursor` (the canonical page requires one). */
export function catalogVersionTag(item: Pick<OpenCatalogItem, 'itemCode' | 'updatedAt'>): string {
  return `v${Buffer.from(`${item.itemCode}|${item.updatedAt}`, 'utf8').toString('base64url')}`;
}

/** Whether a refusal is 'rejected' (permanent) or 'unavailable' (retry). */
export function classifyRefusal(httpStatus: number, code: string): 'rejected' | 'unavailable' {
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) return 'unavailable';
  if (TRANSIENT_CODES.has(code)) return 'unavailable';
  const ours = (errorStatus as Record<string, number | undefined>)[code];
  if (httpStatus >= 400) return 'rejected';
  // An error inside a 2xx (always200 envelopes): the code's own status decides; a code we cannot
  // read back is retried (bounded by the outbox), never silently dropped.
  if (ours === undefined) return 'unavailable';
  return ours === 408 || ours === 429 || ours >= 500 ? 'unavailable' : 'rejected';
}

export function createProvinceClient(options: ProvinceClientOptions): ProvincePort {
  const { profile } = options;

  async function push(path: string, doc: DocumentType, canonical: unknown): Promise<void> {
    let dialect: unknown;
    try {
      dialect = toDialect(profile, doc, canonical);
    } catch (err) {
      if (err instanceof MappingError) throw new AdapterError(PROVINCE_SYSTEM, 'rejected', 'MAPPING_FAILED', `POST ${path}: profile ${profile.id} cannot express ${err.field || 'the payload'}`);
      throw err;
    }
    const url = joinUrl(options.baseUrl(), path);
    const target = new URL(url);
    const body = JSON.stringify(dialect);
    const headers = signedHeaders({ algorithm: options.algorithm, appId: options.appId, secret: options.secret, method: 'POST', url: `${target.pathname}${target.search}`, body });
    const res = await fetchJson(PROVINCE_SYSTEM, { method: 'POST', url, headers, body, timeoutMs: options.timeoutMs });
    const answer = unwrapResponse(profile, res.status, res.body);
    if (answer.ok && res.status >= 200 && res.status < 300) return;
    const code = answer.ok ? `http_${res.status}` : answer.code;
    const message = answer.ok ? `HTTP ${res.status}` : answer.message || `HTTP ${res.status}`;
    throw new AdapterError(PROVINCE_SYSTEM, classifyRefusal(res.status, code), code, `POST ${path}: ${message}`);
  }

  return {
    async pushCatalogItem(item) {
      const page: OpenCatalogPage = { items: [item], nextCursor: catalogVersionTag(item), hasMore: false };
      await push(PROVINCE_PATHS.catalogItems, 'catalogPage', page);
    },
    async pushCaseEvent(event: OpenCaseEvent) {
      await push(PROVINCE_PATHS.caseEvents, 'event', event);
    },
  };
}
