import {
  CASE_ACTOR_NAMES,
  TERMINAL_CASE_STATES,
  UPSTREAM_SYSTEM_NAMES,
  type AnswerSupplementRequest,
  type ApplicationDetail,
  type ApplicationSummary,
  type CaseAction,
  type CaseActor,
  type CaseState,
  type CreateApplicationRequest,
  type FeeDue,
  type FormField,
  type MaterialRef,
  type Page,
  type PendingMaterial,
  type PendingMaterialDeclaration,
  type ServiceItem,
  type UpdateDraftRequest,
  type UpstreamSystemCode,
} from '@onevisit/shared-types';
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from '../../db';
import { fromDbTime, newId, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import { enqueue } from '../../outbox';
import type { PiiCipher } from '../../security/pii';
import type { CalendarService } from '../calendar/service';
import type { CatalogService } from '../catalog/service';
import type { IdentityService } from '../identity/service';
import type { CaseNumbers } from './caseNumbers';
import * as intake from './intake';
import { ApplicationRepo, CLOCKED_STATES, type CaseRow, type CaseEventRow, type SupplementRow, type UploadRow } from './repo';
import { availableActions, nextState, type CaseFacts } from './stateMachine';
import * as views from './views';

/** Who moves a case, as the timeline shows them. */
export interface CaseActorRef {
  type: CaseActor;
  id: string | null;
  name: string;
}

export const CITIZEN: CaseActorRef = { type: 'citizen', id: null, name: CASE_ACTOR_NAMES.citizen };
export const PLATFORM: CaseActorRef = { type: 'system', id: null, name: CASE_ACTOR_NAMES.system };
export const upstreamActor = (system: UpstreamSystemCode): CaseActorRef => ({ type: 'upstream', id: system, name: UPSTREAM_SYSTEM_NAMES[system] });

/** A citizen-visible transition, for the notifications capability (written in the same transaction). */
export interface CaseNotice {
  userId: string;
  caseNo: string;
  itemName: string;
  action: CaseAction;
  state: CaseState;
  note?: string;
  at: Date;
  eventId: string;
}
export interface CaseNotifier {
  enqueueCaseNotice(trx: Kysely<Tables>, notice: CaseNotice): Promise<unknown>;
}

/**
 * Another capability that keeps its own record of case events, written in the move's transaction
 * (the open API's partner feed and webhooks). Sees every event; filters for its audience itself.
 */
export interface CaseEventSink {
  recordCaseEvents(trx: Transaction<Tables>, c: { caseNo: string; itemCode: string }, events: CaseEventView[]): Promise<void>;
}
/** A timeline event with its id, as event sinks and the open API see it. */
export interface CaseEventView {
  eventId: string;
  at: string;
  action: CaseAction;
  state: CaseState;
  actor: CaseActorRef['type'];
  note: string | null;
  visible: boolean;
}

export const UPSTREAM_SUBMIT_TOPIC = 'upstream.submit';
/** A case with a fee ended without a result (refused, not accepted, withdrawn): payments refund what was paid. */
export const CASE_CLOSED_TOPIC = 'case.closed';
/** A case with a posted result went into production: delivery books the courier. */
export const CASE_POSTAL_PRODUCTION_TOPIC = 'case.postal_production';
const CLOSED_WITHOUT_RESULT: readonly CaseState[] = ['rejected', 'not_accepted', 'withdrawn'];
export const UPSTREAM_SUPPLEMENT_TOPIC = 'upstream.supplement';
/** The withdrawal's note when the citizen gives no reason (also what the department's system is told). */
export const DEFAULT_WITHDRAW_NOTE = '申请人撤回申请';
/** A withdrawn case its department's system holds: the bridge withdraws it there too. */
export const UPSTREAM_WITHDRAW_TOPIC = 'upstream.withdraw';

/** One withdrawal per case (dedupe key), whichever learns first that the system has it: the move or the bridge. */
export async function enqueueUpstreamWithdraw(trx: Kysely<Tables>, caseNo: string): Promise<void> {
  await enqueue(trx, { topic: UPSTREAM_WITHDRAW_TOPIC, dedupeKey: `${caseNo}:withdraw`, payload: { caseNo } });
}

export interface ApplicationServiceDeps {
  repo: ApplicationRepo;
  caseNumbers: CaseNumbers;
  catalog: CatalogService;
  identity: IdentityService;
  calendar: CalendarService;
  pii: PiiCipher;
  notifier?: CaseNotifier;
  now?: () => Date;
}

/** One step of a plan: an action and the state it reaches. */
interface PlannedEvent {
  action: CaseAction;
  state: CaseState;
  actor: CaseActorRef;
  note: string | null;
  visible: boolean;
  actionId: string | null;
}

/** What a move writes beyond the case row, inside its transaction. */
type ExtraWrite = (trx: Transaction<Tables>) => Promise<void>;

export interface MoveInput {
  action: CaseAction;
  actor: CaseActorRef;
  note?: string | null;
  visible?: boolean;
  /** Applied once per case: a retried click or re-delivered callback is a no-op. */
  actionId?: string | null;
  /** Changes to the row beyond the state (e.g. upstream ref). */
  changes?: Partial<CaseRow>;
  /** Rows written with the move (supplement, approvals, materials). */
  extra?: ExtraWrite;
  /** Supplement pauses as they will be after this move (for the deadline). */
  pauses?: (current: SupplementRow[]) => { from: Date; to: Date | null }[];
}

class VersionConflict extends Error {}

const OPEN_PAUSE = (s: SupplementRow) => ({ from: new Date(fromDbTime(s.requested_at)), to: s.answered_at ? new Date(fromDbTime(s.answered_at)) : null });
const DECIDED: readonly CaseState[] = ['approved', 'rejected', 'not_accepted', 'withdrawn'];
const MAX_MOVE_ATTEMPTS = 5;

/**
 * Cases (办件) from the first draft to the last step: intake checks, the state machine, the
 * deadline clock, the timeline, and the side effects that leave through the outbox (upstream
 * submissions, notices). Every change of state goes through `move`, which plans the whole chain
 * (an approval that leads straight to payment or production, an acceptance that opens parallel
 * approval) and writes it in one transaction guarded by the row's version.
 */
export class ApplicationService {
  private readonly repo: ApplicationRepo;
  private readonly now: () => Date;
  private readonly sinks: CaseEventSink[] = [];

  constructor(private readonly deps: ApplicationServiceDeps) {
    this.repo = deps.repo;
    this.now = deps.now ?? (() => new Date());
  }

  /** Registers a capability that records case events in the same transaction as each move. */
  addEventSink(sink: CaseEventSink): void {
    this.sinks.push(sink);
  }

  // ---- citizen: create, submit, read ----

  /** Creates (and by default submits) a case. The same idempotency key returns the same case. */
  async create(
    userId: string,
    request: CreateApplicationRequest,
    bundle?: { bundleCaseNo: string; formSchema: FormField[] },
    /** Written in the transaction that inserts the case (e.g. a partner's serial number → this case). */
    withCreate?: (trx: Transaction<Tables>, caseNo: string) => Promise<void>,
  ): Promise<{ detail: ApplicationDetail; created: boolean }> {
    const hash = intake.requestHash({ ...request, idempotencyKey: undefined });
    const replay = await this.replayOf(userId, request.idempotencyKey, hash);
    if (replay) return { detail: await this.detailFor(userId, replay.case_no), created: false };

    const item = await this.deps.catalog.requireItem(request.itemCode);
    if (!item.enabled) throw new AppError('ITEM_DISABLED', `${item.name}暂停网上办理`);
    await this.deps.identity.requireLevel(userId, item.itemCode);
    const prepared = await this.prepare(userId, item, request, request.submit !== false, bundle?.formSchema);
    const now = this.now();
    const caseNo = await this.deps.caseNumbers.next(item.itemCode, now);
    const row = this.newRow(userId, caseNo, item, request, prepared.form, hash, now, bundle?.bundleCaseNo ?? null);
    try {
      await this.repo.db.transaction().execute(async (trx) => {
        await this.repo.insertCase(trx, row);
        await this.attach(trx, caseNo, prepared.uploads, request.materials ?? [], 'submission', now);
        await this.repo.insertPending(trx, this.pendingRows(caseNo, request.pendingMaterials ?? []));
        await withCreate?.(trx, caseNo);
      });
    } catch (err) {
      // Two requests with one key raced: the loser answers with the winner's case.
      const winner = await this.replayOf(userId, request.idempotencyKey, hash);
      if (winner) return { detail: await this.detailFor(userId, winner.case_no), created: false };
      throw err;
    }
    if (request.submit !== false) await this.submitRow(caseNo, item);
    return { detail: await this.detailFor(userId, caseNo), created: true };
  }

  /** Updates a draft and submits it (or only saves it when `submit` is false). */
  async submitDraft(userId: string, caseNo: string, request: UpdateDraftRequest): Promise<ApplicationDetail> {
    const row = await this.ownCase(userId, caseNo);
    if (row.state !== 'draft') {
      // A retried submit of a case already submitted answers with the case as it is.
      if (request.submit !== false) return this.detailFor(userId, caseNo);
      throw new AppError('CASE_TRANSITION_ILLEGAL', 'only a draft can be edited', { state: row.state });
    }
    const item = await this.deps.catalog.requireItem(row.item_code);
    const full = { ...request, itemCode: row.item_code, idempotencyKey: row.idempotency_key };
    const prepared = await this.prepare(userId, item, full, request.submit !== false);
    const now = this.now();
    const { limitWorkingDays, limitHours } = intake.limitsFor(item, request.greenChannel === true);
    await this.repo.db.transaction().execute(async (trx) => {
      const ok = await this.repo.updateCase(trx, caseNo, row.version, {
        form_enc: this.deps.pii.encrypt('caseForm', JSON.stringify(prepared.form)),
        delivery_option: request.deliveryOption,
        green_channel: request.greenChannel ? 1 : 0,
        limit_working_days: limitWorkingDays,
        limit_hours: limitHours,
        updated_at: toDbTime(now),
      });
      if (!ok) throw new AppError('CONFLICT', 'the draft changed meanwhile; reload it');
      await this.repo.deleteMaterials(trx, caseNo);
      await this.repo.deletePending(trx, caseNo);
      await this.attach(trx, caseNo, prepared.uploads, request.materials ?? [], 'submission', now);
      await this.repo.insertPending(trx, this.pendingRows(caseNo, request.pendingMaterials ?? []));
    });
    if (request.submit !== false) await this.submitRow(caseNo, item);
    return this.detailFor(userId, caseNo);
  }

  async list(userId: string, status: 'all' | 'open' | 'closed', page: number, pageSize: number): Promise<Page<ApplicationSummary>> {
    const { rows, total } = await this.repo.listForUser(userId, status, TERMINAL_CASE_STATES, { page, pageSize });
    return { items: rows.map(views.summaryView), page, pageSize, total };
  }

  /** The citizen's own case; another citizen's case is as absent as a number never issued. */
  async detailFor(userId: string, caseNo: string): Promise<ApplicationDetail> {
    const row = await this.ownCase(userId, caseNo);
    const detail = await this.detail(row);
    return { ...detail, timeline: detail.timeline.filter((e) => e.visibleToCitizen), actions: this.citizenActions(row) };
  }

  async withdraw(userId: string, caseNo: string, reason: string | undefined): Promise<ApplicationDetail> {
    const row = await this.ownCase(userId, caseNo);
    if (row.state === 'withdrawn') return this.detailFor(userId, caseNo);
    await this.move(caseNo, { action: 'withdraw', actor: CITIZEN, note: reason ?? DEFAULT_WITHDRAW_NOTE });
    return this.detailFor(userId, caseNo);
  }

  /** 补正: answers the open supplement request; a second answer to the same request is a no-op. */
  async answerSupplement(userId: string, caseNo: string, request: AnswerSupplementRequest): Promise<ApplicationDetail> {
    const row = await this.ownCase(userId, caseNo);
    const supplements = await this.repo.supplements(caseNo);
    const target = supplements.find((s) => s.supplement_id === request.supplementId);
    if (!target) throw new AppError('SUPPLEMENT_NOT_OPEN', 'no such supplement request on this case');
    if (target.answered_at) return this.detailFor(userId, caseNo);
    const item = await this.deps.catalog.requireItem(row.item_code);
    const refs = request.materials ?? [];
    const uploads = await this.repo.uploadsOf(userId, refs.map((r) => r.uploadId));
    intake.checkMaterialRefs(item, refs, uploads);
    const form = request.formData ? intake.checkForm(item.formSchema, request.formData, this.now()) : null;
    const at = this.now();
    await this.move(caseNo, {
      action: 'answer_supplement',
      actor: CITIZEN,
      note: request.note ?? '已提交补正材料',
      actionId: `supplement:${target.supplement_id}`,
      changes: form ? { form_enc: this.deps.pii.encrypt('caseForm', JSON.stringify(form)) } : {},
      pauses: (current) => current.map((s) => (s.supplement_id === target.supplement_id ? { from: new Date(fromDbTime(s.requested_at)), to: at } : OPEN_PAUSE(s))),
      extra: async (trx) => {
        if (!(await this.repo.answerSupplement(trx, target.supplement_id, toDbTime(at), request.note ?? null))) throw new VersionConflict();
        await this.attach(trx, caseNo, uploads, refs, 'supplement', at);
        if (row.upstream_system) {
          await enqueue(trx, { topic: UPSTREAM_SUPPLEMENT_TOPIC, dedupeKey: `${caseNo}:${target.supplement_id}`, payload: { caseNo, supplementId: target.supplement_id } });
        }
      },
    });
    return this.detailFor(userId, caseNo);
  }

  /** 容缺: supplies a material accepted as pending. Supplying it twice changes nothing. */
  async supplyPending(userId: string, caseNo: string, ref: MaterialRef): Promise<ApplicationDetail> {
    const row = await this.ownCase(userId, caseNo);
    const pending = (await this.repo.pending(caseNo)).find((p) => p.material_name === ref.materialName);
    if (!pending) throw new AppError('PENDING_MATERIAL_NOT_FOUND', `“${ref.materialName}”不是待补交的材料`);
    if (pending.supplied_at) return this.detailFor(userId, caseNo);
    if ((TERMINAL_CASE_STATES as readonly string[]).includes(row.state)) throw new AppError('CASE_TRANSITION_ILLEGAL', 'this case is closed', { state: row.state });
    const uploads = await this.repo.uploadsOf(userId, [ref.uploadId]);
    if (!uploads.length) throw new AppError('UPLOAD_NOT_FOUND', '上传的文件找不到，请重新上传', { uploadIds: [ref.uploadId] });
    const now = this.now();
    await this.repo.db.transaction().execute(async (trx) => {
      // Two racing supplies of one material: the second finds it supplied and writes nothing.
      if (!(await this.repo.markPendingSupplied(trx, caseNo, ref.materialName, toDbTime(now)))) return;
      await this.attach(trx, caseNo, uploads, [ref], 'pending', now);
      await this.repo.touch(trx, caseNo, toDbTime(now));
    });
    return this.detailFor(userId, caseNo);
  }

  // ---- for the payments capability ----

  /** What paying a case needs to know, for its own applicant only (APPLICATION_NOT_FOUND otherwise). */
  async caseForPayment(userId: string, caseNo: string): Promise<{ caseNo: string; itemCode: string; itemName: string; state: CaseState; deliveryOption: string }> {
    const row = await this.ownCase(userId, caseNo);
    return { caseNo: row.case_no, itemCode: row.item_code, itemName: row.item_name, state: row.state as CaseState, deliveryOption: row.delivery_option };
  }

  /**
   * A payment confirmed by its channel moves the case on (paid, then review or production). False
   * when the case can no longer take it (withdrawn meanwhile): the caller refunds.
   */
  async confirmPayment(caseNo: string, orderNo: string, note: string): Promise<boolean> {
    try {
      await this.move(caseNo, { action: 'payment_confirmed', actor: PLATFORM, note, actionId: `paid:${orderNo}` });
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'CASE_TRANSITION_ILLEGAL') return false;
      throw err;
    }
  }

  // ---- for the delivery capability ----

  /**
   * A courier event on the case: picked up ships it, signed completes it, the rest (in transit,
   * out for delivery, returned) are timeline entries. The courier's event id applies it once.
   */
  async recordDelivery(caseNo: string, event: { eventId: string; status: 'picked_up' | 'in_transit' | 'out_for_delivery' | 'signed' | 'returned'; note: string }): Promise<void> {
    const action: CaseAction = event.status === 'picked_up' ? 'ship' : event.status === 'signed' ? 'complete' : 'delivery_update';
    await this.move(caseNo, { action, actor: PLATFORM, note: event.note, actionId: `courier:${event.eventId}` });
  }

  /** What posting a case's result needs: its applicant and item (the address is delivery's own). */
  async caseForDelivery(caseNo: string): Promise<{ caseNo: string; userId: string; itemName: string; state: CaseState; deliveryOption: string }> {
    const row = await this.requireCase(caseNo);
    return { caseNo: row.case_no, userId: row.user_id, itemName: row.item_name, state: row.state as CaseState, deliveryOption: row.delivery_option };
  }

  // ---- for the open API (partners act for the case's applicant) ----

  /** The case's progress as a partner platform sees it: visible timeline with event ids, pending materials. */
  async progress(caseNo: string): Promise<{ row: CaseRow; timeline: CaseEventView[]; pending: PendingMaterial[] }> {
    const row = await this.requireCase(caseNo);
    const [events, pending] = await Promise.all([this.repo.events(caseNo), this.repo.pending(caseNo)]);
    return { row, timeline: events.filter((e) => e.visible === 1).map(eventWithId), pending: pending.map(views.pendingView) };
  }

  // ---- shared reads ----

  async requireCase(caseNo: string): Promise<CaseRow> {
    const row = await this.repo.findCase(caseNo);
    if (!row) throw new AppError('APPLICATION_NOT_FOUND', `no case ${caseNo}`);
    return row;
  }

  private async ownCase(userId: string, caseNo: string): Promise<CaseRow> {
    const row = await this.repo.findCase(caseNo);
    if (!row || row.user_id !== userId) throw new AppError('APPLICATION_NOT_FOUND', `no case ${caseNo}`);
    return row;
  }

  /** Everything about a case, internal timeline events included; callers filter for their viewer. */
  async detail(row: CaseRow): Promise<ApplicationDetail> {
    const item = await this.deps.catalog.requireItem(row.item_code);
    const [events, materials, pending, supplements, approvals] = await Promise.all([
      this.repo.events(row.case_no),
      this.repo.materials(row.case_no),
      this.repo.pending(row.case_no),
      this.repo.supplements(row.case_no),
      this.repo.approvals(row.case_no),
    ]);
    const latest = supplements.at(-1);
    return {
      ...views.summaryView(row),
      formData: views.maskForm(item.formSchema, this.formOf(row)),
      deliveryOption: views.deliveryOf(row),
      materials: materials.map(views.materialView),
      pendingMaterials: pending.map(views.pendingView),
      supplement: latest ? views.supplementView(latest) : null,
      approvals: approvals.map(views.approvalView),
      timeline: events.map(views.eventView),
      actions: [],
    };
  }

  formOf(row: CaseRow): Record<string, unknown> {
    return JSON.parse(this.deps.pii.decrypt('caseForm', row.form_enc)) as Record<string, unknown>;
  }

  factsOf(row: CaseRow, item?: Pick<ServiceItem, 'handlingClass'>): CaseFacts {
    const immediate = (item?.handlingClass ?? row.handling_class) === 'immediate' && row.upstream_system === null;
    return { feeDue: row.fee_due as FeeDue, approved: row.approved === 1, resumeState: row.resume_state as CaseState | null, immediate };
  }

  private citizenActions(row: CaseRow): CaseAction[] {
    return availableActions(row.state as CaseState, 'citizen', this.factsOf(row)).filter((a) => a !== 'submit' || row.state === 'draft');
  }

  // ---- moving a case ----

  /**
   * Applies `input.action` and every automatic step that follows it, in one transaction. Reads
   * happen before the transaction (the embedded database has one connection); the write is
   * guarded by the row's version and retried from the start when another writer got there first.
   */
  async move(caseNo: string, input: MoveInput): Promise<CaseRow> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.moveOnce(caseNo, input);
      } catch (err) {
        if (!(err instanceof VersionConflict) || attempt >= MAX_MOVE_ATTEMPTS) {
          if (err instanceof VersionConflict) throw new AppError('CONFLICT', 'the case is being changed by someone else; try again');
          throw err;
        }
      }
    }
  }

  private async moveOnce(caseNo: string, input: MoveInput): Promise<CaseRow> {
    const row = await this.requireCase(caseNo);
    if (input.actionId && (await this.repo.findEventByActionId(caseNo, input.actionId))) return row;
    const item = await this.deps.catalog.requireItem(row.item_code);
    const at = this.now();
    const plan = this.plan(row, item, input);
    const last = plan.at(-1)!;
    const changes: Partial<CaseRow> = { ...this.stateChanges(row, plan, at), ...input.changes, state: last.state, updated_at: toDbTime(at) };
    Object.assign(changes, await this.clockChanges({ ...row, ...changes } as CaseRow, input, at));
    const events = plan.map((p, i): CaseEventRow => ({
      event_id: newId('evt'),
      case_no: caseNo,
      at: toDbTime(new Date(at.getTime() + i)),
      action: p.action,
      state: p.state,
      actor: p.actor.type,
      actor_id: p.actor.id,
      actor_name: p.actor.name,
      note: p.note,
      visible: p.visible ? 1 : 0,
      action_id: p.actionId,
    }));
    await this.repo.db.transaction().execute(async (trx) => {
      if (!(await this.repo.updateCase(trx, caseNo, row.version, changes))) throw new VersionConflict();
      await input.extra?.(trx);
      for (const event of events) await this.repo.insertEvent(trx, event);
      if (plan.some((p) => p.action === 'accept') && item.parallelApprovals?.length) {
        await this.repo.insertApprovals(trx, item.parallelApprovals.map((department) => ({ case_no: caseNo, department, decision: 'pending', note: null, decided_at: null, decided_by: null })));
      }
      // Reaching `submitted` (directly, or after a fee paid on submission) hands the case upstream.
      if (plan.some((p) => p.state === 'submitted') && row.upstream_system) {
        await enqueue(trx, { topic: UPSTREAM_SUBMIT_TOPIC, dedupeKey: `${caseNo}:submit`, payload: { caseNo } });
      }
      if (row.delivery_option === 'postal' && plan.some((p) => p.state === 'producing')) {
        await enqueue(trx, { topic: CASE_POSTAL_PRODUCTION_TOPIC, dedupeKey: caseNo, payload: { caseNo } });
      }
      // A case its system has must be withdrawn there too; one it never got is stopped by the
      // submit handler, and one whose reference arrives later is withdrawn by the bridge then.
      if (last.state === 'withdrawn' && row.upstream_ref) await enqueueUpstreamWithdraw(trx, caseNo);
      if (row.fee_due !== 'none' && plan.some((p) => CLOSED_WITHOUT_RESULT.includes(p.state))) {
        await enqueue(trx, { topic: CASE_CLOSED_TOPIC, dedupeKey: caseNo, payload: { caseNo } });
      }
      await this.notify(trx, row, events);
      for (const sink of this.sinks) await sink.recordCaseEvents(trx, { caseNo, itemCode: row.item_code }, events.map(eventWithId));
    });
    return { ...row, ...changes, version: row.version + 1 } as CaseRow;
  }

  /** The requested action, then the platform's automatic steps, each checked by the state machine. */
  private plan(row: CaseRow, item: ServiceItem, input: MoveInput): PlannedEvent[] {
    const facts = this.factsOf(row, item);
    const first: PlannedEvent = {
      action: input.action,
      state: nextState(row.state as CaseState, input.action, input.actor.type, facts),
      actor: input.actor,
      note: input.note ?? null,
      visible: input.visible ?? true,
      actionId: input.actionId ?? null,
    };
    const plan = [first];
    for (let prev = first, step = followUp(prev, row, item); step; step = followUp(prev, row, item)) {
      const approved = facts.approved || plan.some((p) => p.action === 'approve');
      const next: PlannedEvent = { action: step.action, state: nextState(prev.state, step.action, 'system', { ...facts, approved }), actor: PLATFORM, note: step.note, visible: true, actionId: null };
      plan.push(next);
      prev = next;
      if (plan.length > 8) throw new Error('case follow-ups did not settle');
    }
    return plan;
  }

  private stateChanges(row: CaseRow, plan: PlannedEvent[], at: Date): Partial<CaseRow> {
    const t = toDbTime(at);
    const changes: Partial<CaseRow> = {};
    for (const p of plan) {
      if (p.action === 'submit') changes.submitted_at = t;
      if (p.action === 'accept') changes.accepted_at = t;
      if (p.action === 'approve') changes.approved = 1;
      if (p.action === 'request_supplement') changes.resume_state = row.state;
      if (p.action === 'answer_supplement') changes.resume_state = null;
      if (DECIDED.includes(p.state) && !changes.decided_at && !row.decided_at) changes.decided_at = t;
    }
    return changes;
  }

  /** The deadline and its light after the move: the clock runs from acceptance, pauses for 补正. */
  private async clockChanges(after: CaseRow, input: MoveInput, at: Date): Promise<Partial<CaseRow>> {
    if (!(CLOCKED_STATES as readonly string[]).includes(after.state) || !after.accepted_at) return { deadline_at: null, clock: null };
    const current = await this.repo.supplements(after.case_no);
    const pauses = input.pauses ? input.pauses(current) : current.map(OPEN_PAUSE);
    const limit = after.limit_hours !== null ? { limitHours: after.limit_hours } : { limitWorkingDays: after.limit_working_days ?? 0 };
    const deadline = await this.deps.calendar.deadlineFor({ startedAt: new Date(fromDbTime(after.accepted_at)), ...limit, pauses, now: at });
    const clock = deadline.paused || after.state === 'supplement_requested' ? 'paused' : await this.deps.calendar.deadlineStatus(deadline.dueAt, at);
    return { deadline_at: toDbTime(deadline.dueAt), clock };
  }

  private async notify(trx: Transaction<Tables>, row: CaseRow, events: CaseEventRow[]): Promise<void> {
    if (!this.deps.notifier) return;
    for (const e of events) {
      if (e.visible !== 1) continue;
      await this.deps.notifier.enqueueCaseNotice(trx, {
        userId: row.user_id,
        caseNo: row.case_no,
        itemName: row.item_name,
        action: e.action as CaseAction,
        state: e.state as CaseState,
        note: e.note ?? undefined,
        at: new Date(fromDbTime(e.at)),
        eventId: e.event_id,
      });
    }
  }

  // ---- helpers of intake ----

  private async replayOf(userId: string, key: string, hash: string): Promise<CaseRow | undefined> {
    const existing = await this.repo.findByIdempotencyKey(userId, key);
    if (existing && existing.request_hash !== hash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for a different application', { caseNo: existing.case_no });
    }
    return existing;
  }

  /** Intake checks; a draft only needs its form to be well-formed where it is filled. */
  private async prepare(userId: string, item: ServiceItem, request: CreateApplicationRequest, submitting: boolean, formSchema: FormField[] = item.formSchema): Promise<{ form: Record<string, unknown>; uploads: UploadRow[] }> {
    const now = this.now();
    const refs = request.materials ?? [];
    const pending = request.pendingMaterials ?? [];
    intake.checkDelivery(item, request.deliveryOption);
    intake.checkGreenChannel(item, request.greenChannel === true);
    intake.checkPendingDeclarations(item, pending, now);
    const uploads = await this.repo.uploadsOf(userId, [...new Set(refs.map((r) => r.uploadId))]);
    intake.checkMaterialRefs(item, refs, uploads);
    if (!submitting) return { form: request.formData, uploads };
    intake.checkRequiredMaterials(item, refs, pending);
    return { form: intake.checkForm(formSchema, request.formData, now), uploads };
  }

  private newRow(userId: string, caseNo: string, item: ServiceItem, request: CreateApplicationRequest, form: Record<string, unknown>, hash: string, now: Date, bundleCaseNo: string | null): CaseRow {
    const t = toDbTime(now);
    const upstream = upstreamSystemOf(item);
    const { limitWorkingDays, limitHours } = intake.limitsFor(item, request.greenChannel === true);
    return {
      case_no: caseNo,
      user_id: userId,
      item_code: item.itemCode,
      item_name: item.name,
      bundle_case_no: bundleCaseNo,
      state: 'draft',
      handling_class: item.handlingClass,
      green_channel: request.greenChannel ? 1 : 0,
      fee_due: item.fee.amountFen > 0 ? item.fee.due : 'none',
      delivery_option: request.deliveryOption,
      form_enc: this.deps.pii.encrypt('caseForm', JSON.stringify(form)),
      upstream_system: upstream,
      upstream_ref: null,
      upstream_delivery: upstream ? 'waiting' : 'in_house',
      idempotency_key: request.idempotencyKey,
      request_hash: hash,
      approved: 0,
      resume_state: null,
      limit_working_days: limitWorkingDays,
      limit_hours: limitHours,
      deadline_at: null,
      clock: null,
      version: 0,
      created_at: t,
      submitted_at: null,
      accepted_at: null,
      decided_at: null,
      updated_at: t,
    };
  }

  private async submitRow(caseNo: string, item: ServiceItem): Promise<void> {
    await this.move(caseNo, { action: 'submit', actor: CITIZEN, note: item.handlingClass === 'immediate' ? '立即办：提交后自动审核' : null, actionId: `submit:${caseNo}` });
  }

  private async attach(trx: Transaction<Tables>, caseNo: string, uploads: UploadRow[], refs: MaterialRef[], source: 'submission' | 'supplement' | 'pending', at: Date): Promise<void> {
    const byId = new Map(uploads.map((u) => [u.upload_id, u]));
    const seen = new Set<string>();
    const rows = refs.flatMap((r) => {
      const u = byId.get(r.uploadId);
      if (!u || seen.has(u.upload_id)) return [];
      seen.add(u.upload_id);
      return [{ case_no: caseNo, upload_id: u.upload_id, material_name: r.materialName, file_name: u.file_name, content_type: u.content_type, bytes: u.bytes, sha256: u.sha256, storage_key: u.storage_key, source, attached_at: toDbTime(at) }];
    });
    // A re-attached upload (the same file answering a supplement) stays as it was first attached.
    const existing = new Set((await this.repo.materials(caseNo, trx)).map((m) => m.upload_id));
    await this.repo.insertMaterials(trx, rows.filter((r) => !existing.has(r.upload_id)));
  }

  private pendingRows(caseNo: string, pending: PendingMaterialDeclaration[]) {
    return pending.map((p) => ({ case_no: caseNo, material_name: p.materialName, promised_by: p.promisedBy, supplied_at: null }));
  }
}

