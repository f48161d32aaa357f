import { randomBytes } from 'node:crypto';
import {
  formatFen,
  type CreatePaymentRequest,
  type CreatePaymentResponse,
  type FeeLine,
  type Page,
  type PaymentChannel,
  type PaymentOrder,
  type PayParams,
  type ReconciliationMismatch,
} from '@onevisit/shared-types';
import { fromDbTime, newId, toDbTime } from '../../db/sql';
import { AdapterError } from '../../adapters/errors';
import { AppError } from '../../http/errors';
import type { Logger } from '../../logger';
import { enqueue, PermanentFailure, type OutboxDispatcher } from '../../outbox';
import type { ApplicationService } from '../applications/service';
import { CASE_CLOSED_TOPIC } from '../applications/service';
import { addDays, formatShanghai, shanghaiDate, shanghaiDayStart } from '../calendar/dates';
import type { CatalogService } from '../catalog/service';
import type { IdentityService } from '../identity/service';
import type { ChannelPayment, ChannelRefund, NoticeAnswer, PaymentGateway } from './gateway';
import type { MismatchRow, OrderRow, PaymentRepo, RefundRow } from './repo';

export const PAID_TOPIC = 'payments.paid';
export const REFUND_TOPIC = 'payments.refund';
export const RECONCILE_TOPIC = 'payments.reconcile';
/** "No bill for that day" (no trades): WeChat NO_STATEMENT_EXIST, Alipay isp.bill_not_exist. */
const NO_BILL_CODES = new Set(['NO_STATEMENT_EXIST', 'isp.bill_not_exist']);
/** Channels publish day D's bill on D+1 (WeChat from 10:00): reconcile after this Shanghai hour. */
const RECONCILE_AFTER_HOUR = 10;

export interface PaymentOptions {
  /** Postage of a posted result, in fen (added to the fee; free items are posted free). */
  postageFen: number;
  /** How long an order can be paid. */
  expireMinutes: number;
  /** Ask the channel about a paying order with no notification after this long. */
  queryAfterSeconds: number;
  /** This BFF's public origin, for notify URLs. */
  publicBase: () => string;
}

/** The outcome of a payment fact (a notification or a query answer) applied to an order. */
export type PaymentOutcome = 'paid' | 'duplicate' | 'flagged' | 'unknown_order' | 'mismatch' | 'not_paid';

const LIVE = (caseNo: string) => `${caseNo}:fee`;

/**
 * Payment orders (缴费) for cases: created idempotently per case and fee with the amount from the
 * catalogue (never from the client), paid exactly once however many notifications arrive (a
 * compare-and-set on the order's state), queried when the channel stays silent, closed at expiry,
 * refunded when the case is refused or withdrawn after payment — and a payment that lands after
 * we closed the order is flagged for refund, not lost. Reconciliation compares each day's bill.
 */
