/** Row shapes of the payments module (times are `toDbTime` strings). */
export interface PaymentOrdersTable {
  order_no: string;
  case_no: string;
  user_id: string;
  channel: string;
  amount_fen: number;
  lines: string;
  state: string;
  live_key: string | null;
  pay_params: string | null;
  transaction_id: string | null;
  expires_at: string;
  paid_at: string | null;
  last_queried_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PaymentRefundsTable {
  refund_no: string;
  order_no: string;
  amount_fen: number;
  reason: string;
  state: string;
  created_at: string;
  refunded_at: string | null;
}

export interface PaymentMismatchesTable {
  mismatch_id: string;
  bill_date: string;
  channel: string;
  kind: string;
  order_no: string | null;
  transaction_id: string | null;
  our_amount_fen: number | null;
  bill_amount_fen: number | null;
  detected_at: string;
}

declare module '../../db/schema' {
  interface Tables {
    payment_orders: PaymentOrdersTable;
    payment_refunds: PaymentRefundsTable;
    payment_mismatches: PaymentMismatchesTable;
  }
}