/** The departments' systems handle their domains' items; every other item is handled in-house. */
export function upstreamSystemOf(item: Pick<ServiceItem, 'domain'>): UpstreamSystemCode | null {
  return item.domain in UPSTREAM_SYSTEM_NAMES ? (item.domain as UpstreamSystemCode) : null;
}

/**
 * The platform's automatic next step after `action` brought a case to `state`, if any:
 * - 立即办 in-house items are accepted and approved on submission;
 * - an approved case goes to payment (fee after approval) or straight to production;
 * - an electronic result is issued at once, completing the case.
 */
function followUp({ state, action }: Pick<PlannedEvent, 'state' | 'action'>, row: CaseRow, item: ServiceItem): { action: CaseAction; note: string | null } | null {
  const immediate = item.handlingClass === 'immediate' && row.upstream_system === null;
  if (state === 'submitted' && immediate) return { action: 'accept', note: '立即办：系统自动受理' };
  if (state === 'accepted' && action === 'accept' && immediate) return { action: 'approve', note: '立即办：系统核验通过' };
  if (state === 'accepted' && action === 'accept' && item.parallelApprovals?.length) return { action: 'start_review', note: `并联审批：${item.parallelApprovals.join('、')}` };
  if (state === 'paid') return { action: 'resume_after_payment', note: row.approved === 1 ? '缴费完成，开始制证' : '缴费完成，进入审核' };
  if (state === 'approved') {
    if (row.fee_due === 'after_approval') return { action: 'request_payment', note: '审批通过，请缴纳费用' };
    return { action: 'start_production', note: null };
  }
  if (state === 'producing' && row.delivery_option === 'electronic') return { action: 'complete', note: '电子证明已签发，可在“我的办件”中查看' };
  return null;
}

function eventWithId(e: CaseEventRow): CaseEventView {
  return { eventId: e.event_id, at: fromDbTime(e.at), action: e.action as CaseAction, state: e.state as CaseState, actor: e.actor as CaseActorRef['type'], note: e.note, visible: e.visible === 1 };
}
