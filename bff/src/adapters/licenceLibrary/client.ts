/**
 * Provincial licence library (省电子证照库) client: the licences a resident holds, and one licence
 * by its GB/T 36904 identifier.
 *
 * Protocol (ours; the provincial data-exchange gateway implements it in front of the library):
 *   JSON over HTTPS, every request signed as described in `../signing.ts` — HMAC-SHA256 over
 *   `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`, headers X-App-Key, X-Timestamp (unix
 *   seconds), X-Nonce, X-Signature (base64).
 *
 *   POST {base}/v1/licences/query     {"holderCode": "43010219900101123X", "holderCodeType": "公民身份号码"}
 *     200 {"licences": LibraryLicence[]}   every licence of the holder, revoked and expired ones
 *                                          included; [] when there are none. (POST, so the ID number
 *                                          never lands in a URL or an access log.)
 *   GET  {base}/v1/licences/{licenceId}   (the identifier URL-encoded)
 *     200 {"licence": LibraryLicence}
 *     404 LICENCE_NOT_FOUND
 *   Refusals: 4xx {"code", "message"} — 400 INVALID_ARGUMENT / INVALID_ID_NUMBER /
 *     INVALID_LICENCE_ID / INVALID_JSON, 404 LICENCE_NOT_FOUND; 401 SIGNATURE_MISSING /
 *     APP_KEY_UNKNOWN / TIMESTAMP_EXPIRED / NONCE_REUSED / SIGNATURE_INVALID; 429 throttled; 5xx outage.
 *
 *   LibraryLicence (GB/T 36903 metadata + surface data; `./port.ts`): {licenceId, type, typeCode,
 *   name, number, issuer, issuerCode, issueDate, holder, holderCode, holderCodeType: "公民身份号码",
 *   validFrom, validUntil (null = 长期), status: valid|expired|revoked|abnormal, statusNote,
 *   version, replacedBy?, fields: {name, gender, …}}; dates YYYY-MM-DD.
 *
 *   Status callbacks: the library POSTs `{eventId, licenceId, status, statusNote, replacedBy?, at}`
 *   to the callback URL we registered (`/open/v1/licence-library/callback`), signed the same way
 *   with ITS callback key and secret; a reissue arrives as the old version `revoked` with
 *   `replacedBy`. We answer 2xx once stored; anything else and it retries with backoff, so one
 *   event may arrive twice: dedupe on eventId. Verify with `verifyLibraryCallback`, read with
 *   `parseLibraryCallback` (`./callback.ts`).
 *
 * Answers are checked: a licence of a type code we do not handle (another ministry's) is skipped;
 * a malformed licence, or one of another holder than asked, makes the whole answer 'unavailable'
 * (bad_response) — never half a wallet, never someone else's licence.
 *
 * Errors (AdapterError, system `licence_library`):
 *   'rejected'    the library refused this request's content (an invalid ID number or identifier).
 *   'unavailable' outage, timeout, 5xx, 429, garbage — and a 401 signature refusal (our channel's
 *                 fault: a rotated secret, a skewed clock; it hits every request alike).
 */
import { isValidLicenceId } from '@onevisit/shared-types';
import { AdapterError } from '../errors';
import { isRecord } from '../http';
import { createSignedGateway, field, type SignedGatewayOptions } from '../signedGateway';
import { UPSTREAM_AUTH_CODES } from '../upstream/client';
import { HOLDER_CODE_TYPE, isKnownLicenceTypeCode, LibraryLicenceSchema, type LibraryLicence, type LicenceLibraryPort } from './port';

export type LicenceLibraryClientOptions = SignedGatewayOptions;

export const LICENCE_LIBRARY_SYSTEM = 'licence_library';

/** 401/403 codes of the signed gateway: the channel, not the request, was refused. */
export const LICENCE_LIBRARY_AUTH_CODES: readonly string[] = UPSTREAM_AUTH_CODES;

const S = LICENCE_LIBRARY_SYSTEM;

function readLicence(raw: unknown, what: string): LibraryLicence {
  const parsed = LibraryLicenceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AdapterError(S, 'unavailable', 'bad_response', `${what} is not a valid licence (${issue.path.join('.') || 'licence'}: ${issue.message})`);
  }
  return parsed.data;
}

export function createLicenceLibraryClient(options: LicenceLibraryClientOptions): LicenceLibraryPort {
  const gateway = createSignedGateway(S, options);

  async function call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Record<string, unknown>> {
    try {
      return await gateway.call(method, path, payload);
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected' && LICENCE_LIBRARY_AUTH_CODES.includes(err.upstreamCode)) {
        throw new AdapterError(S, 'unavailable', err.upstreamCode, `${method} ${path}: our signature was refused (${err.upstreamCode})`);
      }
      throw err;
    }
  }

  return {
    async licencesOf(holderIdNumber) {
      const holderCode = String(holderIdNumber ?? '').trim().toUpperCase();
      const answer = await call('POST', '/v1/licences/query', { holderCode, holderCodeType: HOLDER_CODE_TYPE });
      const raw = field(S, answer, 'licences', Array.isArray);
      const licences: LibraryLicence[] = [];
      raw.forEach((entry, i) => {
        // another ministry's licence (a well-formed type code we do not handle): not ours to show
        if (isRecord(entry) && typeof entry.typeCode === 'string' && /^[0-9A-Z]{21}$/.test(entry.typeCode) && !isKnownLicenceTypeCode(entry.typeCode)) return;
        const licence = readLicence(entry, `licence ${i}`);
        if (licence.holderCode.toUpperCase() !== holderCode) throw new AdapterError(S, 'unavailable', 'bad_response', `licence ${i} belongs to another holder`);
        licences.push(licence);
      });
      return licences;
    },

    async licence(licenceId) {
      if (!isValidLicenceId(licenceId)) throw new AdapterError(S, 'rejected', 'INVALID_LICENCE_ID', 'licenceId is not a valid GB/T 36904 identifier');
      let answer: Record<string, unknown>;
      try {
        answer = await call('GET', `/v1/licences/${encodeURIComponent(licenceId)}`);
      } catch (err) {
        if (err instanceof AdapterError && err.kind === 'rejected' && err.upstreamCode === 'LICENCE_NOT_FOUND') return null;
        throw err;
      }
      const licence = readLicence(answer.licence, 'the answer');
      if (licence.licenceId !== licenceId) throw new AdapterError(S, 'unavailable', 'bad_response', 'the answer is another licence');
      return licence;
    },
  };
}
