import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Tables } from '../../db';
import type { DialectName } from '../../db/sql';
import './tables';
import type {
  BundleCasesTable,
  CaseApprovalsTable,
  CaseEventsTable,
  CaseMaterialsTable,
  CasePendingMaterialsTable,
  CasesTable,
  CaseSupplementsTable,
  CaseUploadsTable,
} from './tables';

export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type UploadRow = Selectable<CaseUploadsTable>;
export type CaseMaterialRow = Selectable<CaseMaterialsTable>;
export type PendingMaterialRow = Selectable<CasePendingMaterialsTable>;
export type SupplementRow = Selectable<CaseSupplementsTable>;
export type ApprovalRow = Selectable<CaseApprovalsTable>;
export type BundleRow = Selectable<BundleCasesTable>;

type Db = Kysely<Tables> | Transaction<Tables>;

/** States in which an approver in the console has something to do. */
export const QUEUE_STATES = ['submitted', 'pre_reviewed', 'accepted', 'in_review'] as const;
/** States whose deadline clock runs (or is paused) and the sweep watches. */
export const CLOCKED_STATES = ['accepted', 'in_review', 'supplement_requested'] as const;

export interface CasePageQuery {
  page: number;
  pageSize: number;
}

/** The SQL of cases, timelines, materials and bundles. Rules live in the service. */
export class ApplicationRepo {
  constructor(
    readonly db: Kysely<Tables>,
    readonly dialect: DialectName,
  ) {}

  // ---- cases ----

  async insertCase(trx: Db, row: CaseRow): Promise<void> {
    await trx.insertInto('cases').values(row).execute();
  }

