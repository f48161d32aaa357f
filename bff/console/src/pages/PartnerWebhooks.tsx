import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_DELIVERY_STATUS_NAMES } from '@onevisit/shared-types/client';
import type { WebhookDelivery, WebhookDeliveryStatus } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { CaseStateTag } from '../components/CaseBits';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { DeliveryOutcome, WebhookStatusTag } from '../components/PartnerBits';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import { checkWebhookFilter, webhookQuery, type WebhookFilter, type WebhookFilterDraft } from '../partners';
import { hrefs, navigate } from '../router';
import { useSession } from '../session';

const PAGE_SIZE = 20;

function draftOf(filter: WebhookFilter): WebhookFilterDraft {
  return { appId: filter.appId ?? '', status: filter.status ?? '', caseNo: filter.caseNo ?? '' };
}

/**
 * 状态推送: the case-status webhooks sent to partners, newest first, filtered by partner, status and
 * case (the filter lives in the hash). Admins may push a delivery that gave up (推送失败) again.
 */
export function PartnerWebhooksPage({ filter }: { filter: WebhookFilter }) {
  const { can } = useSession();
  const manage = can('partners:manage');
  const caseLinks = can('cases:read');
  const { appId, status, caseNo, page } = filter;
  const [draft, setDraft] = useState<WebhookFilterDraft>(() => draftOf(filter));
  const [issues, setIssues] = useState<Partial<Record<'appId' | 'caseNo', string>>>({});
  const [tick, setTick] = useState(0);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [result, setResult] = useState<WebhookDelivery | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);

  // A link or the back button changed the filter: show it in the form.
  useEffect(() => setDraft({ appId: appId ?? '', status: status ?? '', caseNo: caseNo ?? '' }), [appId, status, caseNo]);

  const { data, error, loading } = useLoad(() => api.partnerWebhooks(webhookQuery({ appId, status, caseNo, page }, PAGE_SIZE)), [appId, status, caseNo, page, tick]);
  const partners = useLoad(() => api.partners(), []);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  // A retry may move the last row off a status-filtered page: step back to a page that exists.
  useEffect(() => {
    if (!data) return;
    const last = Math.max(1, Math.ceil(data.total / data.pageSize));
    if (data.items.length === 0 && page > last) navigate(hrefs.partnerWebhooksFiltered({ ...filter, page: last }));
  }, [data, page, filter]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = checkWebhookFilter(draft);
    if (!checked.ok) {
      setIssues(checked.issues);
      document.getElementById(checked.issues.appId ? 'webhooks-app' : 'webhooks-case')?.focus();
      return;
    }
    setIssues({});
    setConfirming(null);
    const next = hrefs.partnerWebhooksFiltered(checked.filter);
    if (next === hrefs.partnerWebhooksFiltered(filter)) reload();
    else navigate(next);
  }

  function reset() {
    setIssues({});
    setDraft({ appId: '', status: '', caseNo: '' });
    navigate(hrefs.partnerWebhooks);
  }

  async function retry(d: WebhookDelivery) {
    setRetrying(d.deliveryId);
    setRetryError(null);
    setResult(null);
    try {
      setResult(await api.retryPartnerWebhook(d.deliveryId));
      reload();
    } catch (err) {
      setRetryError(err);
      // Someone else pushed it again (or it is gone): show the list as it is now.
      if (err instanceof ApiError && (err.code === 'WEBHOOK_DELIVERY_NOT_DEAD' || err.code === 'WEBHOOK_DELIVERY_NOT_FOUND')) reload();
    } finally {
      setRetrying(null);
      setConfirming(null);
    }
  }

  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const filtered = Boolean(appId || status || caseNo);

  return (
    <section data-testid="webhooks-page">
      <PageTitle title="状态推送">
        <button type="button" className="btn" data-testid="webhooks-refresh" disabled={loading} onClick={reload}>
          刷新
        </button>
      </PageTitle>
      <p className="field-hint page-hint">
        办件状态变化时，平台按合作方登记的推送地址发送签名通知；失败会自动重试，多次失败后标记为“推送失败”。
        {manage ? '排除对方故障后，可对推送失败的记录“重新推送”，操作会记录审计。' : '重新推送由管理员操作。'}
      </p>
      <form className="panel filter-form" role="search" aria-label="筛选状态推送" onSubmit={submit} noValidate>
        <div className="input-row webhooks-filter">
          <label htmlFor="webhooks-app" className="inline-label">
            合作方
          </label>
          <input
            id="webhooks-app"
            list="webhooks-app-ids"
            className="app-id-input"
            value={draft.appId}
            onChange={(e) => setDraft((d) => ({ ...d, appId: e.target.value }))}
            placeholder="AppID，留空为全部"
            autoComplete="off"
            spellCheck={false}
            maxLength={32}
            aria-invalid={issues.appId ? true : undefined}
            aria-describedby={issues.appId ? 'webhooks-app-error' : undefined}
          />
          <datalist id="webhooks-app-ids">
            {partners.data?.partners.map((p) => (
              <option key={p.appId} value={p.appId}>
                {p.name}
              </option>
            ))}
          </datalist>
          <label htmlFor="webhooks-status" className="inline-label">
            状态
          </label>
          <select id="webhooks-status" data-testid="webhooks-status" value={draft.status} onChange={(e) => setDraft((d) => ({ ...d, status: e.target.value as WebhookDeliveryStatus | '' }))}>
            <option value="">全部状态</option>
            {WEBHOOK_DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {WEBHOOK_DELIVERY_STATUS_NAMES[s]}
              </option>
            ))}
          </select>
          <label htmlFor="webhooks-case" className="inline-label">
            办件编号
          </label>
          <input
            id="webhooks-case"
            className="case-no-input"
            value={draft.caseNo}
            onChange={(e) => setDraft((d) => ({ ...d, caseNo: e.target.value }))}
            placeholder="完整办件编号"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            aria-invalid={issues.caseNo ? true : undefined}
            aria-describedby={issues.caseNo ? 'webhooks-case-error' : undefined}
          />
          <button type="submit" className="btn btn-primary" data-testid="webhooks-search">
            查询
          </button>
          {filtered && (
            <button type="button" className="btn" onClick={reset}>
              清除筛选
            </button>
          )}
        </div>
        {issues.appId && (
          <p id="webhooks-app-error" className="field-error" role="alert">
            {issues.appId}
          </p>
        )}
        {issues.caseNo && (
          <p id="webhooks-case-error" className="field-error" role="alert">
            {issues.caseNo}
          </p>
        )}
      </form>

      {result && (
        <div className="notice notice-success" role="status" data-testid="webhook-retry-result">
          <strong>已重新放入推送队列</strong>
          <div>
            <span className="mono">{result.deliveryId}</span>（{result.appId}）状态：{WEBHOOK_DELIVERY_STATUS_NAMES[result.status] ?? result.status}，尝试次数 {result.attempts}。
          </div>
        </div>
      )}
      <ErrorNotice error={retryError} />
      <ErrorNotice error={error} />

      <div className="panel" aria-busy={loading}>
        {data && (
          <>
            <p className="table-caption" role="status" data-testid="webhooks-total" data-total={data.total}>
              共 {data.total} 条推送记录{loading ? '（正在刷新…）' : ''}
            </p>
            {data.items.length === 0 ? (
              <p className="empty">{filtered ? '没有符合条件的推送记录。' : '暂无推送记录。'}</p>
            ) : (
              <div className="table-scroll">
                <table className="table table-dense webhooks-table">
                  <thead>
                    <tr>
                      <th scope="col">合作方</th>
                      <th scope="col">办件 / 推送的状态</th>
                      <th scope="col">推送状态</th>
                      <th scope="col" className="num">
                        尝试次数
                      </th>
                      <th scope="col">最近结果</th>
                      <th scope="col">产生时间（北京时间）</th>
                      <th scope="col">最近尝试 / 送达</th>
                      <th scope="col">推送 ID / 事件 ID</th>
                      {manage && <th scope="col">操作</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((d) => (
                      <tr key={d.deliveryId} data-testid="webhook-row" data-delivery-id={d.deliveryId} data-status={d.status}>
                        <td>
                          <a className="mono" href={hrefs.partner(d.appId)}>
                            {d.appId}
                          </a>
                        </td>
                        <td>
                          {caseLinks ? (
                            <a className="mono request-id" href={hrefs.case(d.caseNo)}>
                              {d.caseNo}
                            </a>
                          ) : (
                            <span className="mono request-id">{d.caseNo}</span>
                          )}
                          <div className="sub">
                            <CaseStateTag state={d.state} />
                          </div>
                        </td>
                        <td>
                          <WebhookStatusTag status={d.status} />
                        </td>
                        <td className="num mono">{d.attempts}</td>
                        <td className="delivery-outcome">
                          <DeliveryOutcome d={d} />
                        </td>
                        <td className="nowrap">{formatTime(d.createdAt)}</td>
                        <td className="nowrap">
                          {formatTime(d.lastAttemptAt)}
                          <div className="sub">{d.deliveredAt ? `送达 ${formatTime(d.deliveredAt)}` : '未送达'}</div>
                        </td>
                        <td>
                          <code className="request-id">{d.deliveryId}</code>
                          <div className="sub mono request-id">{d.eventId}</div>
                        </td>
                        {manage && (
                          <td className="actions">
                            {d.status !== 'dead' ? (
                              <span className="muted">—</span>
                            ) : confirming === d.deliveryId ? (
                              <span className="confirm-inline" role="group" aria-label={`确认重新推送 ${d.deliveryId}`}>
                                <span>确认重新推送？</span>
                                <button type="button" className="btn btn-primary btn-small" data-testid="webhook-retry-confirm" disabled={retrying !== null} onClick={() => void retry(d)}>
                                  {retrying === d.deliveryId ? '推送中…' : '确认'}
                                </button>
                                <button type="button" className="btn btn-small" disabled={retrying !== null} onClick={() => setConfirming(null)}>
                                  取消
                                </button>
                              </span>
                            ) : (
                              <button
                                type="button"
                                className="btn btn-small"
                                data-testid="webhook-retry"
                                aria-label={`重新推送 ${d.appId} ${d.caseNo}`}
                                disabled={retrying !== null}
                                onClick={() => (setConfirming(d.deliveryId), setResult(null), setRetryError(null))}
                              >
                                重新推送
                              </button>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.total > 0 && (
              <nav className="pager" aria-label="分页">
                <button type="button" className="btn" disabled={page <= 1 || loading} onClick={() => navigate(hrefs.partnerWebhooksFiltered({ ...filter, page: page - 1 }))}>
                  上一页
                </button>
                <span>
                  第 {data.page} / {totalPages} 页
                </span>
                <button type="button" className="btn" disabled={page >= totalPages || loading} onClick={() => navigate(hrefs.partnerWebhooksFiltered({ ...filter, page: page + 1 }))}>
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
