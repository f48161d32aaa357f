/**
 * The receiving side of WeChat Pay's notifications (支付通知 TRANSACTION.SUCCESS, 退款通知
 * REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED). The notify route calls, before any body
 * parser touches the bytes:
 *
 *   const n = parsePaymentNotification(raw, ctx.headers, verifier, apiV3Key);
 *   if (!n.ok) → answer WECHATPAY_NOTIFY_REFUSAL[n.reason] (WeChat retries: 15s/15s/30s/3m/10m/
 *                20m/30m/30m/30m/60m/3h/3h/3h/6h/6h)
 *   … record n.transaction / n.refund idempotently (on n.id and the resource's own numbers),
 *     then answer 204 with no body (200 also counts)
 *
 * A notification is believed only once its signature holds (see `./crypto.ts`: known serial,
 * SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n`, timestamp within 5 minutes) and its resource
 * decrypts with a valid GCM tag. Refusals come back as reason codes, never as exceptions.
 */
import { decryptResource, type WechatPayVerifier } from './crypto';
import { RefundNoticeWireSchema, toRefund, toTransaction, TransactionWireSchema, type WechatPayRefund, type WechatPayTransaction } from './port';

export type WechatPayNotificationRefusal = 'bad_signature' | 'unknown_serial' | 'clock_skew' | 'bad_ciphertext' | 'malformed';

export const WECHATPAY_REFUND_EVENTS = ['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'] as const;
export type WechatPayRefundEvent = (typeof WECHATPAY_REFUND_EVENTS)[number];

interface NotificationCommon {
  ok: true;
  /** The notification's id: the same on every retry of one notification. */
  id: string;
  createTime: string;
  summary: string;
  /** The serial that signed it (certificate serial number or PUB_KEY_ID_…). */
  serial: string;
}

export type WechatPayNotification =
  | (NotificationCommon & { kind: 'transaction'; eventType: 'TRANSACTION.SUCCESS'; transaction: WechatPayTransaction })
  | (NotificationCommon & { kind: 'refund'; eventType: WechatPayRefundEvent; refund: WechatPayRefund })
  | { ok: false; reason: WechatPayNotificationRefusal; message: string };

/** Node's IncomingHttpHeaders (ctx.headers), a fetch Headers object, or a plain record. */
export type NotificationHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };

export interface ParseNotificationOptions {
  /** Unix seconds; default now. */
  now?: number;
  /** When set, a resource of another merchant is refused as malformed. */
  mchId?: string;
  /** When set, a transaction of another app id is refused as malformed. */
  appId?: string;
}

/** How the notify route answers each refusal. WeChat retries anything but 200/204. */
export const WECHATPAY_NOTIFY_REFUSAL: Record<WechatPayNotificationRefusal, { status: number; body: { code: 'FAIL'; message: string } }> = {
  bad_signature: { status: 401, body: { code: 'FAIL', message: '签名错误' } },
  unknown_serial: { status: 401, body: { code: 'FAIL', message: '未知的证书序列号' } },
  clock_skew: { status: 401, body: { code: 'FAIL', message: '时间戳过期' } },
  bad_ciphertext: { status: 400, body: { code: 'FAIL', message: '解密失败' } },
  malformed: { status: 400, body: { code: 'FAIL', message: '通知格式错误' } },
};

export function headerReader(headers: NotificationHeaders): (name: string) => string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const h = headers as { get(name: string): string | null };
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map<string, string | string[] | undefined>();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) lower.set(k.toLowerCase(), v);
  return (name) => {
    const v = lower.get(name.toLowerCase());
    return typeof v === 'string' ? v : undefined; // a repeated header is ambiguous: missing
  };
}

const refuse = (reason: WechatPayNotificationRefusal, message: string): WechatPayNotification => ({ ok: false, reason, message });

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Verifies and reads one notification from the RAW body (bytes or the exact string received).
 * Checks, in order: the signature headers (unknown serial, bad signature, clock skew), the
 * envelope, the resource's decryption (GCM tag), and the decrypted resource's shape.
 */
export function parsePaymentNotification(
  raw: string | Uint8Array,
  headers: NotificationHeaders,
  verifier: WechatPayVerifier,
  apiV3Key: string,
  options: ParseNotificationOptions = {},
): WechatPayNotification {
  const body = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  const h = headerReader(headers);
  const verdict = verifier.verify(
    {
      timestamp: h('Wechatpay-Timestamp') ?? '',
      nonce: h('Wechatpay-Nonce') ?? '',
      signature: h('Wechatpay-Signature') ?? '',
      serial: h('Wechatpay-Serial') ?? '',
      body,
    },
    options.now,
  );
  if (!verdict.ok) return refuse(verdict.reason, `signature refused: ${verdict.reason}`);

  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return refuse('malformed', 'body is not JSON');
  }
  if (!isRecord(envelope) || !isRecord(envelope.resource)) return refuse('malformed', 'no resource');
  const { id, event_type: eventType, create_time: createTime, summary, resource_type: resourceType } = envelope;
  if (typeof id !== 'string' || !id || typeof eventType !== 'string' || resourceType !== 'encrypt-resource') return refuse('malformed', 'id, event_type and resource_type are required');
  const resource = envelope.resource;
  if (typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string' || typeof resource.algorithm !== 'string') return refuse('malformed', 'the resource lacks algorithm, ciphertext or nonce');
  if (resource.associated_data !== undefined && typeof resource.associated_data !== 'string') return refuse('malformed', 'associated_data is not a string');

  let plaintext: string;
  try {
    plaintext = decryptResource(
      { algorithm: resource.algorithm, ciphertext: resource.ciphertext, nonce: resource.nonce, associated_data: resource.associated_data as string | undefined },
      apiV3Key,
    );
  } catch (err) {
    return refuse('bad_ciphertext', (err as Error).message);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(plaintext);
  } catch {
    return refuse('malformed', 'the decrypted resource is not JSON');
  }

  const common = { ok: true as const, id, createTime: typeof createTime === 'string' ? createTime : '', summary: typeof summary === 'string' ? summary : '', serial: verdict.serial };
  if (eventType === 'TRANSACTION.SUCCESS') {
    const parsed = TransactionWireSchema.safeParse(decoded);
    if (!parsed.success) return refuse('malformed', `transaction: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    const transaction = toTransaction(parsed.data);
    if (options.mchId && transaction.mchId !== options.mchId) return refuse('malformed', 'transaction of another merchant');
    if (options.appId && transaction.appId !== options.appId) return refuse('malformed', 'transaction of another app');
    return { ...common, kind: 'transaction', eventType, transaction };
  }
  if ((WECHATPAY_REFUND_EVENTS as readonly string[]).includes(eventType)) {
    const parsed = RefundNoticeWireSchema.safeParse(decoded);
    if (!parsed.success) return refuse('malformed', `refund: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    const refund = toRefund(parsed.data);
    if (options.mchId && refund.mchId !== options.mchId) return refuse('malformed', 'refund of another merchant');
    return { ...common, kind: 'refund', eventType: eventType as WechatPayRefundEvent, refund };
  }
  return refuse('malformed', `unknown event_type ${eventType}`);
}
