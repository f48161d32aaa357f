import { CASE_STATE_NAMES, UPSTREAM_DELIVERY_NAMES, UPSTREAM_SYSTEM_NAMES } from '@onevisit/shared-types/client';
import type { CaseDeadline, CaseState, UpstreamDelivery, UpstreamSystemCode } from '@onevisit/shared-types/client';
import { deadlineView, stateTone } from '../cases';

/** A case's state as a coloured tag. */
export function CaseStateTag({ state, testId }: { state: CaseState; testId?: string }) {
  return (
    <span className={`case-state case-state-${stateTone(state)}`} data-state={state} data-testid={testId}>
      {CASE_STATE_NAMES[state] ?? state}
    </span>
  );
}

/**
 * The deadline light: a coloured dot with its name in text (never colour alone), the due time in
 * Beijing time and what is left. `—` before acceptance and after a decision (no clock).
 */
export function DeadlineLight({ deadline, detailed = false, testId }: { deadline: CaseDeadline | null; detailed?: boolean; testId?: string }) {
  const view = deadlineView(deadline);
  if (!view) {
    return (
      <span className="muted" data-testid={testId} data-clock="none">
        {detailed ? '未计时（受理后开始计时，办结后停止）' : '—'}
      </span>
    );
  }
  return (
    <span className={`deadline deadline-${view.clock}`} data-testid={testId} data-clock={view.clock}>
      <span className="deadline-light">
        <span className="deadline-dot" aria-hidden="true" />
        {view.clockName}
      </span>
      <span className="deadline-due">
        <span className="sr-only">到期时间 </span>
        {view.due}
        {detailed && '（北京时间）'}
      </span>
      {view.remaining && <span className="deadline-remaining">{view.remaining}</span>}
      {detailed && view.limit && <span className="deadline-limit">{view.limit}</span>}
      {detailed && view.fallbackNote && <span className="deadline-fallback">{view.fallbackNote}</span>}
    </span>
  );
}

/** Where the case is handled: in-house, or a department's system (received or not yet). */
export function UpstreamText({ upstream, system }: { upstream: UpstreamDelivery; system: UpstreamSystemCode | null }) {
  if (upstream === 'in_house' || !system) return <>{UPSTREAM_DELIVERY_NAMES.in_house}</>;
  return (
    <>
      {UPSTREAM_SYSTEM_NAMES[system] ?? system}
      <div className={`sub ${upstream === 'waiting' ? 'upstream-waiting' : ''}`}>{upstream === 'waiting' ? '等待接收' : '已接收'}</div>
    </>
  );
}

export function GreenChannelMark({ on }: { on: boolean }) {
  if (!on) return null;
  return (
    <span className="tag tag-green-channel" data-testid="case-green-channel" title="绿色通道：按小时计时的快速办理">
      绿色通道
    </span>
  );
}
