import { useEffect, useRef, useState } from 'react';

/**
 * Copies `text` to the clipboard. The Clipboard API needs a secure context (https or localhost);
 * on a plain-http intranet address it falls back to selecting a hidden textarea and `copy`. The
 * textarea goes inside the open <dialog> when there is one (the page behind a modal is inert).
 */
export async function copyText(text: string, near?: Element | null): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection fallback
  }
  const host = near?.closest('dialog') ?? document.body;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '0';
  area.style.opacity = '0';
  host.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.value = '';
  area.remove();
  return ok;
}

/** A small 复制 button that says 已复制 (or asks to copy by hand) for a moment. */
export function CopyButton({ text, label = '复制', what, testId }: { text: string; label?: string; what: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), state === 'copied' ? 2000 : 4000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        ref={ref}
        type="button"
        className="btn btn-small copy-btn"
        data-testid={testId}
        aria-label={`复制${what}`}
        onClick={() => void copyText(text, ref.current).then((ok) => (setState(ok ? 'copied' : 'failed'), ref.current?.focus()))}
      >
        {state === 'copied' ? '已复制' : label}
      </button>
      <span className={state === 'failed' ? 'copy-failed' : 'sr-only'} role="status">
        {state === 'copied' ? `${what}已复制` : state === 'failed' ? '无法自动复制，请手动选中后复制' : ''}
      </span>
    </>
  );
}
