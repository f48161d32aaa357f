import type { CaseAction, CaseActor, CaseState, FeeDue } from '@onevisit/shared-types';
import { AppError } from '../../http/errors';

/**
 * The case (办件) state machine, in one place. Everything that moves a case calls `nextState`;
 * nothing else writes a state. An action is allowed from a set of states, by a set of actors,
 * and lands in a state that may depend on the case (when its fee is due, whether it was approved).
 *
 * draft → submitted → pre_reviewed → accepted | supplement_requested | not_accepted
 *   → in_review (parallel approvals) → approved | rejected → awaiting_payment → paid → producing
 *   → shipped | ready_for_pickup → completed; withdrawn from the early states.
 * A fee due on submission is paid between draft and submitted; one due after approval between
 * approved and producing; a free item skips both payment states.
 */
export type { CaseAction, CaseActor } from '@onevisit/shared-types';

export interface CaseFacts {
  feeDue: FeeDue;
  /** Whether the case has been approved (decides where a payment leads). */
  approved: boolean;
  /** The state a supplement request interrupted; answering resumes it. */
  resumeState: CaseState | null;
  /** 立即办 decided by the platform's own checks: the system may accept and approve it. */
  immediate: boolean;
}

interface Rule {
  from: readonly CaseState[];
  by: readonly CaseActor[];
  /** A further condition on the case, beyond its state. */
  when?: (facts: CaseFacts) => boolean;
  /** Actors allowed only when the case is decided automatically (立即办). */
  byWhenImmediate?: readonly CaseActor[];
  to: (facts: CaseFacts) => CaseState;
}

const REVIEWERS = ['staff', 'upstream'] as const;

const RULES: Record<CaseAction, Rule> = {
  submit: { from: ['draft'], by: ['citizen'], to: (f) => (f.feeDue === 'on_submission' ? 'awaiting_payment' : 'submitted') },
  payment_confirmed: { from: ['awaiting_payment'], by: ['system'], to: () => 'paid' },
  pre_review: { from: ['submitted'], by: [...REVIEWERS, 'system'], to: () => 'pre_reviewed' },
  accept: { from: ['submitted', 'pre_reviewed'], by: REVIEWERS, byWhenImmediate: ['system'], to: () => 'accepted' },
  request_supplement: { from: ['submitted', 'pre_reviewed', 'accepted', 'in_review'], by: REVIEWERS, to: () => 'supplement_requested' },
  answer_supplement: {
    from: ['supplement_requested'],
    by: ['citizen'],
    to: (f) => {
      if (!f.resumeState) throw new Error('a supplement answer needs the state it interrupted');
      return f.resumeState;
    },
  },
  not_accept: { from: ['submitted', 'pre_reviewed'], by: REVIEWERS, to: () => 'not_accepted' },
  start_review: { from: ['accepted'], by: [...REVIEWERS, 'system'], to: () => 'in_review' },
  approve: { from: ['accepted', 'in_review'], by: REVIEWERS, byWhenImmediate: ['system'], to: () => 'approved' },
  reject: { from: ['accepted', 'in_review'], by: REVIEWERS, to: () => 'rejected' },
  request_payment: { from: ['approved'], by: ['system'], when: (f) => f.feeDue === 'after_approval', to: () => 'awaiting_payment' },
  // A fee paid on submission sends the case to review; one paid after approval, to production.
  resume_after_payment: { from: ['paid'], by: ['system'], to: (f) => (f.approved ? 'producing' : 'submitted') },
  start_production: { from: ['approved'], by: ['system', 'staff', 'upstream'], when: (f) => f.feeDue !== 'after_approval', to: () => 'producing' },
  ship: { from: ['producing'], by: ['staff', 'upstream', 'system'], to: () => 'shipped' },
  ready_for_pickup: { from: ['producing'], by: ['staff', 'upstream', 'system'], to: () => 'ready_for_pickup' },
  complete: { from: ['producing', 'shipped', 'ready_for_pickup'], by: ['staff', 'upstream', 'system'], to: () => 'completed' },
  withdraw: { from: ['draft', 'submitted', 'pre_reviewed', 'awaiting_payment'], by: ['citizen'], to: () => 'withdrawn' },
  // A parcel's progress (in transit, out for delivery, returned) on the timeline; the state stays.
  delivery_update: { from: ['shipped'], by: ['system'], to: () => 'shipped' },
};

/**
 * The state `action` leads to from `state`, or CASE_TRANSITION_ILLEGAL (409) naming why. A
 * payment-awaiting case may only be withdrawn before review (fee due on submission).
 */
export function nextState(state: CaseState, action: CaseAction, actor: CaseActor, facts: CaseFacts): CaseState {
  const rule = RULES[action];
  const allowedActor = rule.by.includes(actor) || (facts.immediate && Boolean(rule.byWhenImmediate?.includes(actor)));
  if (!allowedActor) {
    throw new AppError('CASE_TRANSITION_ILLEGAL', `${actor} may not ${action} a case`, { state, action });
  }
  const withdrawingAfterApproval = action === 'withdraw' && state === 'awaiting_payment' && facts.approved;
  if (!rule.from.includes(state) || withdrawingAfterApproval || (rule.when && !rule.when(facts))) {
    throw new AppError('CASE_TRANSITION_ILLEGAL', `a case that is ${state} cannot ${action}`, { state, action });
  }
  return rule.to(facts);
}

/** Every action `actor` could take now: what the mini-program and the console offer as buttons. */
export function availableActions(state: CaseState, actor: CaseActor, facts: CaseFacts): CaseAction[] {
  return (Object.keys(RULES) as CaseAction[]).filter((action) => {
    try {
      nextState(state, action, actor, facts);
      return true;
    } catch {
      return false;
    }
  });
}
