import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { CopyButton } from '../components/CopyButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { HttpStatus, SignatureResult } from '../components/PartnerBits';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import {
  CALL_APP_ID_MAX,
  CALL_PATH_MAX,
  CALL_REQUEST_ID_MAX,
  EMPTY_CALLS_FILTER,
  callsQuery,
  checkCallsFilter,
  signatureResultView,
  type CallResultFilter,
  type CallsFilter,
  type CallsFilterIssues,
} from '../partners';
import { hrefs, navigate } from '../router';

const PAGE_SIZE = 20;
type Draft = Omit<CallsFilter, 'page'>;

function draftOf(f: CallsFilter): Draft {
  return { appId: f.appId, requestId: f.requestId, path: f.path, result: f.result, from: f.from, to: f.to };
}

/**
 * 调用记录: the evidence log of every open-API call — who called what, whether the signature
 * passed (or the code it was refused with), the answer's status, latency and source address —
 * searched by partner, request id, path prefix, result and time (Beijing time). The search lives
 * in the hash, so a partner's request id can be sent as a link. Read-only.
 */
export function PartnerCallsPage({ filter }: { filter: CallsFilter }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filter));
  const [issues, setIssues] = useState<CallsFilterIssues>({});
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(filter);

  // A link or the back button changed the search: show it in the form.
  useEffect(() => setDraft(draftOf(filter)), [key]); // the filter's content, not its identity

  const { data, error, loading } = useLoad(() => api.partnerCalls(callsQuery(filter, PAGE_SIZE)), [key, tick]);
  const partners = useLoad(() => api.partners(), []);

  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = checkCallsFilter(draft);
    if (!checked.ok) {
      setIssues(checked.issues);
      const first = (['appId', 'requestId', 'path', 'from', 'to'] as const).find((k) => checked.issues[k]);
      if (first) document.getElementById(`calls-${first}`)?.focus();
      return;
    }
    setIssues({});
    const next = hrefs.partnerCallsFiltered(checked.filter);
    if (next === hrefs.partnerCallsFiltered(filter)) setTick((n) => n + 1);
    else navigate(next);
  }

  function reset() {
    setIssues({});
    setDraft(draftOf(EMPTY_CALLS_FILTER));
    navigate(hrefs.partnerCalls);
  }

  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const filtered = hrefs.partnerCallsFiltered({ ...filter, page: 1 }) !== hrefs.partnerCalls;
  const fieldError = (k: keyof CallsFilterIssues) =>
    issues[k] ? (
      <p id={`calls-${k}-error`} className="field-error" role="alert">
        {issues[k]}
      </p>
    ) : null;
  const invalid = (k: keyof CallsFilterIssues) => ({ 'aria-invalid': issues[k] ? true : undefined, 'aria-describedby': issues[k] ? `calls-${k}-error` : undefined });

  return (
    <section data-testid="calls-page">
      <PageTitle title="调用记录">
        <button type="button" className="btn" data-testid="calls-refresh" disabled={loading} onClick={() => setTick((n) => n + 1)}>
          刷新
        </button>
      </PageTitle>
      <p className="field-hint page-hint">
        开放接口的每一次调用（含被拒绝的）都留有记录：请求号、调用方、接口、签名校验结果、响应状态、耗时与来源 IP，可作为与对接方核对问题的依据。请求体只记录摘要，不保存内容。
      </p>
      <form className="panel filter-form" role="search" aria-label="查询调用记录" onSubmit={submit} noValidate>
        <div className="form-grid calls-filter-grid">
          <div className="field">
            <label htmlFor="calls-appId">合作方 AppID</label>
            <input id="calls-appId" list="calls-app-ids" value={draft.appId} onChange={set('appId')} maxLength={CALL_APP_ID_MAX} autoComplete="off" spellCheck={false} {...invalid('appId')} />
            <datalist id="calls-app-ids">
              {partners.data?.partners.map((p) => (
                <option key={p.appId} value={p.appId}>
                  {p.name}
                </option>
              ))}
            </datalist>
            {fieldError('appId')}
          </div>
          <div className="field">
            <label htmlFor="calls-requestId">请求号</label>
            <input id="calls-requestId" value={draft.requestId} onChange={set('requestId')} maxLength={CALL_REQUEST_ID_MAX} autoComplete="off" spellCheck={false} {...invalid('requestId')} />
            {fieldError('requestId')}
          </div>
          <div className="field">
            <label htmlFor="calls-path">接口路径前缀</label>
            <input id="calls-path" value={draft.path} onChange={set('path')} maxLength={CALL_PATH_MAX} autoComplete="off" spellCheck={false} placeholder="如 /open/v1/cases" {...invalid('path')} />
            {fieldError('path')}
          </div>
          <div className="field">
            <label htmlFor="calls-result">结果</label>
            <select id="calls-result" data-testid="calls-result" value={draft.result} onChange={(e) => setDraft((d) => ({ ...d, result: e.target.value as CallResultFilter }))}>
              <option value="">全部</option>
              <option value="ok">签名通过</option>
              <option value="refused">被拒绝</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="calls-from">开始时间</label>
            <input id="calls-from" type="datetime-local" value={draft.from} max={draft.to || undefined} onChange={set('from')} {...invalid('from')} />
            {fieldError('from')}
          </div>
          <div className="field">
            <label htmlFor="calls-to">结束时间</label>
            <input id="calls-to" type="datetime-local" value={draft.to} min={draft.from || undefined} onChange={set('to')} {...invalid('to')} />
            {fieldError('to')}
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="calls-search">
            查询
          </button>
          {filtered && (
            <button type="button" className="btn" onClick={reset}>
              清除条件
            </button>
          )}
          <span className="field-hint">时间按北京时间计，含结束时间所在的那一分钟；路径按前缀匹配。</span>
        </div>
      </form>
      <ErrorNotice error={error} />
      <div className="panel" aria-busy={loading}>
        {data && (
          <>
            <p className="table-caption" role="status" data-testid="calls-total" data-total={data.total}>
              共 {data.total} 条调用记录{loading ? '（正在刷新…）' : ''}
            </p>
            {data.items.length === 0 ? (
              <p className="empty">{filtered ? '没有符合条件的调用记录。' : '暂无调用记录。'}</p>
            ) : (
              <div className="table-scroll">
                <table className="table table-dense calls-table">
                  <thead>
                    <tr>
                      <th scope="col">请求号</th>
                      <th scope="col">合作方</th>
                      <th scope="col">接口</th>
                      <th scope="col">签名校验</th>
                      <th scope="col">状态码</th>
                      <th scope="col" className="num">
                        耗时
                      </th>
                      <th scope="col">来源 IP</th>
                      <th scope="col">时间（北京时间）</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((c, i) => (
                      <tr key={`${c.requestId}-${c.at}-${i}`} data-testid="call-row" data-request-id={c.requestId} data-refused={signatureResultView(c.signatureResult).refused}>
                        <td className="call-request">
                          <code className="request-id">{c.requestId}</code>
                          <CopyButton text={c.requestId} what="请求号" />
                        </td>
                        <td>
                          {c.appId ? (
                            <a className="mono" href={hrefs.partner(c.appId)}>
                              {c.appId}
                            </a>
                          ) : (
                            <span className="muted">未识别</span>
                          )}
                        </td>
                        <td className="call-path">
                          <span className="mono call-method">{c.method}</span> <span className="mono">{c.path}</span>
                          <div className="sub mono request-id" title="请求体 SHA-256">
                            {c.bodySha256}
                          </div>
                        </td>
                        <td>
                          <SignatureResult call={c} />
                        </td>
                        <td>
                          <HttpStatus status={c.status} />
                        </td>
                        <td className="num mono nowrap">{c.latencyMs} ms</td>
                        <td className="mono">{c.ip}</td>
                        <td className="nowrap">{formatTime(c.at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.total > 0 && (
              <nav className="pager" aria-label="分页">
                <button type="button" className="btn" disabled={filter.page <= 1 || loading} onClick={() => navigate(hrefs.partnerCallsFiltered({ ...filter, page: filter.page - 1 }))}>
                  上一页
                </button>
                <span>
                  第 {data.page} / {totalPages} 页
                </span>
                <button type="button" className="btn" disabled={filter.page >= totalPages || loading} onClick={() => navigate(hrefs.partnerCallsFiltered({ ...filter, page: filter.page + 1 }))}>
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
