import { UPSTREAM_SYSTEM_NAMES, type CaseAction, type UpstreamSystemCode } from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import { UPSTREAM_ALREADY_DECIDED, type UpstreamPort, type UpstreamStatus } from '../../adapters/upstream';
import { formatShanghai } from '../calendar/dates';
import { fromDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Logger } from '../../logger';
import { PermanentFailure, type OutboxDispatcher } from '../../outbox';
import type { IdentityService } from '../identity/service';
import { supplementInput } from './desk';
import type { ApplicationRepo, CaseRow } from './repo';
import {
  DEFAULT_WITHDRAW_NOTE,
  enqueueUpstreamWithdraw,
  upstreamActor,
  UPSTREAM_SUBMIT_TOPIC,
  UPSTREAM_SUPPLEMENT_TOPIC,
  UPSTREAM_WITHDRAW_TOPIC,
  type ApplicationService,
  type MoveInput,
} from './service';

/** What a status callback did: applied, already applied, or refused because the case cannot take it. */
export type CallbackOutcome = 'applied' | 'duplicate' | 'unknown_case' | 'wrong_system' | 'illegal';

const DECISION_ACTIONS: Record<Exclude<UpstreamStatus['status'], 'received'>, CaseAction> = {
  accepted: 'accept',
  supplement_requested: 'request_supplement',
  not_accepted: 'not_accept',
  approved: 'approve',
  rejected: 'reject',
};

/**
 * The applications capability's link to the departments' business systems: outbox handlers that
 * hand cases (and supplement answers, and withdrawals) upstream, and the status events that come
 * back through the signed callback, applied to the case by the same state machine as everything else.
 * Until the submission is delivered the citizen sees "submitted, waiting for the department's
 * system" (`upstream: waiting`); the outbox retries with backoff and dead-letters in the end.
 */
export class UpstreamBridge {
  constructor(
    private readonly cases: ApplicationService,
    private readonly repo: ApplicationRepo,
    private readonly identity: IdentityService,
    private readonly port: UpstreamPort,
    private readonly logger: Logger,
  ) {}

  register(dispatcher: OutboxDispatcher): void {
    dispatcher.register<{ caseNo: string }>(UPSTREAM_SUBMIT_TOPIC, (p) => this.submit(p.caseNo));
    dispatcher.register<{ caseNo: string; supplementId: string }>(UPSTREAM_SUPPLEMENT_TOPIC, (p) => this.answerSupplement(p.caseNo, p.supplementId));
    dispatcher.register<{ caseNo: string }>(UPSTREAM_WITHDRAW_TOPIC, (p) => this.withdraw(p.caseNo));
  }

  /** Outbox handler: sends the case to its system (idempotent there by case number). */
  async submit(caseNo: string): Promise<void> {
    const row = await this.caseFor(caseNo);
    if (row.upstream_delivery === 'delivered') return;
    // Withdrawn before it got there: never send it. (Should the system have it after all, its answer
    // lost, its `received` callback brings the reference and `received` withdraws it there.)
    if (row.state === 'withdrawn') return;
    const applicant = await this.identity.applicantIdentity(row.user_id);
    if (!applicant) throw new PermanentFailure('the applicant has no real-name record; the case cannot go upstream');
    const materials = (await this.repo.materials(caseNo)).map((m) => ({ name: m.material_name, sha256: m.sha256, mime: m.content_type, bytes: m.bytes }));
    const { upstreamRef } = await this.call(() =>
      this.port.submit(this.systemOf(row), {
        caseNo,
        itemCode: row.item_code,
        applicant: { name: applicant.name, idNumber: applicant.idNumber, ...(applicant.phone ? { phone: applicant.phone } : {}) },
        form: this.cases.formOf(row),
        materials,
        submittedAt: isoWithOffset(row.submitted_at ?? row.created_at),
      }),
    );
    await this.received(caseNo, upstreamRef, null);
  }

  /** Outbox handler: forwards a supplement answer (补正) with the materials attached since. */
  async answerSupplement(caseNo: string, supplementId: string): Promise<void> {
    const row = await this.caseFor(caseNo);
    if (!row.upstream_ref) throw new Error('the case has not reached its system yet; retry after the submission');
    const supplement = (await this.repo.supplements(caseNo)).find((s) => s.supplement_id === supplementId);
    if (!supplement?.answered_at) throw new PermanentFailure('no answered supplement to forward');
    const materials = (await this.repo.materials(caseNo)).filter((m) => m.source === 'supplement' && m.attached_at >= supplement.requested_at);
    if (!materials.length) return; // answered with a note only: the upstream protocol carries materials
    await this.call(() =>
      this.port.answerSupplement(
        this.systemOf(row),
        row.upstream_ref!,
        materials.map((m) => ({ name: m.material_name, sha256: m.sha256, mime: m.content_type, bytes: m.bytes })),
        supplement.answer_note ?? undefined,
      ),
    );
  }

