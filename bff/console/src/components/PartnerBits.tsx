import { WEBHOOK_DELIVERY_STATUS_NAMES } from '@onevisit/shared-types/client';
import type { PartnerCall, WebhookDelivery, WebhookDeliveryStatus } from '@onevisit/shared-types/client';
import { httpStatusTone, scopeName, signatureResultView, webhookStatusTone } from '../partners';

/** Scopes as chips: the Chinese name, the code as a tooltip. */
export function ScopeChips({ scopes }: { scopes: readonly string[] }) {
  if (scopes.length === 0) return <span className="muted">—</span>;
  return (
    <span className="scope-chips">
      {scopes.map((s) => (
        <span key={s} className={`scope-chip ${s === 'identity:attest' ? 'scope-chip-strong' : ''}`} title={s} data-scope={s}>
          {scopeName(s)}
        </span>
      ))}
    </span>
  );
}

export function WebhookStatusTag({ status }: { status: WebhookDeliveryStatus }) {
  return (
    <span className={`case-state case-state-${webhookStatusTone(status)}`} data-status={status}>
      {WEBHOOK_DELIVERY_STATUS_NAMES[status] ?? status}
    </span>
  );
}

/** An HTTP status code, coloured by its class; `—` when there is none (no answer yet, or a network error). */
export function HttpStatus({ status }: { status: number | null }) {
  if (status == null) return <span className="muted">—</span>;
  return <span className={`http-status http-status-${httpStatusTone(status)} mono`}>{status}</span>;
}

/** What the partner's endpoint last answered: its status code and the error, if any. */
export function DeliveryOutcome({ d }: { d: Pick<WebhookDelivery, 'lastStatusCode' | 'lastError'> }) {
  if (d.lastStatusCode == null && !d.lastError) return <span className="muted">—</span>;
  return (
    <>
      <HttpStatus status={d.lastStatusCode} />
      {d.lastError && <div className="sub delivery-error">{d.lastError}</div>}
    </>
  );
}

/** `通过`, or the refusal in red with its code. */
export function SignatureResult({ call }: { call: Pick<PartnerCall, 'signatureResult'> }) {
  const view = signatureResultView(call.signatureResult);
  if (!view.refused) return <span className="case-state case-state-ok">{view.label}</span>;
  return (
    <span className="sig-refused" data-refused="true">
      <span className="case-state case-state-bad">{view.label}</span>
      <code className="sub sig-code">{view.code}</code>
    </span>
  );
}
