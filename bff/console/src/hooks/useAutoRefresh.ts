import { useEffect, useRef } from 'react';

/**
 * Calls `refresh` `intervalMs` after the last load finished, but only while the tab is visible:
 * a hidden tab sends nothing, and refreshes as soon as it is shown again if its time has come.
 * `busy` (a load running) holds the timer; it starts again when that load ends.
 */
export function useAutoRefresh(refresh: () => void, intervalMs: number, busy: boolean): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (busy) return;
    let due = false;
    const timer = window.setTimeout(() => {
      if (document.visibilityState === 'visible') latest.current();
      else due = true;
    }, intervalMs);
    const onVisibility = () => {
      if (due && document.visibilityState === 'visible') {
        due = false;
        latest.current();
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [busy, intervalMs]);
}
