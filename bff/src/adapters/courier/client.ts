/**
 * Postal courier client (EMS-style 邮政快递): books waybills, reads tracking, cancels before pickup.
 *
 * Protocol (ours; the courier's open platform gateway implements it, as the other signed gateways):
 *   JSON over HTTPS, every request signed as described in `../signing.ts` — HMAC-SHA256 over
 *   `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`, headers X-App-Key, X-Timestamp (unix
 *   seconds), X-Nonce, X-Signature (base64).
 *
 *   POST {base}/v1/waybills                       CourierOrder
 *     200 {"waybillNo": "EA123456785CN"}        the same orderNo again → the same waybillNo
 *                                               (idempotent; the first order's content is kept)
 *   GET  {base}/v1/waybills/{waybillNo}/tracking
 *     200 {"waybillNo", "orderNo", "events": CourierEvent[]}   oldest first
 *   POST {base}/v1/waybills/{waybillNo}/cancel    {"reason"?: "…"}
 *     200 {"ok": true}                           again after a cancel → 200 (idempotent)
 *   Refusals: 4xx {"code", "message"} — 400 INVALID_ARGUMENT / INVALID_JSON, 404 WAYBILL_NOT_FOUND,
 *     409 ALREADY_PICKED_UP (cancel after pickup) / ORDER_CANCELLED (an orderNo whose waybill was
 *     cancelled: book again under a new orderNo); 401 SIGNATURE_MISSING / APP_KEY_UNKNOWN /
 *     TIMESTAMP_EXPIRED / NONCE_REUSED / SIGNATURE_INVALID; 429 throttled; 5xx outage.
 *
 *   Tracking pushes: the courier POSTs each event (a CourierEvent as JSON) to the push URL we
 *   registered, signed the same way with ITS key and secret. We answer 2xx once stored; anything
 *   else and it retries with backoff, a bounded number of times. One waybill's events arrive in
 *   order, but a retry can deliver one twice: dedupe on eventId. Verify with `verifyCourierPush`,
 *   read with `parseCourierPush` (`./push.ts`).
 *
 * Errors (AdapterError, system `courier`):
 *   'rejected'    the courier refused this request's content (400, 404, 409): retrying cannot help.
 *   'unavailable' outage, timeout, 5xx, 429, garbage — and a 401 signature refusal (our channel's
 *                 fault, the same for every waybill: keep retrying and alert).
 */
import { AdapterError } from '../errors';
import { createSignedGateway, field, type SignedGatewayOptions } from '../signedGateway';
import { CourierEventSchema, isValidS10, type CourierEvent, type CourierOrder, type CourierPort } from './port';

export const COURIER_SYSTEM = 'courier';

export type CourierClientOptions = SignedGatewayOptions;

/** 401 codes of the signed gateway: the channel, not the request, was refused. */
export const COURIER_AUTH_CODES: readonly string[] = ['SIGNATURE_MISSING', 'APP_KEY_UNKNOWN', 'TIMESTAMP_EXPIRED', 'NONCE_REUSED', 'SIGNATURE_INVALID', 'http_401', 'http_403'];

function checkedWaybill(waybillNo: string): string {
  if (!isValidS10(waybillNo)) throw new AdapterError(COURIER_SYSTEM, 'rejected', 'INVALID_ARGUMENT', 'waybillNo is not an S10 waybill number');
  return waybillNo;
}

export function createCourierClient(options: CourierClientOptions): CourierPort {
  const gateway = createSignedGateway(COURIER_SYSTEM, options);

  async function call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Record<string, unknown>> {
    try {
      return await gateway.call(method, path, payload);
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected' && COURIER_AUTH_CODES.includes(err.upstreamCode)) {
        throw new AdapterError(err.system, 'unavailable', err.upstreamCode, `${method} ${path}: our signature was refused (${err.upstreamCode})`);
      }
      throw err;
    }
  }

  return {
    async createWaybill(order: CourierOrder) {
      const answer = await call('POST', '/v1/waybills', order);
      return { waybillNo: field(COURIER_SYSTEM, answer, 'waybillNo', (v): v is string => typeof v === 'string' && isValidS10(v)) };
    },

    async queryTracking(waybillNo) {
      const no = checkedWaybill(waybillNo);
      const answer = await call('GET', `/v1/waybills/${no}/tracking`);
      const raw = field(COURIER_SYSTEM, answer, 'events', Array.isArray);
      return raw.map((e, i): CourierEvent => {
        const parsed = CourierEventSchema.safeParse(e);
        if (!parsed.success) throw new AdapterError(COURIER_SYSTEM, 'unavailable', 'bad_response', `event ${i} is not a valid tracking event`);
        if (parsed.data.waybillNo !== no) throw new AdapterError(COURIER_SYSTEM, 'unavailable', 'bad_response', `event ${i} belongs to another waybill`);
        return parsed.data;
      });
    },

    async cancelWaybill(waybillNo) {
      await call('POST', `/v1/waybills/${checkedWaybill(waybillNo)}/cancel`, {});
    },
  };
}