  /**
   * Outbox handler: withdraws a withdrawn case in its system too, so the department stops work on
   * it (idempotent there). Too late there (already decided) or otherwise refused → dead letter, for
   * ops to settle with the department; the channel's failures are retried.
   */
  async withdraw(caseNo: string): Promise<void> {
    const row = await this.caseFor(caseNo);
    const upstreamRef = row.upstream_ref;
    if (!upstreamRef) return; // never reached its system: the submit handler skips withdrawn cases
    const system = this.systemOf(row);
    const reason = (await this.repo.events(caseNo)).findLast((e) => e.action === 'withdraw')?.note ?? DEFAULT_WITHDRAW_NOTE;
    try {
      const { outcome } = await this.call(() => this.port.withdraw(system, upstreamRef, reason), withdrawalRefusal);
      // No timeline entry: the timeline has no action for a note without a transition.
      this.logger.info({ caseNo, system, upstreamRef, outcome }, "case withdrawn in its department's system too");
    } catch (err) {
      if (err instanceof PermanentFailure) this.logger.warn({ caseNo, system, upstreamRef, error: err.message }, "case withdrawn here but NOT in its department's system");
      throw err;
    }
  }

  /** A verified status event from a system. Re-deliveries (same eventId) change nothing. */
  async apply(system: UpstreamSystemCode, event: UpstreamStatus): Promise<CallbackOutcome> {
    const row = await this.repo.findCase(event.caseNo);
    if (!row) return 'unknown_case';
    if (row.upstream_system !== system) return 'wrong_system';
    if (await this.repo.findEventByActionId(row.case_no, event.eventId)) return 'duplicate';
    if (event.status === 'received') {
      await this.received(row.case_no, event.upstreamRef, event.eventId);
      return 'applied';
    }
    const action = DECISION_ACTIONS[event.status];
    const base: MoveInput = {
      action,
      actor: upstreamActor(system),
      note: event.note ?? null,
      actionId: event.eventId,
      changes: row.upstream_delivery === 'delivered' ? {} : { upstream_ref: event.upstreamRef, upstream_delivery: 'delivered' },
    };
    const input = action === 'request_supplement' ? supplementInput(this.repo, row.case_no, event.supplementReasons?.length ? event.supplementReasons : [event.note ?? '请按要求补正材料'], base) : base;
    try {
      await this.cases.move(row.case_no, input);
      return 'applied';
    } catch (err) {
      if (err instanceof AppError && err.code === 'CASE_TRANSITION_ILLEGAL') {
        this.logger.warn({ caseNo: row.case_no, status: event.status, state: row.state }, 'upstream event does not fit the case state');
        return 'illegal';
      }
      throw err;
    }
  }

  /**
   * The system has the case: remember its reference; a case still `submitted` is pre-reviewed. A
   * case the citizen withdrew before the system's answer (or its `received` callback) came is
   * withdrawn there too: the move that withdrew it could not, knowing no reference yet.
   */
  private async received(caseNo: string, upstreamRef: string, eventId: string | null): Promise<void> {
    let row = await this.caseFor(caseNo);
    if (row.state === 'submitted') {
      if (await this.preReview(row, upstreamRef, eventId)) return;
      row = await this.caseFor(caseNo); // withdrawn meanwhile
    }
    if (row.upstream_delivery === 'delivered') return;
    const withdrawn = row.state === 'withdrawn';
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.setUpstream(caseNo, upstreamRef, trx);
      if (withdrawn) await enqueueUpstreamWithdraw(trx, caseNo);
    });
  }

  /** Pre-reviews a `submitted` case on its system's word; false when it left `submitted` meanwhile. */
  private async preReview(row: CaseRow, upstreamRef: string, eventId: string | null): Promise<boolean> {
    const system = this.systemOf(row);
    try {
      await this.cases.move(row.case_no, {
        action: 'pre_review',
        actor: upstreamActor(system),
        note: `${UPSTREAM_SYSTEM_NAMES[system]}已接收，业务编号 ${upstreamRef}`,
        actionId: eventId ?? `received:${row.case_no}`,
        changes: { upstream_ref: upstreamRef, upstream_delivery: 'delivered' },
      });
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'CASE_TRANSITION_ILLEGAL') return false;
      throw err;
    }
  }

  private async caseFor(caseNo: string): Promise<CaseRow> {
    const row = await this.repo.findCase(caseNo);
    if (!row) throw new PermanentFailure('the case no longer exists');
    return row;
  }

  private systemOf(row: CaseRow): UpstreamSystemCode {
    if (!row.upstream_system) throw new PermanentFailure('the case is handled in-house');
    return row.upstream_system as UpstreamSystemCode;
  }

  /** A refusal of the request itself will not improve with retries; the channel's failures will. */
  private async call<T>(fn: () => Promise<T>, refusal: (code: string) => string = (code) => `the department's system refused the case (${code})`): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected') throw new PermanentFailure(refusal(err.upstreamCode), { cause: err });
      throw err;
    }
  }
}

/** What the dead letter tells ops (it is all they see in the console). */
function withdrawalRefusal(code: string): string {
  if (code === UPSTREAM_ALREADY_DECIDED) return `the department's system had already decided the case (${code}), so it was not withdrawn there; settle it with the department`;
  return `the department's system refused the withdrawal (${code})`;
}

function isoWithOffset(dbTime: string): string {
  // 2026-11-28 17:00:00 in Shanghai → 2026-11-28T17:00:00+08:00, as the upstream protocol wants.
  return `${formatShanghai(new Date(fromDbTime(dbTime))).replace(' ', 'T')}+08:00`;
}
