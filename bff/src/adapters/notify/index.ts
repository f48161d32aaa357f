/**
 * The notification channels' real clients, built from their options (base URLs are functions:
 * the in-process simulators' base is the app's own URL, known only after listen). Production
 * code imports this file; it never imports `../../sim`.
 */
import { createSmsClient, type SmsClientOptions } from '../sms/client';
import { createAlipayNotifyClient, type AlipayNotifyOptions } from './alipay';
import type { NotifyAdapters } from './port';
import { createWechatNotifyClient, type WechatNotifyOptions } from './wechat';

export interface NotifyAdapterOptions {
  wechat: WechatNotifyOptions;
  alipay: AlipayNotifyOptions;
  sms: SmsClientOptions;
}

export function createNotifyAdapters(options: NotifyAdapterOptions): NotifyAdapters {
  return {
    wechat: createWechatNotifyClient(options.wechat),
    alipay: createAlipayNotifyClient(options.alipay),
    sms: createSmsClient(options.sms),
  };
}

export { WechatAccessToken, WECHAT_SUBSCRIBE_REFUSED, type WechatNotifyOptions } from './wechat';
export type { AlipayNotifyOptions } from './alipay';
export type { AlipayNotifyPort, NotifyAdapters, SmsNotifyPort, TemplateData, WechatNotifyPort } from './port';