export class PaymentService {
  constructor(
    private readonly repo: PaymentRepo,
    private readonly cases: ApplicationService,
    private readonly catalog: CatalogService,
    private readonly identity: IdentityService,
    private readonly gateways: Partial<Record<PaymentChannel, PaymentGateway>>,
    private readonly options: PaymentOptions,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  register(dispatcher: OutboxDispatcher): void {
    dispatcher.register<{ orderNo: string }>(PAID_TOPIC, (p) => this.confirmToCase(p.orderNo));
    dispatcher.register<{ orderNo: string }>(REFUND_TOPIC, (p) => this.sendRefund(p.orderNo));
    dispatcher.register<{ caseNo: string }>(CASE_CLOSED_TOPIC, (p) => this.refundClosedCase(p.caseNo));
    dispatcher.register<{ channel: PaymentChannel; billDate: string }>(RECONCILE_TOPIC, async (p) => void (await this.reconcile(p.channel, p.billDate)));
  }

  // ---- the citizen ----

  /** Starts paying a case, or hands back the live order's parameters (idempotent). */
  async pay(userId: string, request: CreatePaymentRequest, clientIp: string): Promise<CreatePaymentResponse> {
    const gateway = this.gateway(request.channel);
    const c = await this.cases.caseForPayment(userId, request.caseNo);
    let order = await this.repo.liveOrder(LIVE(c.caseNo));
    if (order?.state === 'paid') return { order: await this.view(order), pay: null };
    if (order && order.channel !== request.channel) order = await this.abandon(order);
    if (c.state !== 'awaiting_payment') throw new AppError('PAYMENT_NOT_DUE', '该办件当前无需缴费', { state: c.state });
    order ??= await this.createOrder(userId, c, request.channel);
    if (order.pay_params) return { order: await this.view(order), pay: JSON.parse(order.pay_params) as PayParams };
    const payerId = await this.payerFor(userId, request.channel);
    const prepared = order;
    const pay = await gateway
      .prepare({
        orderNo: order.order_no,
        amountFen: order.amount_fen,
        description: `${c.itemName}（${c.caseNo.slice(-12)}）`.slice(0, 60),
        expiresAt: new Date(fromDbTime(order.expires_at)),
        notifyUrl: this.notifyUrl(request.channel),
        payerId,
        clientIp,
      })
      .catch(async (err: unknown) => {
        // No half-made order: one the channel never confirmed is closed here, and the retry makes a new one.
        await this.repo.moveOrder(this.repo.db, prepared.order_no, ['paying'], { state: 'closed', live_key: null, updated_at: toDbTime(this.now()) });
        throw channelError(err);
      });
    await this.repo.setPayParams(order.order_no, JSON.stringify(pay), toDbTime(this.now()));
    return { order: await this.view(order), pay };
  }

  async order(userId: string, orderNo: string): Promise<PaymentOrder> {
    const order = await this.repo.order(orderNo);
    if (!order || order.user_id !== userId) throw new AppError('PAYMENT_NOT_FOUND', `no payment ${orderNo}`);
    return this.view(order);
  }

  async ordersOfCase(userId: string, caseNo: string): Promise<PaymentOrder[]> {
    await this.cases.caseForPayment(userId, caseNo);
    return Promise.all((await this.repo.ordersOfCase(caseNo)).map((o) => this.view(o)));
  }

  /** Staff: every order and refund of a case (no personal data in them). */
  async ordersOfCaseForStaff(caseNo: string): Promise<PaymentOrder[]> {
    return Promise.all((await this.repo.ordersOfCase(caseNo)).map((o) => this.view(o)));
  }

  /** The payment sheet closed: on "success" or "unknown", ask the channel now instead of waiting. */
  async report(userId: string, orderNo: string, outcome: 'success' | 'cancelled' | 'unknown'): Promise<PaymentOrder> {
    const order = await this.repo.order(orderNo);
    if (!order || order.user_id !== userId) throw new AppError('PAYMENT_NOT_FOUND', `no payment ${orderNo}`);
    if (order.state === 'paying' && outcome !== 'cancelled') await this.queryOrder(order).catch((err: unknown) => Promise.reject(channelError(err)));
    return this.order(userId, orderNo);
  }

  // ---- the channels ----

  /** A notification: verified, checked against the order, applied once; answered as the channel wants. */
  async onNotice(channel: PaymentChannel, raw: Buffer, headers: Record<string, string | string[] | undefined>): Promise<NoticeAnswer> {
    const gateway = this.gateway(channel);
    const verdict = await gateway.readNotice(raw, headers);
    if (!verdict.ok) {
      this.logger.warn({ channel, reason: verdict.reason }, 'payment notification refused');
      return gateway.answer(false);
    }
    if (verdict.notice.kind === 'refund') {
      await this.applyRefund(verdict.notice.refund);
      return gateway.answer(true);
    }
    const outcome = await this.applyPayment(gateway, verdict.notice.payment);
    return gateway.answer(outcome !== 'unknown_order' && outcome !== 'mismatch');
  }

  /**
   * A payment fact from the channel. Before anything changes: the order must be ours, booked under
   * our merchant and app, for exactly our amount. Then one compare-and-set decides.
   */
  async applyPayment(gateway: PaymentGateway, p: ChannelPayment): Promise<PaymentOutcome> {
    const order = await this.repo.order(p.orderNo);
    if (!order) return this.refuse('unknown_order', p);
    if (p.state !== 'paid') return 'not_paid';
    const problems = [
      p.merchantId !== undefined && p.merchantId !== gateway.merchantId ? 'merchant' : null,
      p.appId !== undefined && p.appId !== gateway.appId ? 'app' : null,
      p.amountFen !== order.amount_fen ? 'amount' : null,
      order.channel !== gateway.channel && !(gateway.channel === 'wechat' && order.channel === 'wechat_h5') ? 'channel' : null,
    ].filter(Boolean);
    if (problems.length) return this.refuse('mismatch', p, { problems });
    // A re-delivery of what we already recorded: answered without a write (a 0-row guarded update
    // would still hold the row lock on MariaDB, queueing every duplicate of a storm behind it).
    if (order.state !== 'paying' && order.state !== 'closed' && order.transaction_id !== null && order.transaction_id === (p.transactionId ?? null)) return 'duplicate';
    const at = toDbTime(this.now());
    const paid = { state: 'paid', paid_at: toDbTime(p.paidAt ?? this.now()), transaction_id: p.transactionId ?? null, updated_at: at };
    return this.repo.db.transaction().execute(async (trx): Promise<PaymentOutcome> => {
      if (await this.repo.moveOrder(trx, order.order_no, ['paying'], paid)) {
        await enqueue(trx, { topic: PAID_TOPIC, dedupeKey: order.order_no, payload: { orderNo: order.order_no } });
        return 'paid';
      }
      // Paid after we closed it: keep the money's trail and give it back.
      if (await this.repo.moveOrder(trx, order.order_no, ['closed'], { ...paid, state: 'flagged' })) {
        await this.repo.insertRefund(trx, this.refundRow(order, '订单关闭后到账，自动退款'));
        await enqueue(trx, { topic: REFUND_TOPIC, dedupeKey: order.order_no, payload: { orderNo: order.order_no } });
        return 'flagged';
      }
      return 'duplicate';
    });
  }

  async applyRefund(r: ChannelRefund): Promise<void> {
    const refund = await this.repo.refundOf(r.orderNo);
    if (!refund || refund.refund_no !== r.refundNo) return void this.logger.warn({ orderNo: r.orderNo }, 'refund notification for an unknown refund');
    if (r.state === 'processing') return;
    const at = toDbTime(r.refundedAt ?? this.now());
    await this.repo.db.transaction().execute(async (trx) => {
      if (r.state === 'success' && (await this.repo.moveRefund(trx, refund.refund_no, ['processing', 'failed'], { state: 'success', refunded_at: at }))) {
        await this.repo.moveOrder(trx, refund.order_no, ['refunding', 'paid', 'flagged'], { state: 'refunded', updated_at: at });
      }
      if (r.state === 'failed') await this.repo.moveRefund(trx, refund.refund_no, ['processing'], { state: 'failed' });
    });
  }

  // ---- timers: query the silent, close the expired ----

  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  /** Runs `sweep` every `intervalMs` (one at a time per process; several processes are safe: each change is a compare-and-set). */
  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch((err: unknown) => this.logger.error({ err }, 'payment sweep failed'))
        .finally(() => (this.sweeping = null));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  async sweep(): Promise<{ queried: number; closed: number }> {
    const now = this.now();
    const quiet = toDbTime(new Date(now.getTime() - this.options.queryAfterSeconds * 1000));
    let queried = 0;
    for (const order of await this.repo.ordersToQuery(quiet, quiet, 100)) {
      await this.queryOrder(order).catch((err: unknown) => this.logger.warn({ orderNo: order.order_no, err }, 'payment query failed'));
      queried++;
    }
    let closed = 0;
    for (const order of await this.repo.expiredOrders(toDbTime(now), 100)) {
      if (await this.closeExpired(order).catch(() => false)) closed++;
    }
    await this.scheduleReconciliation(now);
    return { queried, closed };
  }

  private async queryOrder(order: OrderRow): Promise<void> {
    const gateway = this.gateway(order.channel as PaymentChannel);
    const answer = await gateway.query(order.order_no);
    await this.repo.markQueried(order.order_no, toDbTime(this.now()));
    if (answer.state === 'paid') await this.applyPayment(gateway, answer);
  }

  /** Closed at the channel first, so nobody can pay it afterwards; then here. A payment that raced us is applied. */
  private async closeExpired(order: OrderRow): Promise<boolean> {
    const gateway = this.gateway(order.channel as PaymentChannel);
    const answer = await gateway.query(order.order_no);
    if (answer.state === 'paid') {
      await this.applyPayment(gateway, answer);
      return false;
    }
    if (answer.state !== 'unknown_order' && answer.state !== 'closed') await gateway.close(order.order_no);
    return this.repo.moveOrder(this.repo.db, order.order_no, ['paying'], { state: 'closed', live_key: null, updated_at: toDbTime(this.now()) });
  }

  // ---- refunds ----

  /** Outbox handler: a paid case is refused or withdrawn → its paid order is refunded. */
  async refundClosedCase(caseNo: string): Promise<void> {
    for (const order of await this.repo.ordersOfCase(caseNo)) {
      if (order.state !== 'paid') continue;
      await this.repo.db.transaction().execute(async (trx) => {
        if (!(await this.repo.moveOrder(trx, order.order_no, ['paid'], { state: 'refunding', updated_at: toDbTime(this.now()) }))) return;
        await this.repo.insertRefund(trx, this.refundRow(order, '办件未通过或已撤回，全额退款'));
        await enqueue(trx, { topic: REFUND_TOPIC, dedupeKey: order.order_no, payload: { orderNo: order.order_no } });
      });
    }
  }

  /** Outbox handler: asks the channel to refund (idempotent there by refund number). */
  private async sendRefund(orderNo: string): Promise<void> {
    const order = await this.repo.order(orderNo);
    const refund = await this.repo.refundOf(orderNo);
    if (!order || !refund) throw new PermanentFailure('no refund recorded for this order');
    if (refund.state === 'success') return;
    const answer = await this.gateway(order.channel as PaymentChannel).refund({
      orderNo,
      refundNo: refund.refund_no,
      amountFen: refund.amount_fen,
      totalFen: order.amount_fen,
      reason: refund.reason,
      notifyUrl: this.notifyUrl(order.channel as PaymentChannel),
    });
    if (answer.state !== 'processing') await this.applyRefund(answer);
  }

  /** Outbox handler: a paid order tells its case; a case that moved on meanwhile gets its money back. */
  private async confirmToCase(orderNo: string): Promise<void> {
    const order = await this.repo.order(orderNo);
    if (!order) throw new PermanentFailure('the order no longer exists');
    const channelName = { wechat: '微信支付', wechat_h5: '微信支付', alipay: '支付宝' }[order.channel as PaymentChannel];
    const confirmed = await this.cases.confirmPayment(order.case_no, orderNo, `已缴费 ${formatFen(order.amount_fen)}（${channelName}）`);
    if (!confirmed) await this.refundClosedCase(order.case_no);
  }

  // ---- reconciliation ----

  /**
   * Yesterday's reconciliation per channel, once: an outbox row keyed by channel and date, so any
   * number of processes sweeping schedule it once, and a bill not ready yet is retried with backoff.
   */
  private async scheduleReconciliation(now: Date): Promise<void> {
    const shanghaiHour = Number(formatShanghai(now).slice(11, 13));
    if (shanghaiHour < RECONCILE_AFTER_HOUR) return;
    const billDate = addDays(shanghaiDate(now), -1);
    for (const channel of ['wechat', 'alipay'] as const) {
      if (!this.gateways[channel]) continue;
      await enqueue(this.repo.db, { topic: RECONCILE_TOPIC, dedupeKey: `${channel}:${billDate}`, payload: { channel, billDate } });
    }
  }

  /** Compares one day's bill of a channel with our orders; the findings replace that day's list. */
  async reconcile(channel: PaymentChannel, billDate: string): Promise<ReconciliationMismatch[]> {
    const lines = (await this.billOf(channel, billDate)).filter((l) => l.kind === 'payment');
    const from = toDbTime(shanghaiDayStart(billDate));
    const to = toDbTime(shanghaiDayStart(addDays(billDate, 1)));
    const ours = await this.repo.paidBetween(channel, from, to);
    const byOrder = new Map(lines.map((l) => [l.orderNo, l]));
    const detectedAt = toDbTime(this.now());
    const row = (kind: string, orderNo: string | null, transactionId: string | null, ourFen: number | null, billFen: number | null): MismatchRow => ({
      mismatch_id: newId('mis'),
      bill_date: billDate,
      channel,
      kind,
      order_no: orderNo,
      transaction_id: transactionId,
      our_amount_fen: ourFen,
      bill_amount_fen: billFen,
      detected_at: detectedAt,
    });
    const found: MismatchRow[] = [];
    for (const o of ours) {
      const line = byOrder.get(o.order_no);
      if (!line) found.push(row('missing_in_bill', o.order_no, o.transaction_id, o.amount_fen, null));
      else if (line.amountFen !== o.amount_fen) found.push(row('amount_differs', o.order_no, line.transactionId, o.amount_fen, line.amountFen));
    }
    const ourNos = new Set(ours.map((o) => o.order_no));
    for (const line of lines) {
      if (ourNos.has(line.orderNo)) continue;
      const order = await this.repo.order(line.orderNo);
      found.push(row(order ? 'state_differs' : 'missing_in_orders', order ? order.order_no : line.orderNo, line.transactionId, order?.amount_fen ?? null, line.amountFen));
    }
    await this.repo.replaceMismatches(billDate, channel, found);
    this.logger.info({ channel, billDate, lines: lines.length, ours: ours.length, mismatches: found.length }, 'reconciliation done');
    return found.map(mismatchView);
  }

  /** The channel's bill; a day without trades has none (an empty bill), a channel not answering is a 503. */
  private async billOf(channel: PaymentChannel, billDate: string) {
    try {
      return await this.gateway(channel).tradeBill(billDate);
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected' && NO_BILL_CODES.has(err.upstreamCode)) return [];
      if (err instanceof AdapterError) throw new AppError('UPSTREAM_UNAVAILABLE', `the ${channel} bill of ${billDate} is not available yet; try later`);
      throw err;
    }
  }

  async mismatches(billDate: string | undefined, page: number, pageSize: number): Promise<Page<ReconciliationMismatch>> {
    const { rows, total } = await this.repo.mismatches(billDate, page, pageSize);
    return { items: rows.map(mismatchView), page, pageSize, total };
  }

  // ---- helpers ----

  private gateway(channel: PaymentChannel): PaymentGateway {
    const g = this.gateways[channel];
    if (!g) throw new AppError('PAYMENT_CHANNEL_UNAVAILABLE', `${channel} payments are not configured`);
    return g;
  }

  /** A new live order; two racing requests meet at the live key's unique index and share the winner's. */
  private async createOrder(userId: string, c: { caseNo: string; itemCode: string; deliveryOption: string }, channel: PaymentChannel): Promise<OrderRow> {
    const item = await this.catalog.requireItem(c.itemCode);
    const lines: FeeLine[] = [{ kind: 'item_fee', description: item.fee.description, amountFen: item.fee.amountFen }];
    if (c.deliveryOption === 'postal' && this.options.postageFen > 0) lines.push({ kind: 'postage', description: 'EMS 邮寄费', amountFen: this.options.postageFen });
    const now = this.now();
    const row: OrderRow = {
      order_no: orderNumber(now),
      case_no: c.caseNo,
      user_id: userId,
      channel,
      amount_fen: lines.reduce((s, l) => s + l.amountFen, 0),
      lines: JSON.stringify(lines),
      state: 'paying',
      live_key: LIVE(c.caseNo),
      pay_params: null,
      transaction_id: null,
      expires_at: toDbTime(new Date(now.getTime() + this.options.expireMinutes * 60_000)),
      paid_at: null,
      last_queried_at: null,
      created_at: toDbTime(now),
      updated_at: toDbTime(now),
    };
    try {
      await this.repo.insertOrder(row);
      return row;
    } catch (err) {
      const winner = await this.repo.liveOrder(LIVE(c.caseNo));
      if (winner) return winner;
      throw err;
    }
  }

  /** Another channel chosen: the old order is closed at its channel first, so it cannot be paid too. */
  private async abandon(order: OrderRow): Promise<undefined> {
    await this.closeExpired(order);
    return undefined;
  }

  private async payerFor(userId: string, channel: PaymentChannel): Promise<string | undefined> {
    if (channel === 'wechat_h5') return undefined;
    const contacts = await this.identity.notificationContacts(userId);
    const id = channel === 'wechat' ? contacts?.wechatOpenid : contacts?.alipayUserId;
    if (!id) throw new AppError('PAYMENT_PAYER_UNKNOWN', channel === 'wechat' ? '请在微信小程序中登录后缴费' : '请在支付宝小程序中登录后缴费');
    return id;
  }

  private notifyUrl(channel: PaymentChannel): string {
    return `${this.options.publicBase()}/open/v1/payments/${channel === 'alipay' ? 'alipay' : 'wechat'}/notify`;
  }

  private refundRow(order: OrderRow, reason: string): RefundRow {
    return { refund_no: `R${order.order_no.slice(1)}`, order_no: order.order_no, amount_fen: order.amount_fen, reason, state: 'processing', created_at: toDbTime(this.now()), refunded_at: null };
  }

  private refuse(outcome: 'unknown_order' | 'mismatch', p: ChannelPayment, extra: Record<string, unknown> = {}): PaymentOutcome {
    this.logger.warn({ orderNo: p.orderNo, outcome, ...extra }, 'payment fact refused; nothing changed');
    return outcome;
  }

  private async view(order: OrderRow): Promise<PaymentOrder> {
    const refunds = await this.repo.refundsOf([order.order_no]);
    return {
      orderNo: order.order_no,
      caseNo: order.case_no,
      channel: order.channel as PaymentChannel,
      state: order.state as PaymentOrder['state'],
      amountFen: order.amount_fen,
      lines: JSON.parse(order.lines) as FeeLine[],
      createdAt: fromDbTime(order.created_at),
      expiresAt: fromDbTime(order.expires_at),
      paidAt: order.paid_at ? fromDbTime(order.paid_at) : null,
      transactionId: order.transaction_id,
      refunds: refunds.map((r) => ({ refundNo: r.refund_no, amountFen: r.amount_fen, state: r.state as 'processing', reason: r.reason, createdAt: fromDbTime(r.created_at), refundedAt: r.refunded_at ? fromDbTime(r.refunded_at) : null })),
    };
  }
}

/** A channel's failure as the citizen's API says it: retry later (503), or the channel said no (502). */
function channelError(err: unknown): unknown {
  if (!(err instanceof AdapterError)) return err;
  return err.kind === 'unavailable'
    ? new AppError('UPSTREAM_UNAVAILABLE', '支付渠道暂时无法连接，请稍后重试', { system: err.system })
    : new AppError('UPSTREAM_REJECTED', `支付渠道拒绝了请求（${err.upstreamCode}）`, { system: err.system, code: err.upstreamCode });
}

/** `P` + Shanghai yyyyMMddHHmmss + 8 random characters: sortable, unguessable, ≤ 32 for WeChat. */
function orderNumber(now: Date): string {
  const stamp = formatShanghai(now).replace(/\D/g, '');
  return `P${stamp}${randomBytes(5).toString('hex').toUpperCase().slice(0, 8)}`;
}

function mismatchView(r: MismatchRow): ReconciliationMismatch {
  return {
    billDate: r.bill_date,
    channel: r.channel as PaymentChannel,
    kind: r.kind as ReconciliationMismatch['kind'],
    orderNo: r.order_no,
    transactionId: r.transaction_id,
    ourAmountFen: r.our_amount_fen,
    billAmountFen: r.bill_amount_fen,
    detectedAt: fromDbTime(r.detected_at),
  };
}
