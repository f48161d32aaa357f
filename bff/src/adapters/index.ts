/**
 * The identity capability's outside systems, built from their options. Base URLs are functions
 * because the in-process simulators' base is the app's own URL, known only after listen.
 * Production code imports this file; it never imports `../sim`.
 */
import type { IdentityAdapters } from './ports';
import { createAlipayClient, type AlipayClientOptions } from './alipay/client';
import { createFaceClient, type FaceClientOptions } from './face/client';
import { createHouseholdClient, type HouseholdClientOptions } from './household/client';
import { createSmsClient, type SmsClientOptions } from './sms/client';
import { createWechatClient, type WechatClientOptions } from './wechat/client';

export interface IdentityAdapterOptions {
  wechat: WechatClientOptions;
  alipay: AlipayClientOptions;
  sms: SmsClientOptions;
  household: HouseholdClientOptions;
  face: FaceClientOptions;
}

export function createIdentityAdapters(options: IdentityAdapterOptions): IdentityAdapters {
  return {
    wechat: createWechatClient(options.wechat),
    alipay: createAlipayClient(options.alipay),
    sms: createSmsClient(options.sms),
    household: createHouseholdClient(options.household),
    face: createFaceClient(options.face),
  };
}

export { AdapterError } from './errors';
export type { IdentityAdapters, WechatPort, AlipayPort, SmsPort, HouseholdPort, FacePort } from './ports';
export { WECHAT_API_BASE } from './wechat/client';
export { ALIPAY_GATEWAY } from './alipay/client';
export type { AlipayClientOptions, FaceClientOptions, HouseholdClientOptions, SmsClientOptions, WechatClientOptions };
