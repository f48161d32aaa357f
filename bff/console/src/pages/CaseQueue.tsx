import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { CASE_STATE_NAMES, HANDLING_CLASS_NAMES } from '@onevisit/shared-types/client';
import type { CaseState } from '@onevisit/shared-types/client';
import { api } from '../api';
import { CASE_NO_PATTERN, QUEUE_FILTER_STATES, normalizeCaseNo, type QueueFilter } from '../cases';
import { CaseStateTag, DeadlineLight, GreenChannelMark, UpstreamText } from '../components/CaseBits';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { useAutoRefresh } from '../hooks/useAutoRefresh';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import { hrefs, navigate } from '../router';

const PAGE_SIZE = 20;
const REFRESH_MS = 30_000;

const TABS: { view: QueueFilter['view']; label: string }[] = [
  { view: 'todo', label: '待办' },
  { view: 'all', label: '全部' },
];

/**
 * 办件审批: the approvers' queue. 待办 holds in-house cases waiting for an approver, most urgent
 * first (the server orders them); 全部 every case. Tab, filters and page live in the hash, so the
 * way back from a case lands on the same page. Refreshes itself every 30 s while the tab is visible.
 */
export function CaseQueuePage({ filter }: { filter: QueueFilter }) {
  const { view, caseNo, state, page } = filter;
  const [draftCaseNo, setDraftCaseNo] = useState(caseNo ?? '');
  const [caseNoError, setCaseNoError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => setDraftCaseNo(caseNo ?? ''), [caseNo]);

  const { data, error, loading } = useLoad(() => api.cases({ view, caseNo, state, page, pageSize: PAGE_SIZE }), [view, caseNo, state, page, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useAutoRefresh(reload, REFRESH_MS, loading);

  useEffect(() => {
    if (data) setRefreshedAt(new Date().toISOString());
  }, [data]);

  // Cases leave the queue as they are handled: step back when the page no longer exists.
  useEffect(() => {
    if (!data) return;
    const last = Math.max(1, Math.ceil(data.total / data.pageSize));
    if (data.items.length === 0 && page > last) navigate(hrefs.casesFiltered({ ...filter, page: last }));
  }, [data, page, filter]);

  const go = (next: Partial<QueueFilter>) => navigate(hrefs.casesFiltered({ ...filter, page: 1, ...next }));

  function search(e: FormEvent) {
    e.preventDefault();
    const normalized = normalizeCaseNo(draftCaseNo);
    if (normalized && !CASE_NO_PATTERN.test(normalized)) {
      setCaseNoError('办件编号由事项实施编码、8 位日期和流水号组成，请核对后输入完整编号');
      inputRef.current?.focus();
      return;
    }
    setCaseNoError(null);
    setDraftCaseNo(normalized);
    if (normalized === (caseNo ?? '')) reload();
    else go({ caseNo: normalized || undefined });
  }

  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const filtered = Boolean(caseNo || state);

  return (
    <section>
      <PageTitle title="办件审批">
        {refreshedAt && (
          <span className="muted refreshed-at" aria-live="off">
            {formatTime(refreshedAt).slice(11)} 更新 · 每 30 秒自动刷新
          </span>
        )}
        <button type="button" className="btn" data-testid="case-queue-refresh" disabled={loading} onClick={reload}>
          刷新
        </button>
      </PageTitle>

      <div className="tabs" role="tablist" aria-label="办件范围">
        {TABS.map((t) => (
          <button
            key={t.view}
            type="button"
            role="tab"
            className="tab"
            data-testid={`case-queue-tab-${t.view}`}
            aria-selected={view === t.view}
            aria-controls="case-queue-panel"
            onClick={() => view !== t.view && go({ view: t.view })}
          >
            {t.label}
          </button>
        ))}
      </div>

      <div id="case-queue-panel" role="tabpanel" aria-label={view === 'todo' ? '待办' : '全部'}>
        <p className="field-hint page-hint">
          {view === 'todo'
            ? '待办：由本平台审批、正在等待审批员处理的办件，按到期时间排列，最紧急的在前。交由部门业务系统办理的办件不在此列。'
            : '全部：本平台受理的所有办件，含交由部门业务系统办理的。'}
        </p>
        <form className="panel filter-form" role="search" aria-label="筛选办件" onSubmit={search} noValidate>
          <div className="input-row">
            <label htmlFor="case-queue-search" className="inline-label">
              办件编号
            </label>
            <input
              id="case-queue-search"
              ref={inputRef}
              data-testid="case-queue-search"
              className="case-no-input"
              value={draftCaseNo}
              onChange={(e) => setDraftCaseNo(e.target.value)}
              placeholder="完整办件编号，留空为全部"
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
              aria-invalid={caseNoError ? true : undefined}
              aria-describedby={caseNoError ? 'case-queue-search-error' : undefined}
            />
            <label htmlFor="case-queue-state" className="inline-label">
              状态
            </label>
            <select id="case-queue-state" data-testid="case-queue-state" value={state ?? ''} onChange={(e) => go({ state: (e.target.value || undefined) as CaseState | undefined })}>
              <option value="">全部状态</option>
              {QUEUE_FILTER_STATES.map((s) => (
                <option key={s} value={s}>
                  {CASE_STATE_NAMES[s]}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-primary" data-testid="case-queue-search-submit">
              查询
            </button>
            {filtered && (
              <button
                type="button"
                className="btn btn-ghost"
                data-testid="case-queue-clear"
                onClick={() => {
                  setCaseNoError(null);
                  go({ caseNo: undefined, state: undefined });
                }}
              >
                清除条件
              </button>
            )}
          </div>
          {caseNoError && (
            <p id="case-queue-search-error" className="field-error" role="alert">
              {caseNoError}
            </p>
          )}
        </form>

        <ErrorNotice error={error} />
        <div className="panel" aria-busy={loading}>
          {data && (
            <>
              <p className="table-caption" role="status" data-testid="case-queue-total" data-total={data.total}>
                {view === 'todo' ? '待办' : '共'} {data.total} 件{loading ? '（正在刷新…）' : ''}
              </p>
              {data.items.length === 0 ? (
                <p className="empty" data-testid="case-queue-empty">
                  {filtered ? '没有符合条件的办件。' : view === 'todo' ? '当前没有待审批的办件。' : '暂无办件。'}
                </p>
              ) : (
                <div className="table-scroll">
                  <table className="table table-dense table-clickable case-table">
                    <thead>
                      <tr>
                        <th scope="col">办件编号</th>
                        <th scope="col">事项</th>
                        <th scope="col">申请人</th>
                        <th scope="col">状态</th>
                        <th scope="col">办理时限（北京时间）</th>
                        <th scope="col">绿色通道</th>
                        <th scope="col">办理方</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((c) => (
                        <tr
                          key={c.caseNo}
                          className="case-row"
                          data-testid="case-queue-row"
                          data-case-no={c.caseNo}
                          data-state={c.state}
                          data-clock={c.deadline?.clock ?? 'none'}
                          onClick={() => navigate(hrefs.case(c.caseNo))}
                        >
                          <td>
                            <a href={hrefs.case(c.caseNo)} className="mono" data-testid="case-queue-link" onClick={(e) => e.stopPropagation()}>
                              {c.caseNo}
                            </a>
                            <div className="sub">提交于 {formatTime(c.submittedAt ?? c.createdAt).slice(0, 16)}</div>
                          </td>
                          <td>
                            {c.itemName}
                            <div className="sub">{HANDLING_CLASS_NAMES[c.handlingClass] ?? c.handlingClass}</div>
                          </td>
                          <td data-testid="case-queue-applicant">{c.applicantName}</td>
                          <td>
                            <CaseStateTag state={c.state} />
                          </td>
                          <td>
                            <DeadlineLight deadline={c.deadline} />
                          </td>
                          <td>{c.greenChannel ? <GreenChannelMark on /> : <span className="muted">—</span>}</td>
                          <td data-testid="case-queue-upstream" data-upstream={c.upstream}>
                            <UpstreamText upstream={c.upstream} system={c.upstreamSystem} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {data.total > 0 && (
                <nav className="pager" aria-label="分页">
                  <button type="button" className="btn" data-testid="case-queue-prev" disabled={page <= 1 || loading} onClick={() => go({ page: page - 1 })}>
                    上一页
                  </button>
                  <span data-testid="case-queue-page">
                    第 {data.page} / {totalPages} 页
                  </span>
                  <button type="button" className="btn" data-testid="case-queue-next" disabled={page >= totalPages || loading} onClick={() => go({ page: page + 1 })}>
                    下一页
                  </button>
                </nav>
              )}
            </>
          )}
          {!data && !error && <p className="muted">正在加载…</p>}
        </div>
      </div>
    </section>
  );
}
