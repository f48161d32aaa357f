import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';

/**
 * A modal dialog (native <dialog>: focus stays inside, the page behind is inert). Escape calls
 * `onCancel`, which decides whether the dialog may go.
 */
export function Modal(props: { title: string; testId?: string; className?: string; onCancel: () => void; children: ReactNode }) {
  const { title, testId, className, onCancel, children } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const unmounting = useRef(false);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    unmounting.current = false;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      unmounting.current = true;
      dialog?.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`confirm-dialog ${className ?? ''}`}
      data-testid={testId}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      onClose={() => {
        // The browser closed it on its own (a repeated Escape may skip the cancel event): treat it as
        // a cancel, and show it again if the owner keeps it (a secret not yet confirmed as saved).
        if (unmounting.current) return;
        onCancel();
        window.setTimeout(() => {
          if (!unmounting.current && ref.current && !ref.current.open) ref.current.showModal();
        });
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** A confirmation for a weighty write: what will happen, then 确认 / 取消; a failure is shown inside. */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error?: unknown;
  testId?: string;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const { title, confirmLabel, danger, pending, error, testId, onConfirm, onCancel, children } = props;
  return (
    <Modal title={title} testId={testId} onCancel={() => !pending && onCancel()}>
      {children}
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} data-testid={testId ? `${testId}-ok` : undefined} disabled={pending} onClick={onConfirm}>
          {pending ? '提交中…' : confirmLabel}
        </button>
        <button type="button" className="btn" data-testid={testId ? `${testId}-cancel` : undefined} disabled={pending} onClick={onCancel}>
          取消
        </button>
      </div>
    </Modal>
  );
}
