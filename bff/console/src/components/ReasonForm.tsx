import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ErrorNotice } from './ErrorNotice';

export interface ReasonFormProps {
  /** The form's accessible name (`aria-label`). */
  label: string;
  /** The reason input's id; the validation message under it gets `${inputId}-error`. */
  inputId: string;
  inputTestId?: string;
  submitId?: string;
  submitTestId?: string;
  quickReasons: readonly string[];
  placeholder: string;
  /** Called with the trimmed reason; a rejection is shown in the form, which stays open for another try. */
  onSubmit: (reason: string) => Promise<void>;
  onCancel: () => void;
}

/**
 * The inline reason form for an audited read (not a browser prompt): required, at least 4
 * characters, with quick picks; Escape cancels. The caller decides what the reason unlocks.
 */
export function ReasonForm({ label, inputId, inputTestId, submitId, submitTestId, quickReasons, placeholder, onSubmit, onCancel }: ReasonFormProps) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const errorId = `${inputId}-error`;

  useEffect(() => inputRef.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < 4) {
      setReasonError(trimmed ? '事由至少 4 个字' : '请填写查看事由');
      inputRef.current?.focus();
      return;
    }
    setReasonError(null);
    setError(null);
    setPending(true);
    try {
      // On success the caller closes the form, so `pending` stays set until it goes.
      await onSubmit(trimmed);
    } catch (err) {
      setError(err);
      setPending(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') onCancel();
  }

  return (
    <form className="unmask-form" onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label={label}>
      <label htmlFor={inputId}>查看事由（必填，将记入审计日志）</label>
      <div className="quick-picks" role="group" aria-label="常用事由">
        {quickReasons.map((r) => (
          <button key={r} type="button" className={`chip ${reason === r ? 'chip-on' : ''}`} aria-pressed={reason === r} onClick={() => setReason(r)}>
            {r}
          </button>
        ))}
      </div>
      <input
        id={inputId}
        data-testid={inputTestId}
        ref={inputRef}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={200}
        placeholder={placeholder}
        autoComplete="off"
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError ? errorId : undefined}
      />
      {reasonError && (
        <p id={errorId} className="field-error" role="alert">
          {reasonError}
        </p>
      )}
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button id={submitId} type="submit" className="btn btn-primary" data-testid={submitTestId} disabled={pending}>
          {pending ? '提交中…' : '确认查看'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
