import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConsoleSession, Permission } from '@onevisit/shared-types/client';
import { ApiError, api, setSessionLostHandler } from './api';
import { LoginPage } from './pages/Login';
import { Shell } from './pages/Shell';
import { SessionContext, type SessionState } from './session';

type Boot = { state: 'loading' } | { state: 'anonymous'; notice?: string; error?: unknown } | { state: 'signed-in'; session: ConsoleSession };

/** Probes the session cookie once, then shows the login page or the shell. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api.session().then(
      (session) => !cancelled && setBoot({ state: 'signed-in', session }),
      (error: unknown) => {
        if (cancelled) return;
        const expected = error instanceof ApiError && error.status === 401;
        setBoot({ state: 'anonymous', error: expected ? undefined : error });
      },
    );
    setSessionLostHandler(() => setBoot({ state: 'anonymous', notice: '登录已失效（超时或在其他地方退出），请重新登录。' }));
    return () => {
      cancelled = true;
      setSessionLostHandler(null);
    };
  }, []);

  const onLoggedIn = useCallback((session: ConsoleSession) => setBoot({ state: 'signed-in', session }), []);
  const onLogout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The session is dropped on this side whatever the server answered.
    }
    setBoot({ state: 'anonymous', notice: '您已安全退出。' });
  }, []);

  const sessionState = useMemo<SessionState | null>(() => {
    if (boot.state !== 'signed-in') return null;
    const granted = new Set<Permission>(boot.session.permissions);
    return { session: boot.session, can: (p) => granted.has(p) };
  }, [boot]);

  if (boot.state === 'loading') {
    return (
      <div className="boot" aria-busy="true">
        正在加载…
      </div>
    );
  }
  if (!sessionState) {
    const anon = boot as Extract<Boot, { state: 'anonymous' }>;
    return <LoginPage onLoggedIn={onLoggedIn} notice={anon.notice} bootError={anon.error} />;
  }
  return (
    <SessionContext.Provider value={sessionState}>
      <Shell onLogout={onLogout} />
    </SessionContext.Provider>
  );
}
