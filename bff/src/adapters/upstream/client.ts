/**
 * Police business systems client (户政 household, 出入境 exit-entry, 交管 traffic, 治安 public order):
 * hands a case to the department's system, reads its decisions, answers supplement requests,
 * withdraws a case the citizen withdrew.
 *
 * Protocol (ours; the provincial police data-exchange gateway implements it for each system):
 *   JSON over HTTPS, every request signed as described in `../signing.ts` — HMAC-SHA256 over
 *   `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`, headers X-App-Key, X-Timestamp (unix
 *   seconds), X-Nonce, X-Signature (base64). {system} is household | exit_entry | traffic |
 *   public_order.
 *
 *   POST {base}/v1/{system}/cases                      UpstreamCaseSubmission
 *     200 {"upstreamRef": "…"}        the same caseNo again → the same upstreamRef (idempotent;
 *                                     the first submission's content is kept)
 *   GET  {base}/v1/{system}/cases/{ref}/events
 *     200 {"events": UpstreamStatus[]} every event so far, oldest first; the first is `received`
 *   POST {base}/v1/{system}/cases/{ref}/supplements    {"materials": [...], "note"?: "…"}
 *     200 {"ok": true}                 answers the pending supplement request (the same materials
 *                                     again after it was answered → 200, idempotent)
 *   POST {base}/v1/{system}/cases/{ref}/withdrawal     {"reason": "…"} (1–500 characters)
 *     200 {"outcome": "withdrawn"}     the department stops work on the case and sends no more
 *                                     events for it (none, not even a `withdrawn` one)
 *     200 {"outcome": "already_withdrawn"}  idempotent: a repeat changes nothing
 *     409 CASE_ALREADY_DECIDED         too late: it already has a final decision (approved,
 *                                     rejected, not_accepted), which stands
 *   Refusals: 4xx {"code", "message"} — 400 INVALID_ARGUMENT / INVALID_ID_NUMBER / INVALID_JSON,
 *     404 CASE_NOT_FOUND, 409 NO_SUPPLEMENT_PENDING / CASE_ALREADY_DECIDED / CASE_WITHDRAWN (a
 *     supplement answer to a withdrawn case); 401 SIGNATURE_MISSING / APP_KEY_UNKNOWN /
 *     TIMESTAMP_EXPIRED / NONCE_REUSED / SIGNATURE_INVALID; 429 throttled; 5xx outage.
 *
 *   Status callbacks: the system POSTs each event, as `{"system": "…", ...UpstreamStatus}`, to the
 *   callback URL we registered with it, signed the same way with ITS key and secret (the callback
 *   key we were issued). We answer 2xx once stored; anything else and it retries with backoff.
 *   Events of one case arrive in order, but a retry can deliver one twice: dedupe on eventId.
 *   Verify with `verifyUpstreamCallback`, read with `parseUpstreamCallback` (`./callback.ts`).
 *
 * Errors (AdapterError, system `upstream:<system>`):
 *   'rejected'    the system refused this request's content (400, 404, 409 …): retrying the same
 *                 request cannot help.
 *   'unavailable' outage, timeout, 5xx, 429, garbage — AND a 401 signature refusal (upstreamCode
 *                 kept: SIGNATURE_INVALID …). A signature refusal says nothing about the case: it is
 *                 our channel's fault (a rotated secret, a skewed clock) and hits every case alike, so
 *                 the outbox must keep retrying and alert rather than settle the case as refused;
 *                 once ops fix the credentials, pending deliveries go through without a re-drive.
 */
import { AdapterError } from '../errors';
import { createSignedGateway, field, type SignedGateway, type SignedGatewayOptions } from '../signedGateway';
import {
  isUpstreamSystem,
  isUpstreamWithdrawOutcome,
  UpstreamStatusSchema,
  type UpstreamCaseSubmission,
  type UpstreamPort,
  type UpstreamStatus,
  type UpstreamSystem,
} from './port';

export interface UpstreamClientOptions extends SignedGatewayOptions {
  /**
   * Per-system overrides, when a department's system sits behind its own gateway or has its own
   * credentials; anything not given falls back to the top-level options.
   */
  systems?: Partial<Record<UpstreamSystem, Partial<SignedGatewayOptions>>>;
}

/** 401 codes of the signed gateway: the channel, not the request, was refused. */
export const UPSTREAM_AUTH_CODES: readonly string[] = ['SIGNATURE_MISSING', 'APP_KEY_UNKNOWN', 'TIMESTAMP_EXPIRED', 'NONCE_REUSED', 'SIGNATURE_INVALID', 'http_401', 'http_403'];

export function upstreamSystemName(system: UpstreamSystem): string {
  return `upstream:${system}`;
}

const isRef = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamPort {
  const gateways = new Map<UpstreamSystem, SignedGateway>();

  function gatewayFor(system: UpstreamSystem): SignedGateway {
    if (!isUpstreamSystem(system)) throw new AdapterError('upstream', 'rejected', 'UNKNOWN_SYSTEM', `unknown upstream system "${String(system)}"`);
    let gw = gateways.get(system);
    if (!gw) {
      const { systems: _systems, ...base } = options;
      gw = createSignedGateway(upstreamSystemName(system), { ...base, ...options.systems?.[system] });
      gateways.set(system, gw);
    }
    return gw;
  }

  async function call(system: UpstreamSystem, method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Record<string, unknown>> {
    const gw = gatewayFor(system);
    try {
      return await gw.call(method, path, payload);
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected' && UPSTREAM_AUTH_CODES.includes(err.upstreamCode)) {
        throw new AdapterError(err.system, 'unavailable', err.upstreamCode, `${method} ${path}: our signature was refused (${err.upstreamCode})`);
      }
      throw err;
    }
  }

  function casePath(system: UpstreamSystem, upstreamRef: string, tail: string): string {
    if (!isRef(upstreamRef)) throw new AdapterError(upstreamSystemName(system), 'rejected', 'INVALID_ARGUMENT', 'upstreamRef must be 1–64 characters');
    return `/v1/${system}/cases/${encodeURIComponent(upstreamRef)}/${tail}`;
  }

  return {
    async submit(system, c: UpstreamCaseSubmission) {
      const answer = await call(system, 'POST', `/v1/${system}/cases`, c);
      return { upstreamRef: field(upstreamSystemName(system), answer, 'upstreamRef', isRef) };
    },

    async queryStatus(system, upstreamRef) {
      const answer = await call(system, 'GET', casePath(system, upstreamRef, 'events'));
      const name = upstreamSystemName(system);
      const raw = field(name, answer, 'events', Array.isArray);
      return raw.map((e, i): UpstreamStatus => {
        const parsed = UpstreamStatusSchema.safeParse(e);
        if (!parsed.success) throw new AdapterError(name, 'unavailable', 'bad_response', `event ${i} is not a valid status event`);
        if (parsed.data.upstreamRef !== upstreamRef) throw new AdapterError(name, 'unavailable', 'bad_response', `event ${i} belongs to another case`);
        return parsed.data;
      });
    },

    async answerSupplement(system, upstreamRef, materials, note) {
      await call(system, 'POST', casePath(system, upstreamRef, 'supplements'), note === undefined ? { materials } : { materials, note });
    },

    async withdraw(system, upstreamRef, reason) {
      const answer = await call(system, 'POST', casePath(system, upstreamRef, 'withdrawal'), { reason });
      return { outcome: field(upstreamSystemName(system), answer, 'outcome', isUpstreamWithdrawOutcome) };
    },
  };
}
