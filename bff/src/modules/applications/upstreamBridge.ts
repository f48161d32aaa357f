import { UPSTREAM_SYSTEM_NAMES, type CaseAction, type UpstreamSystemCode } from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import type { UpstreamPort, UpstreamStatus } from '../../adapters/upstream';
import { formatShanghai } from '../calendar/dates';
import { fromDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Logger } from '../../logger';
import { PermanentFailure, type OutboxDispatcher } from '../../outbox';
import type { IdentityService } from '../identity/service';
import { supplementInput } from './desk';
import type { ApplicationRepo, CaseRow } from './repo';
import { upstreamActor, UPSTREAM_SUBMIT_TOPIC, UPSTREAM_SUPPLEMENT_TOPIC, type ApplicationService, type MoveInput } from './service';

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
 * hand cases (and supplement answers) upstream, and the status events that come back through the
 * signed callback, applied to the case by the same state machine as everything else.
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
  }

  /** Outbox handler: sends the case to its system (idempotent there by case number). */
  async submit(caseNo: string): Promise<void> {
    const row = await this.caseFor(caseNo);
    if (row.upstream_delivery === 'delivered') return;
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

  /** The system has the case: remember its reference; a case still `submitted` is pre-reviewed. */
  private async received(caseNo: string, upstreamRef: string, eventId: string | null): Promise<void> {
    const row = await this.caseFor(caseNo);
    const system = this.systemOf(row);
    const changes = { upstream_ref: upstreamRef, upstream_delivery: 'delivered' };
    if (row.state === 'submitted') {
      await this.cases.move(caseNo, {
        action: 'pre_review',
        actor: upstreamActor(system),
        note: `${UPSTREAM_SYSTEM_NAMES[system]}已接收，业务编号 ${upstreamRef}`,
        actionId: eventId ?? `received:${caseNo}`,
        changes,
      });
    } else if (row.upstream_delivery !== 'delivered') {
      await this.repo.setUpstream(caseNo, upstreamRef);
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
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected') throw new PermanentFailure(`the department's system refused the case (${err.upstreamCode})`, { cause: err });
      throw err;
    }
  }
}

function isoWithOffset(dbTime: string): string {
  // 2026-11-28 17:00:00 in Shanghai → 2026-11-28T17:00:00+08:00, as the upstream protocol wants.
  return `${formatShanghai(new Date(fromDbTime(dbTime))).replace(' ', 'T')}+08:00`;
}
