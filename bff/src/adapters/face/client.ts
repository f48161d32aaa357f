/**
 * H5 face verification service client (a hosted verification page, as identity-verification
 * vendors offer for browsers, where no WeChat/Alipay client API exists).
 *
 * Protocol (ours; the vendor's gateway implements it):
 *   JSON over HTTPS, every request signed as described in `../signing.ts` — HMAC-SHA256 over
 *   `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`, headers X-App-Key, X-Timestamp (unix
 *   seconds), X-Nonce, X-Signature (base64); skew over 300 s, a reused nonce, an unknown key or a
 *   bad signature → 401 `{code, message}`.
 *
 *   POST {base}/v1/face/certify   {"name": "张三", "idNumber": "43010219900101123X", "returnUrl": "https://…"}
 *     200 {"certifyId": "…", "url": "https://…"}   open `url` in the browser; when the citizen is done
 *                                                   the page redirects to returnUrl?certifyId=…
 *   GET  {base}/v1/face/certify/{certifyId}   (empty body is signed as the empty string)
 *     200 {"status": "pending" | "passed" | "failed"}
 *     404 {"code": "CERTIFY_NOT_FOUND", …}
 *
 * The redirect proves nothing: the service asks `GET …/certify/{id}` for the outcome.
 */
import type { FacePort } from '../ports';
import { AdapterError } from '../errors';
import { createSignedGateway, field, isString, type SignedGatewayOptions } from '../signedGateway';

export type FaceClientOptions = SignedGatewayOptions;

const STATUSES = ['pending', 'passed', 'failed'] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (v: unknown): v is Status => typeof v === 'string' && (STATUSES as readonly string[]).includes(v);

export function createFaceClient(options: FaceClientOptions): FacePort {
  const gateway = createSignedGateway('face', options);
  return {
    async initialize({ name, idNumber, returnUrl }) {
      const answer = await gateway.call('POST', '/v1/face/certify', { name, idNumber, returnUrl });
      const certifyId = field('face', answer, 'certifyId', isString);
      const url = field('face', answer, 'url', isString);
      if (!/^https?:\/\//.test(url)) throw new AdapterError('face', 'unavailable', 'bad_response', 'certify url is not http(s)');
      return { certifyId, url };
    },
    async query(certifyId) {
      const answer = await gateway.call('GET', `/v1/face/certify/${encodeURIComponent(certifyId)}`);
      return { status: field('face', answer, 'status', isStatus) };
    },
  };
}
