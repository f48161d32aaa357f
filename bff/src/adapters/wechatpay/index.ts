/** WeChat Pay API v3: port, client, notification reader, crypto and bill helpers (see `./client.ts`). */
export * from './port';
export { createWechatPayClient, beijingRfc3339, WECHATPAY_API_BASE, type WechatPayClient, type WechatPayClientOptions } from './client';
export {
  parsePaymentNotification,
  WECHATPAY_NOTIFY_REFUSAL,
  WECHATPAY_REFUND_EVENTS,
  type NotificationHeaders,
  type ParseNotificationOptions,
  type WechatPayNotification,
  type WechatPayNotificationRefusal,
  type WechatPayRefundEvent,
} from './notification';
export {
  createWechatPayVerifier,
  decryptResource,
  encryptResource,
  verifyRequestPayment,
  WechatPayDecryptError,
  WECHATPAY_PUBLIC_KEY_ID_PREFIX,
  type EncryptedResource,
  type SignatureRefusal,
  type WechatPaySignedMessage,
  type WechatPayVerifier,
  type WechatPayVerifierOptions,
} from './crypto';
export { fenToYuan, yuanToFen, parseTradeBill, TradeBillFormatError } from './bill';
