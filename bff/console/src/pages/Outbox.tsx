import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { OutboxEntry, OutboxRetryTopicResponse } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { useLoad } from '../hooks/useLoad';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { formatTime } from '../format';
import { useSession } from '../session';

const PAGE_SIZE = 20;

/**
 * Dead letters of the outbox (side effects that gave up) for supervisors and admins; admins may
 * put one back in the queue. Payloads are never fetched nor shown: they may hold personal data.
 */
export function OutboxPage() {
  const { can } = useSession();
  const manage = can('outbox:manage');
  const [draftTopic, setDraftTopic] = useState('');
  const [topic, setTopic] = useState('');
  const [page, setPage] = useState(1);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [result, setResult] = useState<OutboxEntry | null>(null);
  const [bulk, setBulk] = useState<'idle' | 'confirming' | 'running'>('idle');
  const [bulkResult, setBulkResult] = useState<OutboxRetryTopicResponse | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);
  const [reloadTick, setReloadTick] = useState(0);

  const { data, error, loading } = useLoad(() => api.outboxDead({ topic: topic || undefined, page, pageSize: PAGE_SIZE }), [topic, page, reloadTick]);

  // After a retry the last page may be gone: step back to the page that still exists.
  useEffect(() => {
    if (!data) return;
    const last = Math.max(1, Math.ceil(data.total / data.pageSize));
    if (data.items.length === 0 && page > last) setPage(last);
  }, [data, page]);

  const reload = useCallback(() => setReloadTick((n) => n + 1), []);

  function submit(e: FormEvent) {
    e.preventDefault();
    setTopic(draftTopic.trim());
    setPage(1);
    setConfirming(null);
    setBulk('idle');
  }

  /** Every dead letter of the filtered topic, after a cause they share is fixed. */
  async function retryTopic() {
    setBulk('running');
    setRetryError(null);
    setResult(null);
    setBulkResult(null);
    try {
      setBulkResult(await api.retryOutboxTopic(topic));
    } catch (err) {
      setRetryError(err);
    } finally {
      setBulk('idle');
      reload();
    }
  }

  async function retry(entry: OutboxEntry) {
    setRetrying(entry.id);
    setRetryError(null);
    setResult(null);
    try {
      setResult(await api.retryOutbox(entry.id));
      setConfirming(null);
      reload();
    } catch (err) {
      setRetryError(err);
      setConfirming(null);
      // Someone else may have retried it (or it is gone): show the list as it is now.
      if (err instanceof ApiError && (err.code === 'OUTBOX_ENTRY_NOT_DEAD' || err.code === 'OUTBOX_ENTRY_NOT_FOUND')) reload();
    } finally {
      setRetrying(null);
    }
  }

  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <section>
      <PageTitle title="投递队列 · 死信">
        <button type="button" id="outbox-refresh" className="btn" disabled={loading} onClick={reload}>
          刷新
        </button>
      </PageTitle>
      <p className="field-hint page-hint">
        平台向外部系统发出的消息（上游提交、短信、合作方回调等）多次投递失败或被对方明确拒绝后会进入死信，需人工处理。消息内容可能含个人信息，此处不显示。
        {manage ? '排除故障后可点击“重试”重新放入投递队列（尝试次数清零，立即投递）；按主题查询后可“全部重试”该主题的死信。操作会记录审计。' : '重试由管理员操作。'}
      </p>
      <form className="panel filter-form" onSubmit={submit} noValidate aria-label="筛选死信">
        <div className="input-row">
          <label htmlFor="outbox-topic" className="inline-label">
            主题
          </label>
          <input id="outbox-topic" className="outbox-topic-input" value={draftTopic} onChange={(e) => setDraftTopic(e.target.value)} maxLength={64} autoComplete="off" placeholder="如 notify.sms，留空为全部" />
          <button type="submit" className="btn btn-primary">
            查询
          </button>
        </div>
      </form>
      {bulkResult && (
        <div className="notice notice-success outbox-bulk-result" role="status">
          <strong>已重新放入投递队列</strong>
          <div>
            主题 <span className="mono">{bulkResult.topic}</span>：{bulkResult.retried} 条死信已重新投递（尝试次数清零）
            {bulkResult.remaining > 0 ? `，仍有 ${bulkResult.remaining} 条死信，可再次点击“全部重试”。` : '。'}
          </div>
        </div>
      )}
      {result && (
        <div className="notice notice-success outbox-result" role="status">
          <strong>已重新放入投递队列</strong>
          <div>
            <span className="mono">{result.id}</span>（{result.topic}）状态：{result.status === 'pending' ? '待投递' : result.status === 'delivered' ? '已投递' : '死信'}，尝试次数 {result.attempts}，计划投递时间 {formatTime(result.nextAttemptAt)}。
          </div>
        </div>
      )}
      <ErrorNotice error={retryError} />
      <ErrorNotice error={error} />
      <div className="panel" aria-busy={loading}>
        {data && (
          <>
            <p className="table-caption" role="status">
              共 {data.total} 条死信{loading ? '（正在刷新…）' : ''}
            </p>
            {manage && topic && data.total > 0 && (
              <div className="form-actions outbox-bulk" role="group" aria-label={`重试主题 ${topic} 的全部死信`}>
                {bulk === 'idle' ? (
                  <button type="button" id="outbox-retry-topic" className="btn" disabled={retrying !== null} onClick={() => (setBulk('confirming'), setBulkResult(null), setResult(null))}>
                    全部重试（{data.total} 条）
                  </button>
                ) : (
                  <span className="confirm-inline">
                    <span>确认已排除故障，将主题 {topic} 的 {data.total} 条死信全部重新投递？</span>
                    <button type="button" id="outbox-retry-topic-confirm" className="btn btn-primary btn-small" disabled={bulk === 'running'} onClick={() => void retryTopic()}>
                      {bulk === 'running' ? '重试中…' : '确认'}
                    </button>
                    <button type="button" className="btn btn-small" disabled={bulk === 'running'} onClick={() => setBulk('idle')}>
                      取消
                    </button>
                  </span>
                )}
              </div>
            )}
            {data.items.length === 0 ? (
              <p className="empty outbox-empty">{topic ? `主题 ${topic} 下没有死信。` : '当前没有死信，所有消息均已投递或正在投递。'}</p>
            ) : (
              <div className="table-scroll">
                <table className="table table-dense">
                  <thead>
                    <tr>
                      <th scope="col">主题 / 业务键</th>
                      <th scope="col">尝试次数</th>
                      <th scope="col">最后错误</th>
                      <th scope="col">创建时间（北京时间）</th>
                      <th scope="col">进入死信时间</th>
                      <th scope="col">ID</th>
                      {manage && <th scope="col">操作</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((e) => (
                      <tr key={e.id} className="outbox-row" data-outbox-id={e.id}>
                        <td>
                          <span className="mono">{e.topic}</span>
                          <div className="sub mono">{e.dedupeKey}</div>
                        </td>
                        <td className="mono">{e.attempts}</td>
                        <td className="outbox-error">{e.lastError ?? <span className="muted">—</span>}</td>
                        <td className="nowrap">{formatTime(e.createdAt)}</td>
                        <td className="nowrap">{formatTime(e.updatedAt)}</td>
                        <td>
                          <code className="request-id">{e.id}</code>
                        </td>
                        {manage && (
                          <td className="actions">
                            {confirming === e.id ? (
                              <span className="confirm-inline" role="group" aria-label={`确认重试 ${e.id}`}>
                                <span>确认重试？</span>
                                <button type="button" className="btn btn-primary btn-small" data-retry-confirm={e.id} disabled={retrying !== null} onClick={() => void retry(e)}>
                                  {retrying === e.id ? '重试中…' : '确认'}
                                </button>
                                <button type="button" className="btn btn-small" disabled={retrying !== null} onClick={() => setConfirming(null)}>
                                  取消
                                </button>
                              </span>
                            ) : (
                              <button
                                type="button"
                                className="btn btn-small"
                                data-retry={e.id}
                                aria-label={`重试 ${e.topic} ${e.id}`}
                                disabled={retrying !== null}
                                onClick={() => (setConfirming(e.id), setResult(null), setRetryError(null))}
                              >
                                重试
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
            )}
          </>
        )}
        {!data && !error && (
          <p className="muted">
            正在加载…
          </p>
        )}
      </div>
    </section>
  );
}
