/**
 * Alipay mini-program messages through the open platform gateway, on the same signed line as the
 * identity calls (`../alipay/client.ts`: RSA2-signed requests, every response's signature verified
 * before it is believed):
 *
 *   alipay.open.app.mini.templatemessage.send
 *     biz_content {to_user_id, user_template_id, page, data: '{"keyword1":{"value":"…"}}'}
 *     → {code: '10000'} | {code: '40004', sub_code: …}
 *
 * Subscribed messages (the citizen agreed in my.requestSubscribeMessage) need no form_id; `data`
 * is a JSON string, as the API takes it. A Business Failed (40004) or Invalid Arguments (40002)
 * answer is Alipay refusing → 'rejected'; the busy family (20000/20001, isp.*) → 'unavailable'.
 */
import { createAlipayGateway, type AlipayClientOptions } from '../alipay/client';
import type { AlipayNotifyPort, TemplateData } from './port';

export type AlipayNotifyOptions = Omit<AlipayClientOptions, 'certifyReturnUrl'>;

export function createAlipayNotifyClient(options: AlipayNotifyOptions): AlipayNotifyPort {
  const gateway = createAlipayGateway(options);
  return {
    async sendTemplateMessage(userId: string, templateId: string, page: string, data: TemplateData) {
      await gateway.exec('alipay.open.app.mini.templatemessage.send', {
        bizContent: {
          to_user_id: userId,
          user_template_id: templateId,
          page,
          data: JSON.stringify(Object.fromEntries(Object.entries(data).map(([key, value]) => [key, { value }]))),
        },
      });
    },
  };
}
