import type { CaseState, FeeDue } from '@onevisit/shared-types';
import { availableActions, nextState, type CaseAction, type CaseActor, type CaseFacts } from './stateMachine';

const facts = (feeDue: FeeDue, approved = false, resumeState: CaseState | null = null, immediate = false): CaseFacts => ({ feeDue, approved, resumeState, immediate });

/** Walks a path of [action, actor] steps, tracking approval and supplements as the service would. */
function walk(feeDue: FeeDue, steps: [CaseAction, CaseActor][]): CaseState[] {
  let state: CaseState = 'draft';
  let approved = false;
  let resume: CaseState | null = null;
  const seen: CaseState[] = [state];
  for (const [action, actor] of steps) {
    if (action === 'request_supplement') resume = state;
    state = nextState(state, action, actor, facts(feeDue, approved, resume));
    if (state === 'approved') approved = true;
    seen.push(state);
  }
  return seen;
}

describe('case state machine', () => {
  it('a free item: straight through review to postal completion', () => {
    expect(
      walk('none', [
        ['submit', 'citizen'],
        ['pre_review', 'system'],
        ['accept', 'staff'],
        ['start_review', 'system'],
        ['approve', 'staff'],
        ['start_production', 'system'],
        ['ship', 'system'],
        ['complete', 'system'],
      ]),
    ).toEqual(['draft', 'submitted', 'pre_reviewed', 'accepted', 'in_review', 'approved', 'producing', 'shipped', 'completed']);
  });

  it('a fee due on submission is paid before review', () => {
    expect(walk('on_submission', [['submit', 'citizen'], ['payment_confirmed', 'system'], ['resume_after_payment', 'system'], ['accept', 'upstream']])).toEqual([
      'draft',
      'awaiting_payment',
      'paid',
      'submitted',
      'accepted',
    ]);
  });

  it('a fee due after approval is paid before production; production cannot skip it', () => {
    const path = walk('after_approval', [['submit', 'citizen'], ['accept', 'upstream'], ['approve', 'upstream'], ['request_payment', 'system'], ['payment_confirmed', 'system'], ['resume_after_payment', 'system']]);
    expect(path.slice(-4)).toEqual(['approved', 'awaiting_payment', 'paid', 'producing']);
    expect(() => nextState('approved', 'start_production', 'system', facts('after_approval', true))).toThrow(/cannot start_production/);
    expect(() => nextState('approved', 'request_payment', 'system', facts('none', true))).toThrow(/cannot request_payment/);
  });

  it('a supplement interrupts and resumes the state it interrupted', () => {
    expect(walk('none', [['submit', 'citizen'], ['accept', 'staff'], ['start_review', 'staff'], ['request_supplement', 'upstream'], ['answer_supplement', 'citizen'], ['approve', 'upstream']]).slice(-3)).toEqual([
      'supplement_requested',
      'in_review',
      'approved',
    ]);
  });

  it('withdrawal only from the early states, and not once approved', () => {
    for (const state of ['draft', 'submitted', 'pre_reviewed'] as CaseState[]) expect(nextState(state, 'withdraw', 'citizen', facts('none'))).toBe('withdrawn');
    expect(nextState('awaiting_payment', 'withdraw', 'citizen', facts('on_submission'))).toBe('withdrawn');
    expect(() => nextState('awaiting_payment', 'withdraw', 'citizen', facts('after_approval', true))).toThrow();
    for (const state of ['accepted', 'in_review', 'approved', 'producing', 'completed'] as CaseState[]) {
      expect(() => nextState(state, 'withdraw', 'citizen', facts('none'))).toThrow(expect.objectContaining({ code: 'CASE_TRANSITION_ILLEGAL' }));
    }
  });

  it('refuses illegal transitions and actors: approving a withdrawn case, a citizen approving', () => {
    expect(() => nextState('withdrawn', 'approve', 'staff', facts('none'))).toThrow(expect.objectContaining({ code: 'CASE_TRANSITION_ILLEGAL', status: 409 }));
    expect(() => nextState('in_review', 'approve', 'citizen', facts('none'))).toThrow(/citizen may not approve/);
    expect(() => nextState('draft', 'submit', 'staff', facts('none'))).toThrow();
  });

  it('terminal states offer nothing; each state offers its actor the right buttons', () => {
    for (const state of ['not_accepted', 'rejected', 'completed', 'withdrawn'] as CaseState[]) {
      for (const actor of ['citizen', 'staff', 'upstream', 'system'] as CaseActor[]) expect(availableActions(state, actor, facts('none', true))).toEqual([]);
    }
    expect(availableActions('submitted', 'citizen', facts('none'))).toEqual(['withdraw']);
    expect(availableActions('in_review', 'staff', facts('none')).sort()).toEqual(['approve', 'reject', 'request_supplement']);
    expect(availableActions('supplement_requested', 'citizen', facts('none', false, 'accepted'))).toEqual(['answer_supplement']);
  });

  it('lets the platform itself accept and approve only 立即办 cases', () => {
    expect(() => nextState('submitted', 'accept', 'system', facts('none'))).toThrow(/system may not accept/);
    expect(nextState('submitted', 'accept', 'system', facts('none', false, null, true))).toBe('accepted');
    expect(() => nextState('accepted', 'approve', 'system', facts('none'))).toThrow(/system may not approve/);
    expect(nextState('accepted', 'approve', 'system', facts('none', false, null, true))).toBe('approved');
    expect(() => nextState('accepted', 'reject', 'system', facts('none', false, null, true))).toThrow(/system may not reject/);
  });
});
