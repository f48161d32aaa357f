import { useCallback, useEffect, useState } from 'react';
import { secondsLeft } from '../utils/format';

/** Seconds left until a deadline, ticking once a second (the SMS "resend in 59 s" button). */
export function useCountdown(): { left: number; start: (seconds: number) => void } {
  const [endsAt, setEndsAt] = useState(0);
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!endsAt) return undefined;
    setLeft(secondsLeft(endsAt));
    const timer = setInterval(() => {
      const s = secondsLeft(endsAt);
      setLeft(s);
      if (s === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [endsAt]);
  const start = useCallback((seconds: number) => setEndsAt(Date.now() + Math.max(0, seconds) * 1000), []);
  return { left, start };
}
