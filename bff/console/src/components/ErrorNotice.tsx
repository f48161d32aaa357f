import { ApiError } from '../api';
import { errorHeadline, formatTime } from '../format';

/**
 * An API error as an agent can quote it to support: a Chinese headline, the server's message,
 * the error code and the request id. Announced to screen readers (role="alert").
 */
export function ErrorNotice({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return (
      <div className={`notice notice-error ${className ?? ''}`} role="alert">
        <strong>出现意外错误</strong>
        <div>{error instanceof Error ? error.message : String(error)}</div>
      </div>
    );
  }
  const headline = errorHeadline(error.code, error.message);
  const details = error.details as { lockedUntil?: string; retryAfterSeconds?: number } | undefined;
  return (
    <div className={`notice notice-error ${className ?? ''}`} role="alert" data-error-code={error.code}>
      <strong>{headline}</strong>
      {error.code === 'STAFF_LOCKED' && details?.lockedUntil && (
        <div>
          连续登录失败次数过多，账号锁定至 <b>{formatTime(details.lockedUntil)}</b>（北京时间）。如需提前解锁，请联系管理员。
        </div>
      )}
      {error.code === 'RATE_LIMITED' && typeof details?.retryAfterSeconds === 'number' && (
        <div>请在 {details.retryAfterSeconds} 秒后重试。</div>
      )}
      {headline !== error.message && <div className="notice-message">{error.message}</div>}
      <div className="notice-meta">
        错误码 <code>{error.code}</code>
        {error.requestId && (
          <>
            {' · '}请求号 <code className="request-id">{error.requestId}</code>
          </>
        )}
      </div>
    </div>
  );
}
