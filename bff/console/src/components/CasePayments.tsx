import { PAYMENT_STATE_NAMES, REFUND_STATE_NAMES } from '@onevisit/shared-types/client';
import type { PaymentOrder } from '@onevisit/shared-types/client';
import { api } from '../api';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import { channelName, feeLineView, fenText, paymentTone, paymentTotals, refundTone, sortOrders } from '../payments';
import { ErrorNotice } from './ErrorNotice';

/**
 * 缴费与退款 of a case: every payment order (newest first) with its fee lines, times and the
 * channel's transaction number, and its refunds. Read-only; loaded on its own, so a failure here
 * leaves the rest of the case view working. `version` (the case's updatedAt and the page's refresh
 * count) reloads it when the case changes, e.g. when a payment moves it on.
 */
export function CasePayments({ caseNo, version }: { caseNo: string; version: string }) {
  const { data, error, loading } = useLoad(() => api.casePayments(caseNo), [caseNo, version]);
  const orders = data ? sortOrders(data.orders) : [];
  const totals = paymentTotals(orders);
  return (
    <div className="panel" data-testid="case-payments" aria-busy={loading} data-loaded={data ? 'true' : 'false'}>
      <div className="panel-head">
        <h2>缴费与退款</h2>
        {orders.length > 0 && (
          <span className="payment-totals" data-testid="case-payment-totals">
            实收 <b className="mono">{fenText(totals.receivedFen)}</b>
            {totals.refundedFen > 0 && (
              <>
                {' · '}已退 <b className="mono">{fenText(totals.refundedFen)}</b>
              </>
            )}
            {totals.refundingFen > 0 && (
              <>
                {' · '}退款中 <b className="mono">{fenText(totals.refundingFen)}</b>
              </>
            )}
          </span>
        )}
      </div>
      <ErrorNotice error={error} />
      {!data && !error && <p className="muted">正在加载…</p>}
      {data && orders.length === 0 && <p className="empty">本件无缴费记录（免费事项，或尚未发起缴费）。</p>}
      {orders.map((o) => (
        <PaymentOrderEntry key={o.orderNo} order={o} />
      ))}
    </div>
  );
}

function PaymentOrderEntry({ order: o }: { order: PaymentOrder }) {
  return (
    <div className="payment-order" data-testid="case-payment" data-order-no={o.orderNo} data-state={o.state}>
      <div className="payment-head">
        <span className={`case-state case-state-${paymentTone(o.state)}`}>{PAYMENT_STATE_NAMES[o.state] ?? o.state}</span>
        <strong className="mono payment-amount" data-testid="case-payment-amount">
          {fenText(o.amountFen)}
        </strong>
        <span>{channelName(o.channel)}</span>
      </div>
      <dl className="payment-facts">
        <div className="payment-facts-wide">
          <dt>订单号</dt>
          <dd className="mono request-id">{o.orderNo}</dd>
        </div>
        <div className="payment-facts-wide">
          <dt>费用明细</dt>
          <dd>
            {o.lines.length === 0 ? (
              <span className="muted">—</span>
            ) : (
              <ul className="fee-lines">
                {o.lines.map((l, i) => {
                  const v = feeLineView(l);
                  return (
                    <li key={`${l.kind}-${i}`} className="fee-line" data-testid="case-payment-line" data-kind={l.kind}>
                      <span className="fee-line-name">
                        {v.name}
                        {v.description && <span className="sub">{v.description}</span>}
                      </span>
                      <span className="mono num">{v.amount}</span>
                    </li>
                  );
                })}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>下单时间</dt>
          <dd>{formatTime(o.createdAt)}</dd>
        </div>
        <div>
          <dt>{o.state === 'paying' ? '支付截止' : '支付时间'}</dt>
          <dd>{o.state === 'paying' ? formatTime(o.expiresAt) : formatTime(o.paidAt)}</dd>
        </div>
        <div className="payment-facts-wide">
          <dt>渠道交易号</dt>
          <dd className="mono request-id" data-testid="case-payment-transaction">
            {o.transactionId ?? <span className="muted">—</span>}
          </dd>
        </div>
      </dl>
      {o.state === 'flagged' && (
        <p className="field-hint payment-flag">订单关闭后才收到付款，平台将自动原路退款；请关注下方退款状态。</p>
      )}
      {o.refunds.length > 0 && (
        <table className="table table-dense refund-table">
          <caption className="sr-only">订单 {o.orderNo} 的退款</caption>
          <thead>
            <tr>
              <th scope="col">退款单号</th>
              <th scope="col" className="num">
                金额
              </th>
              <th scope="col">状态</th>
              <th scope="col">原因</th>
              <th scope="col">申请 / 到账时间</th>
            </tr>
          </thead>
          <tbody>
            {o.refunds.map((r) => (
              <tr key={r.refundNo} data-testid="case-refund" data-refund-no={r.refundNo} data-state={r.state}>
                <td className="mono request-id">{r.refundNo}</td>
                <td className="num mono">{fenText(r.amountFen)}</td>
                <td>
                  <span className={`case-state case-state-${refundTone(r.state)}`}>{REFUND_STATE_NAMES[r.state] ?? r.state}</span>
                </td>
                <td className="refund-reason">{r.reason || <span className="muted">—</span>}</td>
                <td className="nowrap">
                  {formatTime(r.createdAt)}
                  <div className="sub">{r.refundedAt ? formatTime(r.refundedAt) : r.state === 'failed' ? '未到账' : '等待到账'}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
