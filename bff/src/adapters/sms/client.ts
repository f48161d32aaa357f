/**
 * SMS gateway (短信网关) client.
 *
 * Protocol (ours; the provincial SMS platform or a vendor implements it):
 *   JSON over HTTPS, every request signed as described in `../signing.ts` — HMAC-SHA256 over
 *   `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`, headers X-App-Key, X-Timestamp (unix
 *   seconds), X-Nonce, X-Signature (base64); skew over 300 s, a reused nonce, an unknown key or a
 *   bad signature → 401 `{code, message}`.
 *
 *   POST {base}/v1/sms/send   {"phone": "13800138000", "template": "login_code", "params": {"code": "123456", "minutes": "5"},
 *                              "clientRef"?: "obx_…"}
 *     200 {"messageId": "…"}            accepted for delivery
 *     4xx {"code": "…", "message": "…"} refused (invalid phone, unknown template, blocked number …)
 *   `template` is any template registered with the gateway (login_code, the case notices …);
 *   `clientRef` (8–64 of [A-Za-z0-9_-]) makes a retry safe: the gateway sends once per clientRef
 *   within 24 hours and answers a repeat with the first messageId.
 *
 * The gateway never echoes message content back. No business rules here: the identity service
 * decides codes, rates and expiry.
 */
import type { SmsPort } from '../ports';
import { createSignedGateway, field, isString, type SignedGatewayOptions } from '../signedGateway';

export type SmsClientOptions = SignedGatewayOptions;

/** Any registered template (the notifications module's case notices), optionally idempotent by clientRef. */
export interface SmsTemplateSender {
  sendTemplate(phone: string, templateCode: string, params: Record<string, string>, options?: { clientRef?: string }): Promise<{ messageId: string }>;
}

export function createSmsClient(options: SmsClientOptions): SmsPort & SmsTemplateSender {
  const gateway = createSignedGateway('sms', options);
  return {
    async send(phone, template, params) {
      const answer = await gateway.call('POST', '/v1/sms/send', { phone, template, params });
      return { messageId: field('sms', answer, 'messageId', isString) };
    },
    async sendTemplate(phone, templateCode, params, { clientRef } = {}) {
      const answer = await gateway.call('POST', '/v1/sms/send', { phone, template: templateCode, params, ...(clientRef ? { clientRef } : {}) });
      return { messageId: field('sms', answer, 'messageId', isString) };
    },
  };
}
