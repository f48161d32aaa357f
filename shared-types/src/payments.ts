import { z } from 'zod';
import { keysOf, PAYMENT_CHANNEL_NAMES, PAYMENT_STATE_NAMES, REFUND_STATE_NAMES, SHIPMENT_STATE_NAMES, MISMATCH_KIND_NAMES } from './labels';
import { CaseNoSchema, IdempotencyKeySchema } from './applications';
import { pageOf, PagingQuerySchema } from './paging';

// ---- payments (缴费): one order per case and fee, paid through WeChat Pay or Alipay ----

export const PaymentChannelSchema = z.enum(keysOf(PAYMENT_CHANNEL_NAMES));
export const PaymentStateSchema = z.enum(keysOf(PAYMENT_STATE_NAMES));
export const RefundStateSchema = z.enum(keysOf(REFUND_STATE_NAMES));
export const ShipmentStateSchema = z.enum(keysOf(SHIPMENT_STATE_NAMES));

/** One line of what is paid for: the item's fee, the postage. Integer fen. */
export const FeeLineSchema = z.object({ kind: z.enum(['item_fee', 'postage']), description: z.string(), amountFen: z.number().int() });
export type FeeLine = z.infer<typeof FeeLineSchema>;

/**
 * Starts (or resumes) paying a case. The amount never comes from the client: it is the item's fee
 * plus postage when the case is posted. `h5` pays through WeChat Pay's H5 cashier (the simulator's
 * cashier page in development).
 */
export const CreatePaymentRequestSchema = z.object({
  caseNo: CaseNoSchema,
  channel: PaymentChannelSchema,
  idempotencyKey: IdempotencyKeySchema,
  /** WeChat: the mini-program's wx.login code, exchanged for the payer's openid; Alipay: my.getAuthCode. */
  payerCode: z.string().min(1).max(128).optional(),
});
export type CreatePaymentRequest = z.input<typeof CreatePaymentRequestSchema>;

/** What the client hands to the platform's payment API. */
export const PayParamsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('wechat_jsapi'),
    /** The exact arguments of wx.requestPayment (signed with the merchant key). */
    params: z.object({ appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.literal('RSA'), paySign: z.string() }),
  }),
  z.object({ kind: z.literal('wechat_h5'), h5Url: z.string() }),
  z.object({ kind: z.literal('alipay_trade'), tradeNo: z.string() }),
]);
export type PayParams = z.infer<typeof PayParamsSchema>;

export const PaymentOrderSchema = z
  .object({
    orderNo: z.string(),
    caseNo: z.string(),
    channel: PaymentChannelSchema,
    state: PaymentStateSchema,
    amountFen: z.number().int(),
    lines: z.array(FeeLineSchema),
    createdAt: z.string(),
    expiresAt: z.string(),
    paidAt: z.string().nullable(),
    /** The channel's own transaction number once paid. */
    transactionId: z.string().nullable(),
    refunds: z.array(
      z.object({ refundNo: z.string(), amountFen: z.number().int(), state: RefundStateSchema, reason: z.string(), createdAt: z.string(), refundedAt: z.string().nullable() }),
    ),
  })
  .meta({ id: 'PaymentOrder' });
export type PaymentOrder = z.infer<typeof PaymentOrderSchema>;

export const CreatePaymentResponseSchema = z.object({ order: PaymentOrderSchema, pay: PayParamsSchema.nullable() });
export type CreatePaymentResponse = z.infer<typeof CreatePaymentResponseSchema>;

/** The client's word after the payment sheet closed: `unknown` makes the BFF ask the channel. */
export const PaymentResultReportSchema = z.object({ outcome: z.enum(['success', 'cancelled', 'unknown']) });
export const OrderNoParamsSchema = z.object({ orderNo: z.string().regex(/^P[0-9A-Z]{10,40}$/) });

// ---- postal addresses and shipments ----

export const AddressIdParamsSchema = z.object({ addressId: z.string().min(1).max(64) });

export const ShipmentEventSchema = z.object({ state: ShipmentStateSchema, at: z.string(), description: z.string(), location: z.string().nullable() });
export const ShipmentSchema = z
  .object({
    caseNo: z.string(),
    waybillNo: z.string().nullable(),
    state: ShipmentStateSchema,
    /** Masked recipient, as shown to the citizen and staff. */
    recipient: z.object({ name: z.string(), phone: z.string(), region: z.string(), detail: z.string() }),
    events: z.array(ShipmentEventSchema),
    updatedAt: z.string(),
  })
  .meta({ id: 'Shipment' });
export type Shipment = z.infer<typeof ShipmentSchema>;

// ---- console: payments per case, reconciliation ----

export const ReconciliationMismatchSchema = z.object({
  billDate: z.string(),
  channel: PaymentChannelSchema,
  kind: z.enum(keysOf(MISMATCH_KIND_NAMES)),
  orderNo: z.string().nullable(),
  transactionId: z.string().nullable(),
  ourAmountFen: z.number().int().nullable(),
  billAmountFen: z.number().int().nullable(),
  detectedAt: z.string(),
});
export type ReconciliationMismatch = z.infer<typeof ReconciliationMismatchSchema>;
export const ReconciliationQuerySchema = PagingQuerySchema.extend({ billDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() });
export const ReconciliationPageSchema = pageOf(ReconciliationMismatchSchema);
