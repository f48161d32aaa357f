import type { Fee } from '@onevisit/shared-types/client';
import { IdempotencyKeeper } from '../../applications/idempotency';
import type { ApplicationErrors, ApplyState, ApplyTarget } from '../../applications/submission';

/**
 * The application being filled in, handed from the form to the review page (pages cannot pass
 * objects to each other). Kept in memory only: identity numbers never reach storage, and a reload
 * starts the form again. One application at a time: opening another form replaces it.
 */
export interface ApplySession {
  /** `item:<itemCode>`, `bundle:<bundleCode>` or `case:<caseNo>` (the review page's `target`). */
  key: string;
  target: ApplyTarget;
  /** The item's fee, shown on the review page. */
  fee?: Fee;
  state: ApplyState;
  /** One idempotency key per attempt; the same while the citizen retries the same request. */
  keeper: IdempotencyKeeper;
  /** What the BFF refused, for the form to show when the citizen goes back to it. */
  serverErrors?: ApplicationErrors & { message?: string };
  /** Set once submitted: the form shows the case instead of submitting again. */
  submitted?: { caseNo?: string; bundleCaseNo?: string };
}

let current: ApplySession | undefined;

export function targetKey(target: Pick<ApplyTarget, 'kind' | 'code' | 'caseNo'>): string {
  if (target.caseNo) return `case:${target.caseNo}`;
  return `${target.kind}:${target.code}`;
}

export const applyStore = {
  get(key: string): ApplySession | undefined {
    return current && current.key === key ? current : undefined;
  },
  /** Starts or updates the application of `target`, keeping its idempotency keeper. */
  save(target: ApplyTarget, state: ApplyState, fee?: Fee): ApplySession {
    const key = targetKey(target);
    if (current && current.key === key && !current.submitted) {
      current.target = target;
      current.state = state;
      current.fee = fee;
      current.serverErrors = undefined;
      return current;
    }
    current = { key, target, state, ...(fee ? { fee } : {}), keeper: new IdempotencyKeeper() };
    return current;
  },
  clear(key?: string): void {
    if (!key || current?.key === key) current = undefined;
  },
};
