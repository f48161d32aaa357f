/**
 * The notification channels as one port: a WeChat subscribe message (订阅消息), an Alipay
 * mini-program template message, a template SMS. Each method sends one message or throws
 * AdapterError: 'rejected' when the platform said no (the user has not subscribed, the template
 * or recipient is invalid — retrying cannot help), 'unavailable' when it could not answer (retry
 * later). Adapters only speak the protocols; which citizen gets what is the notifications module's.
 */

/** Template keywords and their values, e.g. `{ thing2: '居民身份证补领' }` or `{ keyword1: '…' }`. */
export type TemplateData = Record<string, string>;

export interface WechatNotifyPort {
  /** `POST /cgi-bin/message/subscribe/send`: one subscribe message to an openid of our mini-program. */
  sendSubscribeMessage(openid: string, templateId: string, page: string, data: TemplateData): Promise<{ msgid?: string }>;
}

export interface AlipayNotifyPort {
  /** `alipay.open.app.mini.templatemessage.send`: one template message to an Alipay user id (2088…). */
  sendTemplateMessage(userId: string, templateId: string, page: string, data: TemplateData): Promise<void>;
}

export interface SmsNotifyPort {
  /**
   * `POST /v1/sms/send` with a registered template. `clientRef` makes a retry safe: the gateway
   * sends once per clientRef (pass the outbox row id).
   */
  sendTemplate(phone: string, templateCode: string, params: Record<string, string>, options?: { clientRef?: string }): Promise<{ messageId: string }>;
}

export interface NotifyAdapters {
  wechat: WechatNotifyPort;
  alipay: AlipayNotifyPort;
  sms: SmsNotifyPort;
}
