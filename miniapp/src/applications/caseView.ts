import {
  CASE_ACTION_NAMES,
  CASE_ACTOR_NAMES,
  CASE_STATE_NAMES,
  TERMINAL_CASE_STATES,
  type ApplicationDetail,
  type CaseState,
  type TimelineEvent,
} from '@onevisit/shared-types/client';
import type { ApplicationListStatus } from '../api/applications';

export type Tone = 'blue' | 'green' | 'orange' | 'red' | 'gray';

/** The filter tabs of 我的办件. */
export const CASE_TABS: { status: ApplicationListStatus; title: string }[] = [
  { status: 'all', title: '全部' },
  { status: 'open', title: '办理中' },
  { status: 'closed', title: '已办结' },
];

export function parseListStatus(raw: string | undefined): ApplicationListStatus {
  return raw === 'open' || raw === 'closed' ? raw : 'all';
}

/** The colour of a state: what the citizen must do (orange), done well (green), refused (red), over (gray). */
export function stateTone(state: CaseState): Tone {
  switch (state) {
    case 'approved':
    case 'completed':
    case 'shipped':
    case 'ready_for_pickup':
      return 'green';
    case 'supplement_requested':
    case 'awaiting_payment':
      return 'orange';
    case 'not_accepted':
    case 'rejected':
      return 'red';
    case 'draft':
    case 'withdrawn':
      return 'gray';
    default:
      return 'blue';
  }
}

export function stateName(state: CaseState): string {
  return CASE_STATE_NAMES[state] ?? state;
}

export function isFinal(state: CaseState): boolean {
  return TERMINAL_CASE_STATES.includes(state);
}

/** What the citizen is asked to do now, in one line (or undefined). */
export function nextStepHint(c: Pick<ApplicationDetail, 'state' | 'actions' | 'pendingMaterials'>): string | undefined {
  if (c.state === 'draft') return '申请尚未提交，请继续填写并提交';
  if (c.state === 'supplement_requested' || c.actions.includes('answer_supplement')) return '请按补正意见补充材料后提交';
  if (c.state === 'awaiting_payment') return '请缴纳费用，缴费后继续办理';
  if (c.pendingMaterials.some((p) => !p.suppliedAt)) return '您有容缺材料待补交，请在承诺日期前上传';
  if (c.state === 'ready_for_pickup') return '证件已制好，请按通知到窗口领取';
  return undefined;
}

/** The timeline newest first; events at the same instant keep the reverse of the order the BFF sent. */
export function timelineNewestFirst(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => (Number.isNaN(b.t) || Number.isNaN(a.t) ? 0 : b.t - a.t) || b.i - a.i)
    .map((x) => x.e);
}

/** `受理` … and who: `工作人员 李四` (the actor's kind, then the name when it says more). */
export function timelineTitle(e: TimelineEvent): string {
  return CASE_ACTION_NAMES[e.action] ?? e.action;
}
export function timelineActor(e: TimelineEvent): string {
  const kind = CASE_ACTOR_NAMES[e.actor] ?? e.actor;
  const name = e.actorName?.trim();
  if (!name || name === kind) return kind;
  return `${kind} · ${name}`;
}
