import { apiPaths, type CreatePaymentRequest, type CreatePaymentResponse, type PaymentOrder } from '@onevisit/shared-types/client';
import type { RequestFn } from './client';

/** What the payment sheet said when it closed (`unknown` and `success` make the BFF ask the channel at once). */
export type PaymentOutcome = 'success' | 'cancelled' | 'unknown';

/** Creating an order asks the channel for a prepay: a little longer than a read. */
const WRITE_TIMEOUT_MS = 20_000;

/**
 * The citizen's payments (`/api/v1/payments`, `/applications/:caseNo/payments`). The amount is
 * never sent: the BFF computes it (item fee plus postage). `pay` is safe to repeat: the BFF hands
 * back the case's live order (and its same pay parameters), or `pay: null` when already paid.
 */
export function createPaymentsApi(authed: RequestFn) {
  return {
    pay: (body: CreatePaymentRequest) => authed<CreatePaymentResponse>(apiPaths.payments, { method: 'POST', data: body, timeoutMs: WRITE_TIMEOUT_MS }),
    order: (orderNo: string) => authed<PaymentOrder>(apiPaths.payment(orderNo)),
    report: (orderNo: string, outcome: PaymentOutcome) =>
      authed<PaymentOrder>(apiPaths.paymentResult(orderNo), { method: 'POST', data: { outcome }, timeoutMs: WRITE_TIMEOUT_MS }),
    /** Every order of a case, newest last as the BFF keeps them, each with its refunds. */
    ofCase: (caseNo: string) => authed<{ orders: PaymentOrder[] }>(apiPaths.applicationPayments(caseNo)),
  };
}
export type PaymentsApi = ReturnType<typeof createPaymentsApi>;
