import { useEffect, useState } from 'react';
import { MISMATCH_KIND_NAMES } from '@onevisit/shared-types/client';
import type { ReconciliationMismatch } from '@onevisit/shared-types/client';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { useLoad } from '../hooks/useLoad';
import { formatTime, todayInShanghai } from '../format';
import {
  RECONCILABLE_CHANNELS,
  addDays,
  canRunBill,
  channelName,
  fenText,
  mismatchDifference,
  yesterdayInShanghai,
  type ReconFilter,
  type ReconcilableChannel,
} from '../payments';
import { hrefs, navigate } from '../router';
import { useSession } from '../session';

const PAGE_SIZE = 20;
const KIND_TONE: Record<ReconciliationMismatch['kind'], string> = {
  missing_in_bill: 'tag-warn',
  missing_in_orders: 'tag-bad',
  amount_differs: 'tag-bad',
  state_differs: 'tag-warn',
};

interface RunResult {
  channel: ReconcilableChannel;
  billDate: string;
  count: number;
}

/**
 * Differences between our payment orders and the channels' daily trade bills, one bill date at a
 * time (yesterday in Beijing time unless the hash says otherwise), for every staff member who reads
 * cases; admins may reconcile a channel's bill of that day again. Nothing here is personal data:
 * order numbers, transaction ids and amounts only.
 */