  async findCase(caseNo: string, trx: Db = this.db): Promise<CaseRow | undefined> {
    return trx.selectFrom('cases').selectAll().where('case_no', '=', caseNo).executeTakeFirst();
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<CaseRow | undefined> {
    return this.db.selectFrom('cases').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  /** Optimistic write: false when someone else moved the case since `version` was read. */
  async updateCase(trx: Db, caseNo: string, version: number, changes: Partial<Omit<CaseRow, 'case_no' | 'version'>>): Promise<boolean> {
    const result = await trx
      .updateTable('cases')
      .set({ ...changes, version: version + 1 })
      .where('case_no', '=', caseNo)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The system has the case (a late acknowledgement of a case that already moved on). */
  async setUpstream(caseNo: string, upstreamRef: string, trx: Db = this.db): Promise<void> {
    await trx.updateTable('cases').set({ upstream_ref: upstreamRef, upstream_delivery: 'delivered' }).where('case_no', '=', caseNo).execute();
  }

  /** Marks a change that is not a transition (a pending material supplied). */
  async touch(trx: Db, caseNo: string, at: string): Promise<void> {
    await trx.updateTable('cases').set({ updated_at: at }).where('case_no', '=', caseNo).execute();
  }

  async listForUser(userId: string, status: 'all' | 'open' | 'closed', terminal: readonly string[], q: CasePageQuery): Promise<{ rows: CaseRow[]; total: number }> {
    let base = this.db.selectFrom('cases').where('user_id', '=', userId);
    if (status === 'open') base = base.where('state', 'not in', [...terminal]);
    if (status === 'closed') base = base.where('state', 'in', [...terminal]);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('case_no', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /**
   * The console's list: `todo` = in-house cases an approver must act on, the nearest deadline
   * first (cases not yet accepted have no deadline and come after, oldest submission first).
   */
  async queue(view: 'todo' | 'all', filter: { caseNo?: string; state?: string }, q: CasePageQuery): Promise<{ rows: CaseRow[]; total: number }> {
    let base = this.db.selectFrom('cases').where('state', '!=', 'draft');
    if (view === 'todo') base = base.where('upstream_system', 'is', null).where('state', 'in', [...QUEUE_STATES]);
    if (filter.caseNo) base = base.where('case_no', '=', filter.caseNo);
    if (filter.state) base = base.where('state', '=', filter.state);
    const ordered =
      view === 'todo'
        ? base
            .selectAll()
            .orderBy((eb) => eb.case().when('deadline_at', 'is', null).then(1).else(0).end())
            .orderBy('deadline_at', 'asc')
            .orderBy('submitted_at', 'asc')
        : base.selectAll().orderBy('updated_at', 'desc');
    const [rows, count] = await Promise.all([
      ordered
        .orderBy('case_no', 'asc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** Clocked cases whose light may have to change: due before `horizon` and not yet red. */
  async casesForSweep(horizon: string, limit: number): Promise<Pick<CaseRow, 'case_no' | 'clock' | 'deadline_at' | 'state'>[]> {
    return this.db
      .selectFrom('cases')
      .select(['case_no', 'clock', 'deadline_at', 'state'])
      .where('deadline_at', 'is not', null)
      .where('deadline_at', '<=', horizon)
      .where('state', 'in', [...CLOCKED_STATES])
      .where((eb) => eb.or([eb('clock', 'is', null), eb('clock', 'not in', ['red', 'paused'])]))
      .orderBy('deadline_at', 'asc')
      .limit(limit)
      .execute();
  }

  /** Compare-and-set of the light: only one of several sweeping processes wins each change. */
  async setClock(caseNo: string, from: string | null, to: string): Promise<boolean> {
    let q = this.db.updateTable('cases').set({ clock: to }).where('case_no', '=', caseNo);
    q = from === null ? q.where('clock', 'is', null) : q.where('clock', '=', from);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // ---- timeline ----

  async insertEvent(trx: Db, row: CaseEventRow): Promise<void> {
    await trx.insertInto('case_events').values(row).execute();
  }

  async findEventByActionId(caseNo: string, actionId: string, trx: Db = this.db): Promise<CaseEventRow | undefined> {
    return trx.selectFrom('case_events').selectAll().where('case_no', '=', caseNo).where('action_id', '=', actionId).executeTakeFirst();
  }

  async events(caseNo: string): Promise<CaseEventRow[]> {
    return this.db.selectFrom('case_events').selectAll().where('case_no', '=', caseNo).orderBy('at', 'asc').orderBy('event_id', 'asc').execute();
  }

  // ---- uploads and materials ----

  async insertUpload(row: UploadRow): Promise<void> {
    await this.db.insertInto('case_uploads').values(row).execute();
  }

  async uploadsOf(userId: string, uploadIds: string[], trx: Db = this.db): Promise<UploadRow[]> {
    if (!uploadIds.length) return [];
    return trx.selectFrom('case_uploads').selectAll().where('user_id', '=', userId).where('upload_id', 'in', uploadIds).execute();
  }

  async insertMaterials(trx: Db, rows: CaseMaterialRow[]): Promise<void> {
    if (rows.length) await trx.insertInto('case_materials').values(rows).execute();
  }

  async materials(caseNo: string, trx: Db = this.db): Promise<CaseMaterialRow[]> {
    return trx.selectFrom('case_materials').selectAll().where('case_no', '=', caseNo).orderBy('attached_at', 'asc').orderBy('upload_id', 'asc').execute();
  }

  async deleteMaterials(trx: Db, caseNo: string): Promise<void> {
    await trx.deleteFrom('case_materials').where('case_no', '=', caseNo).execute();
  }

  // ---- 容缺: pending materials ----

  async insertPending(trx: Db, rows: PendingMaterialRow[]): Promise<void> {
    if (rows.length) await trx.insertInto('case_pending_materials').values(rows).execute();
  }

  async deletePending(trx: Db, caseNo: string): Promise<void> {
    await trx.deleteFrom('case_pending_materials').where('case_no', '=', caseNo).execute();
  }

  async pending(caseNo: string, trx: Db = this.db): Promise<PendingMaterialRow[]> {
    return trx.selectFrom('case_pending_materials').selectAll().where('case_no', '=', caseNo).orderBy('material_name', 'asc').execute();
  }

  async markPendingSupplied(trx: Db, caseNo: string, materialName: string, at: string): Promise<boolean> {
    const r = await trx
      .updateTable('case_pending_materials')
      .set({ supplied_at: at })
      .where('case_no', '=', caseNo)
      .where('material_name', '=', materialName)
      .where('supplied_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- 补正: supplements (also the clock's pauses) ----

  async insertSupplement(trx: Db, row: SupplementRow): Promise<void> {
    await trx.insertInto('case_supplements').values(row).execute();
  }

  async supplements(caseNo: string, trx: Db = this.db): Promise<SupplementRow[]> {
    return trx.selectFrom('case_supplements').selectAll().where('case_no', '=', caseNo).orderBy('requested_at', 'asc').execute();
  }

  async answerSupplement(trx: Db, supplementId: string, at: string, note: string | null): Promise<boolean> {
    const r = await trx
      .updateTable('case_supplements')
      .set({ answered_at: at, answer_note: note })
      .where('supplement_id', '=', supplementId)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- 并联审批: approvals ----

  async insertApprovals(trx: Db, rows: ApprovalRow[]): Promise<void> {
    if (rows.length) await trx.insertInto('case_approvals').values(rows).execute();
  }

  async approvals(caseNo: string, trx: Db = this.db): Promise<ApprovalRow[]> {
    return trx.selectFrom('case_approvals').selectAll().where('case_no', '=', caseNo).orderBy('department', 'asc').execute();
  }

  async decideApproval(trx: Db, caseNo: string, department: string, decision: string, note: string | null, at: string, staffId: string): Promise<boolean> {
    const r = await trx
      .updateTable('case_approvals')
      .set({ decision, note, decided_at: at, decided_by: staffId })
      .where('case_no', '=', caseNo)
      .where('department', '=', department)
      .where('decision', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- bundles ----

  async insertBundle(trx: Db, row: BundleRow): Promise<void> {
    await trx.insertInto('bundle_cases').values(row).execute();
  }

  async findBundle(bundleCaseNo: string): Promise<BundleRow | undefined> {
    return this.db.selectFrom('bundle_cases').selectAll().where('bundle_case_no', '=', bundleCaseNo).executeTakeFirst();
  }

  async findBundleByKey(userId: string, key: string): Promise<BundleRow | undefined> {
    return this.db.selectFrom('bundle_cases').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  async casesOfBundle(bundleCaseNo: string): Promise<CaseRow[]> {
    return this.db.selectFrom('cases').selectAll().where('bundle_case_no', '=', bundleCaseNo).orderBy('case_no', 'asc').execute();
  }
}
