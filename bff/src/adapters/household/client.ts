/**
 * Household-registration system client: 人口信息核验 (does this name belong to this resident ID
 * number?).
 *
 * Protocol (ours; the public-security population information platform's front gateway
 * implements it):
 *   JSON over HTTPS, every request signed as described in `../signing.ts` — HMAC-SHA256 over
 *   `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`, headers X-App-Key, X-Timestamp (unix
 *   seconds), X-Nonce, X-Signature (base64); skew over 300 s, a reused nonce, an unknown key or a
 *   bad signature → 401 `{code, message}`.
 *
 *   POST {base}/v1/identity/verify   {"name": "张三", "idNumber": "43010219900101123X"}
 *     200 {"match": true | false}      false: no such resident, or the name differs
 *     4xx {"code": "…", "message": "…"} the request itself was refused
 *
 * The answer is a yes/no only: the system never returns personal data.
 */
import type { HouseholdPort } from '../ports';
import { createSignedGateway, field, isBoolean, type SignedGatewayOptions } from '../signedGateway';

export type HouseholdClientOptions = SignedGatewayOptions;

export function createHouseholdClient(options: HouseholdClientOptions): HouseholdPort {
  const gateway = createSignedGateway('household', options);
  return {
    async verifyRealName(name, idNumber) {
      const answer = await gateway.call('POST', '/v1/identity/verify', { name, idNumber });
      return { match: field('household', answer, 'match', isBoolean) };
    },
  };
}
