import { useState, type FormEvent } from 'react';
import { AUDIT_ACTION_NAMES, AUDIT_ACTOR_TYPE_NAMES, AUDIT_SUBJECT_TYPE_NAMES, UNMASKABLE_FIELD_NAMES, type UnmaskableField } from '@onevisit/shared-types/client';
import { api } from '../api';
import { useLoad } from '../hooks/useLoad';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { formatTime, shanghaiDayBoundary, todayInShanghai } from '../format';
import type { AuditLinkFilter } from '../router';

const PAGE_SIZE = 20;
const ACTION_NAMES: Record<string, string> = AUDIT_ACTION_NAMES;

interface Filters {
  actorId: string;
  action: string;
  subjectId: string;
  /** Beijing calendar days, `YYYY-MM-DD`. */
  fromDay: string;
  toDay: string;
}

function toQuery(f: Filters, page: number) {
  return {
    actorId: f.actorId.trim() || undefined,
    action: f.action.trim() || undefined,
    subjectId: f.subjectId.trim() || undefined,
    from: f.fromDay ? shanghaiDayBoundary(f.fromDay) : undefined,
    to: f.toDay ? shanghaiDayBoundary(f.toDay, true) : undefined,
    page,
    pageSize: PAGE_SIZE,
  };
}

/** The audit log for supervisors and admins: filters, a paged table, times in Beijing time. */
export function AuditPage({ initialFilter }: { initialFilter: AuditLinkFilter }) {
  const empty: Filters = { actorId: '', action: '', subjectId: '', fromDay: '', toDay: '', ...initialFilter };
  const [draft, setDraft] = useState<Filters>(empty);
  const [applied, setApplied] = useState<Filters>(empty);
  const [page, setPage] = useState(1);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const { data, error, loading } = useLoad(() => api.audit(toQuery(applied, page)), [applied, page]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (draft.fromDay && draft.toDay && draft.fromDay > draft.toDay) {
      setRangeError('开始日期不能晚于结束日期');
      return;
    }
    setRangeError(null);
    setApplied({ ...draft });
    setPage(1);
  }

  function reset() {
    const cleared: Filters = { actorId: '', action: '', subjectId: '', fromDay: '', toDay: '' };
    setDraft(cleared);
    setApplied(cleared);
    setRangeError(null);
    setPage(1);
  }

  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));
  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const today = todayInShanghai();

  return (
    <section>
      <PageTitle title="审计日志" />
      <form className="panel filter-form" onSubmit={submit} noValidate aria-label="筛选审计日志">
        <div className="form-grid form-grid-5">
          <div className="field">
            <label htmlFor="audit-actor">操作人 ID</label>
            <input id="audit-actor" value={draft.actorId} onChange={set('actorId')} autoComplete="off" maxLength={64} />
          </div>
          <div className="field">
            <label htmlFor="audit-action">操作类型</label>
            <input id="audit-action" list="audit-action-codes" value={draft.action} onChange={set('action')} autoComplete="off" maxLength={64} />
            <datalist id="audit-action-codes">
              {Object.entries(ACTION_NAMES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </datalist>
          </div>
          <div className="field">
            <label htmlFor="audit-subject">对象 ID</label>
            <input id="audit-subject" value={draft.subjectId} onChange={set('subjectId')} autoComplete="off" maxLength={64} />
          </div>
          <div className="field">
            <label htmlFor="audit-from">开始日期</label>
            <input id="audit-from" type="date" value={draft.fromDay} max={draft.toDay || today} onChange={set('fromDay')} />
          </div>
          <div className="field">
            <label htmlFor="audit-to">结束日期</label>
            <input
              id="audit-to"
              type="date"
              value={draft.toDay}
              min={draft.fromDay || undefined}
              max={today}
              onChange={set('toDay')}
              aria-invalid={rangeError ? true : undefined}
              aria-describedby={rangeError ? 'audit-range-error' : undefined}
            />
          </div>
        </div>
        {rangeError && (
          <p id="audit-range-error" className="field-error" role="alert">
            {rangeError}
          </p>
        )}
        <div className="form-actions">
          <button id="audit-search-submit" type="submit" className="btn btn-primary">
            查询
          </button>
          <button type="button" className="btn" onClick={reset}>
            重置
          </button>
          <span className="field-hint">日期按北京时间计，含起止当日。</span>
        </div>
      </form>
      <ErrorNotice error={error} />
      <div className="panel" aria-busy={loading}>
        {data && (
          <>
            <p className="table-caption" role="status">
              共 {data.total} 条记录{loading ? '（正在刷新…）' : ''}
            </p>
            {data.items.length === 0 ? (
              <p className="empty">没有符合条件的记录。</p>
            ) : (
              <div className="table-scroll">
                <table className="table table-dense">
                  <thead>
                    <tr>
                      <th scope="col">时间（北京时间）</th>
                      <th scope="col">操作人</th>
                      <th scope="col">操作</th>
                      <th scope="col">对象</th>
                      <th scope="col">事由</th>
                      <th scope="col">请求号 / 审计号</th>
                      <th scope="col">IP</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((a) => (
                      <tr key={a.auditId} className="audit-row" data-audit-id={a.auditId}>
                        <td className="nowrap">{formatTime(a.at)}</td>
                        <td>
                          {a.actorName}
                          <div className="sub mono">
                            {AUDIT_ACTOR_TYPE_NAMES[a.actorType] ?? a.actorType} · {a.actorId}
                          </div>
                        </td>
                        <td>
                          {ACTION_NAMES[a.action] ?? a.action}
                          {ACTION_NAMES[a.action] && <div className="sub mono">{a.action}</div>}
                        </td>
                        <td>
                          <span className="mono">{a.subjectId}</span>
                          <div className="sub">{AUDIT_SUBJECT_TYPE_NAMES[a.subjectType] ?? a.subjectType}</div>
                        </td>
                        <td className="audit-reason">
                          {a.reason ?? <span className="muted">—</span>}
                          {typeof a.details?.field === 'string' && (
                            <div className="sub">字段：{UNMASKABLE_FIELD_NAMES[a.details.field as UnmaskableField] ?? a.details.field}</div>
                          )}
                        </td>
                        <td>
                          <code className="request-id">{a.requestId}</code>
                          <div className="sub">{a.auditId}</div>
                        </td>
                        <td className="mono">{a.ip ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <nav className="pager" aria-label="分页">
              <button type="button" className="btn" disabled={page <= 1 || loading} onClick={() => setPage((p) => p - 1)}>
                上一页
              </button>
              <span>
                第 {data.page} / {totalPages} 页
              </span>
              <button type="button" className="btn" disabled={page >= totalPages || loading} onClick={() => setPage((p) => p + 1)}>
                下一页
              </button>
            </nav>
          </>
        )}
        {!data && !error && <p className="muted">正在加载…</p>}
      </div>
    </section>
  );
}
