import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConsoleSession } from '@onevisit/shared-types/client';
import { api } from '../api';
import { APP_NAME } from '../components/PageTitle';
import { ErrorNotice } from '../components/ErrorNotice';

export function LoginPage({ onLoggedIn, notice, bootError }: { onLoggedIn: (s: ConsoleSession) => void; notice?: string; bootError?: unknown }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(bootError);
  const [pending, setPending] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `登录 - ${APP_NAME}`;
    usernameRef.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (pending) return;
    if (!username.trim()) {
      setMissing('请输入用户名');
      usernameRef.current?.focus();
      return;
    }
    if (!password) {
      setMissing('请输入密码');
      passwordRef.current?.focus();
      return;
    }
    setMissing(null);
    setError(null);
    setPending(true);
    try {
      const session = await api.login(username.trim(), password);
      onLoggedIn(session);
    } catch (err) {
      setError(err);
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="login-page">
      <main className="login-card" aria-labelledby="login-title">
        <div className="login-brand" aria-hidden="true">
          <span className="brand-mark">OV</span>
        </div>
        <h1 id="login-title">{APP_NAME}</h1>
        <p className="login-sub">公安政务服务平台 · 呼叫中心与后台</p>
        {notice && !error && (
          <div className="notice notice-info" role="status">
            {notice}
          </div>
        )}
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="login-username">用户名</label>
            <input
              id="login-username"
              ref={usernameRef}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={missing === '请输入用户名' || undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">密码</label>
            <input
              id="login-password"
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={missing === '请输入密码' || undefined}
            />
          </div>
          {missing && (
            <p className="field-error" role="alert">
              {missing}
            </p>
          )}
          <ErrorNotice error={error} />
          <button id="login-submit" type="submit" className="btn btn-primary btn-block" disabled={pending}>
            {pending ? '正在登录…' : '登录'}
          </button>
        </form>
        <p className="login-foot">仅限授权工作人员使用。查看市民个人信息须填写事由，所有操作均记入审计日志。</p>
      </main>
    </div>
  );
}