export function ReconciliationPage({ filter }: { filter: ReconFilter }) {
  const { can } = useSession();
  const manage = can('outbox:manage');
  const { billDate, page } = filter;
  const [tick, setTick] = useState(0);
  const [confirming, setConfirming] = useState<ReconcilableChannel | null>(null);
  const [running, setRunning] = useState<ReconcilableChannel | null>(null);
  const [result, setResult] = useState<RunResult | null>(null);
  const [runError, setRunError] = useState<unknown>(null);

  const { data, error, loading } = useLoad(
    () => api.reconciliation({ billDate: billDate ?? undefined, page, pageSize: PAGE_SIZE }),
    [billDate, page, tick],
  );

  // A re-run may shorten the day's list: step back to the last page that still exists.
  useEffect(() => {
    if (!data) return;
    const last = Math.max(1, Math.ceil(data.total / data.pageSize));
    if (data.items.length === 0 && page > last) navigate(hrefs.reconciliationFiltered({ billDate, page: last }));
  }, [data, page, billDate]);

  // Another day: what was being confirmed or reported was about the old one.
  useEffect(() => {
    setConfirming(null);
  }, [billDate]);

  const today = todayInShanghai();
  const go = (next: Partial<ReconFilter>) => navigate(hrefs.reconciliationFiltered({ billDate, page: 1, ...next }));
  const runnable = canRunBill(billDate);

  async function run(channel: ReconcilableChannel) {
    if (!billDate) return;
    setRunning(channel);
    setRunError(null);
    setResult(null);
    try {
      const { mismatches } = await api.runReconciliation(channel, billDate);
      setResult({ channel, billDate, count: mismatches.length });
      if (page > 1) go({ page: 1 });
      setTick((n) => n + 1);
    } catch (err) {
      setRunError(err);
    } finally {
      setRunning(null);
      setConfirming(null);
    }
  }

  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <section data-testid="recon-page" data-bill-date={billDate ?? 'all'}>
      <PageTitle title="对账差异">
        <button type="button" className="btn" data-testid="recon-refresh" disabled={loading} onClick={() => setTick((n) => n + 1)}>
          刷新
        </button>
      </PageTitle>
      <p className="field-hint page-hint">
        每天 10:00（北京时间）后，平台自动下载微信支付、支付宝前一日的交易账单，与已支付订单逐笔核对，差异列于此处，需财务或管理员核实处理。
        {manage ? '核实或渠道更正账单后，可对某一天、某一渠道重新对账（该日该渠道的差异记录将被新结果替换）。' : '重新对账由管理员操作。'}
      </p>

      <div className="panel filter-form recon-filter" role="group" aria-label="选择账单日期">
        <div className="input-row">
          <label htmlFor="recon-date" className="inline-label">
            账单日期
          </label>
          <input
            id="recon-date"
            data-testid="recon-date"
            type="date"
            className="recon-date-input"
            value={billDate ?? ''}
            max={today}
            min="2000-01-01"
            onChange={(e) => {
              const v = e.target.value;
              // Typing a year digit by digit passes through 0002, 0020 …: only a plausible day moves the page.
              if (/^\d{4}-\d{2}-\d{2}$/.test(v) && v >= '2000-01-01' && v <= today) go({ billDate: v });
            }}
          />
          <button type="button" className="btn btn-small" data-testid="recon-prev-day" disabled={!billDate} onClick={() => billDate && go({ billDate: addDays(billDate, -1) })}>
            前一天
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="recon-next-day"
            disabled={!billDate || addDays(billDate, 1) > today}
            onClick={() => billDate && go({ billDate: addDays(billDate, 1) })}
          >
            后一天
          </button>
          <button type="button" className="btn btn-small" data-testid="recon-yesterday" onClick={() => go({ billDate: yesterdayInShanghai() })}>
            昨天
          </button>
          <button type="button" className="btn btn-small" data-testid="recon-all-dates" aria-pressed={billDate === null} onClick={() => go({ billDate: null })}>
            全部日期
          </button>
        </div>
        {manage && (
          <div className="recon-run" role="group" aria-label="重新对账">
            {RECONCILABLE_CHANNELS.map((channel) =>
              confirming === channel && billDate ? (
                <span key={channel} className="confirm-inline" role="group" aria-label={`确认重新对账 ${channelName(channel)}`}>
                  <span>
                    重新核对 {channelName(channel)} <b className="mono">{billDate}</b> 的账单？
                  </span>
                  <button type="button" className="btn btn-primary btn-small" data-testid="recon-run-confirm" disabled={running !== null} onClick={() => void run(channel)}>
                    {running === channel ? '对账中…' : '确认'}
                  </button>
                  <button type="button" className="btn btn-small" data-testid="recon-run-cancel" disabled={running !== null} onClick={() => setConfirming(null)}>
                    取消
                  </button>
                </span>
              ) : (
                <button
                  key={channel}
                  type="button"
                  className="btn btn-small"
                  data-testid={`recon-run-${channel}`}
                  disabled={!runnable || running !== null || confirming !== null}
                  onClick={() => (setConfirming(channel), setResult(null), setRunError(null))}
                >
                  重新对账 · {channelName(channel)}
                </button>
              ),
            )}
            {!runnable && (
              <span className="field-hint recon-run-hint">{billDate ? '当日账单次日生成，只能对今天以前的日期重新对账。' : '选择一个日期后可重新对账。'}</span>
            )}
          </div>
        )}
      </div>

      {result && (
        <div className="notice notice-success" role="status" data-testid="recon-run-result" data-count={result.count}>
          <strong>
            {channelName(result.channel)} {result.billDate} 对账完成
          </strong>
          <div>{result.count === 0 ? '账单与订单一致，未发现差异。' : `发现 ${result.count} 条差异，已列于下方。`}</div>
        </div>
      )}
      <ErrorNotice error={runError} />
      <ErrorNotice error={error} />

      <div className="panel" aria-busy={loading}>
        {data && (
          <>
            <p className="table-caption" role="status" data-testid="recon-total" data-total={data.total}>
              {billDate ? `${billDate} ` : '全部日期 '}共 {data.total} 条差异{loading ? '（正在刷新…）' : ''}
            </p>
            {data.items.length === 0 ? (
              <p className="empty" data-testid="recon-empty">
                {billDate
                  ? `${billDate} 没有对账差异（若该日尚未对账，每天 10:00 后自动核对前一日账单）。`
                  : '没有任何对账差异。'}
              </p>
            ) : (
              <div className="table-scroll">
                <table className="table table-dense recon-table">
                  <thead>
                    <tr>
                      <th scope="col">差异类型</th>
                      <th scope="col">渠道</th>
                      <th scope="col">账单日期</th>
                      <th scope="col">订单号 / 交易号</th>
                      <th scope="col" className="num">
                        我方金额
                      </th>
                      <th scope="col" className="num">
                        账单金额
                      </th>
                      <th scope="col">发现时间（北京时间）</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((m, i) => (
                      <MismatchRow key={`${m.billDate}-${m.channel}-${m.kind}-${m.orderNo ?? ''}-${m.transactionId ?? ''}-${i}`} m={m} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.total > 0 && (
              <nav className="pager" aria-label="分页">
                <button type="button" className="btn" data-testid="recon-prev-page" disabled={page <= 1 || loading} onClick={() => go({ page: page - 1 })}>
                  上一页
                </button>
                <span>
                  第 {data.page} / {totalPages} 页
                </span>
                <button type="button" className="btn" data-testid="recon-next-page" disabled={page >= totalPages || loading} onClick={() => go({ page: page + 1 })}>
                  下一页
                </button>
              </nav>
            )}
          </>
        )}
        {!data && !error && <p className="muted">正在加载…</p>}
      </div>
    </section>
  );
}

function MismatchRow({ m }: { m: ReconciliationMismatch }) {
  const diff = mismatchDifference(m);
  return (
    <tr data-testid="recon-row" data-kind={m.kind} data-order-no={m.orderNo ?? undefined} data-channel={m.channel}>
      <td>
        <span className={`tag ${KIND_TONE[m.kind] ?? ''}`}>{MISMATCH_KIND_NAMES[m.kind] ?? m.kind}</span>
      </td>
      <td className="nowrap">{channelName(m.channel)}</td>
      <td className="nowrap mono">{m.billDate}</td>
      <td>
        {m.orderNo ? <span className="mono request-id">{m.orderNo}</span> : <span className="muted">无订单号</span>}
        <div className="sub mono request-id">{m.transactionId ?? '—'}</div>
      </td>
      <td className="num mono">{fenText(m.ourAmountFen)}</td>
      <td className="num mono">
        {fenText(m.billAmountFen)}
        {diff && <div className="sub recon-diff">差额 {diff}</div>}
      </td>
      <td className="nowrap">{formatTime(m.detectedAt)}</td>
    </tr>
  );
}
