import { useEffect, useRef, useState, type FormEvent } from 'react';
import { IDENTITY_LEVEL_NAMES, isValidIdNumber, isValidMobile, type CitizenSummary } from '@onevisit/shared-types/client';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { citizenLevelName, formatTime } from '../format';
import { hrefs, navigate } from '../router';

export interface CitizenSearchState {
  query: string;
  /** The last answer, and which kind of number it was searched by. */
  result: { by: 'phone' | 'idNumber'; citizens: CitizenSummary[] } | null;
}

/** Mobile number or resident ID number, decided by shape (spaces and dashes ignored, `x` upper-cased). */
export function classifyQuery(raw: string): { phone: string } | { idNumber: string } | null {
  const compact = raw.replace(/[\s-]/g, '').toUpperCase();
  if (isValidMobile(compact)) return { phone: compact };
  if (isValidIdNumber(compact)) return { idNumber: compact };
  return null;
}

export function CitizenSearchPage({ state, onChange }: { state: CitizenSearchState; onChange: (s: CitizenSearchState) => void }) {
  const [query, setQuery] = useState(state.query);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => inputRef.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const q = classifyQuery(query);
    if (!q) {
      setFieldError(query.trim() ? '请输入有效的 11 位手机号或 18 位居民身份证号（校验位须正确）' : '请输入手机号或身份证号');
      inputRef.current?.focus();
      return;
    }
    setFieldError(null);
    setError(null);
    setPending(true);
    try {
      const { citizens } = await api.searchCitizens(q);
      onChange({ query, result: { by: 'phone' in q ? 'phone' : 'idNumber', citizens } });
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  const result = state.result;
  return (
    <section>
      <PageTitle title="市民查询" focus={false} />
      <form className="panel search-form" onSubmit={submit} noValidate role="search">
        <div className="field field-grow">
          <label htmlFor="citizen-query">手机号或身份证号</label>
          <div className="input-row">
            <input
              id="citizen-query"
              ref={inputRef}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="11 位手机号或 18 位居民身份证号"
              autoComplete="off"
              spellCheck={false}
              maxLength={30}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? 'citizen-query-error' : 'citizen-query-hint'}
            />
            <button id="citizen-search-submit" type="submit" className="btn btn-primary" disabled={pending}>
              {pending ? '查询中…' : '查询'}
            </button>
          </div>
          {fieldError ? (
            <p id="citizen-query-error" className="field-error" role="alert">
              {fieldError}
            </p>
          ) : (
            <p id="citizen-query-hint" className="field-hint">
              按号码精确查询，结果中的个人信息已脱敏。
            </p>
          )}
        </div>
      </form>
      <ErrorNotice error={error} />
      {result && (
        <div className="panel">
          <p className="table-caption" role="status">
            按{result.by === 'phone' ? '手机号' : '身份证号'}查询，共 {result.citizens.length} 条结果
          </p>
          {result.citizens.length === 0 ? (
            <p className="empty">未找到匹配的市民。请核对号码，或换用另一种号码查询。</p>
          ) : (
            <table className="table table-clickable">
              <thead>
                <tr>
                  <th scope="col">姓名</th>
                  <th scope="col">身份证号</th>
                  <th scope="col">手机号</th>
                  <th scope="col">认证等级</th>
                  <th scope="col">注册时间</th>
                  <th scope="col">
                    <span className="sr-only">操作</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.citizens.map((c) => (
                  <tr key={c.userId} className="citizen-row" data-user-id={c.userId} onClick={() => navigate(hrefs.citizen(c.userId))}>
                    <td>{c.name ?? <span className="muted">未实名</span>}</td>
                    <td className="mono">{c.idNumber ?? '—'}</td>
                    <td className="mono">{c.phone ?? '—'}</td>
                    <td>
                      <span className={`level level-${c.level}`} title={IDENTITY_LEVEL_NAMES[c.level]}>
                        {c.level}
                      </span>{' '}
                      {citizenLevelName(c.level)}
                    </td>
                    <td>{formatTime(c.createdAt)}</td>
                    <td>
                      <a href={hrefs.citizen(c.userId)} onClick={(e) => e.stopPropagation()}>
                        查看详情
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
