import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Tables } from '../../db';
import { toDbTime, type DialectName } from '../../db/sql';
import './tables';
import type { PartnerCallsTable, PartnerCasesTable, PartnerEventsTable, PartnersTable, PartnerWebhooksTable } from './tables';

export type PartnerRow = Selectable<PartnersTable>;
export type PartnerCaseRow = Selectable<PartnerCasesTable>;
export type PartnerEventRow = Selectable<PartnerEventsTable>;
export type PartnerWebhookRow = Selectable<PartnerWebhooksTable>;
export type PartnerCallRow = Selectable<PartnerCallsTable>;
type Db = Kysely<Tables> | Transaction<Tables>;

const inserted = (r: { numInsertedOrUpdatedRows?: bigint }) => Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
const updated = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows) > 0;

export interface CallFilter {
  appId?: string;
  requestId?: string;
  pathPrefix?: string;
  result?: 'ok' | 'refused';
  from?: string;
  to?: string;
}

/** The SQL of the partner registry, partner submissions, the event feed, webhook pushes and call evidence. */
export class PartnerRepo {
  constructor(
    readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  // ---- registry ----

  async insertPartner(row: PartnerRow): Promise<boolean> {
    return inserted(await this.db.insertInto('partners').ignore().values(row).executeTakeFirst());
  }

  async partner(appId: string, trx: Db = this.db): Promise<PartnerRow | undefined> {
    return trx.selectFrom('partners').selectAll().where('app_id', '=', appId).executeTakeFirst();
  }

  async partners(): Promise<PartnerRow[]> {
    return this.db.selectFrom('partners').selectAll().orderBy('app_id').execute();
  }

  async updatePartner(appId: string, changes: Partial<PartnerRow>): Promise<boolean> {
    return updated(await this.db.updateTable('partners').set(changes).where('app_id', '=', appId).executeTakeFirst());
  }

  // ---- submissions by the partner's serial number ----

  /** Reserves the serial number; false when it is taken (by a finished or a running submission). */
  async reserveSerial(row: PartnerCaseRow): Promise<boolean> {
    return inserted(await this.db.insertInto('partner_cases').ignore().values(row).executeTakeFirst());
  }

  async serial(appId: string, serialNo: string): Promise<PartnerCaseRow | undefined> {
    return this.db.selectFrom('partner_cases').selectAll().where('app_id', '=', appId).where('serial_no', '=', serialNo).executeTakeFirst();
  }

  async linkCase(trx: Db, appId: string, serialNo: string, caseNo: string): Promise<void> {
    await trx.updateTable('partner_cases').set({ case_no: caseNo }).where('app_id', '=', appId).where('serial_no', '=', serialNo).execute();
  }

  /** Frees a reservation whose submission failed before a case existed. */
  async releaseSerial(appId: string, serialNo: string): Promise<void> {
    await this.db.deleteFrom('partner_cases').where('app_id', '=', appId).where('serial_no', '=', serialNo).where('case_no', 'is', null).execute();
  }

  async byCase(caseNo: string, trx: Db = this.db): Promise<PartnerCaseRow | undefined> {
    return trx.selectFrom('partner_cases').selectAll().where('case_no', '=', caseNo).executeTakeFirst();
  }

  // ---- the event feed ----

  async insertEvents(trx: Db, rows: Insertable<PartnerEventsTable>[]): Promise<void> {
    if (rows.length) await trx.insertInto('partner_events').ignore().values(rows).execute();
  }

  /** Events after `afterSeq`, recorded before `settledBefore` (so a later commit of an earlier seq is never skipped). */
  async feed(appId: string, afterSeq: number, limit: number, settledBefore: string): Promise<PartnerEventRow[]> {
    return this.db
      .selectFrom('partner_events')
      .selectAll()
      .where('app_id', '=', appId)
      .where('seq', '>', afterSeq)
      .where('recorded_at', '<=', settledBefore)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
  }

  async event(appId: string, eventId: string): Promise<PartnerEventRow | undefined> {
    return this.db.selectFrom('partner_events').selectAll().where('app_id', '=', appId).where('event_id', '=', eventId).executeTakeFirst();
  }

  async eventsOfCase(appId: string, caseNo: string): Promise<PartnerEventRow[]> {
    return this.db.selectFrom('partner_events').selectAll().where('app_id', '=', appId).where('case_no', '=', caseNo).orderBy('seq', 'asc').execute();
  }

  // ---- webhook pushes ----

  async insertWebhook(trx: Db, row: PartnerWebhookRow): Promise<void> {
    await trx.insertInto('partner_webhooks').ignore().values(row).execute();
  }

  async webhook(deliveryId: string): Promise<PartnerWebhookRow | undefined> {
    return this.db.selectFrom('partner_webhooks').selectAll().where('delivery_id', '=', deliveryId).executeTakeFirst();
  }

  async updateWebhook(deliveryId: string, changes: Partial<PartnerWebhookRow>): Promise<void> {
    await this.db.updateTable('partner_webhooks').set(changes).where('delivery_id', '=', deliveryId).execute();
  }

  async webhooks(filter: { appId?: string; status?: string; caseNo?: string }, offset: number, limit: number): Promise<{ rows: PartnerWebhookRow[]; total: number }> {
    let q = this.db.selectFrom('partner_webhooks');
    if (filter.appId) q = q.where('app_id', '=', filter.appId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.caseNo) q = q.where('case_no', '=', filter.caseNo);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('delivery_id', 'desc').offset(offset).limit(limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  // ---- call evidence ----

  async insertCalls(rows: PartnerCallRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('partner_calls').values(rows).execute();
  }

  async calls(filter: CallFilter, offset: number, limit: number): Promise<{ rows: PartnerCallRow[]; total: number }> {
    let q = this.db.selectFrom('partner_calls');
    if (filter.appId) q = q.where('app_id', '=', filter.appId);
    if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
    // substr, not LIKE: a prefix with % or _ in it means exactly those characters.
    if (filter.pathPrefix) q = q.where(sql<string>`substr(path, 1, ${filter.pathPrefix.length})`, '=', filter.pathPrefix);
    if (filter.result === 'ok') q = q.where('signature_result', '=', 'ok');
    if (filter.result === 'refused') q = q.where('signature_result', '!=', 'ok');
    if (filter.from) q = q.where('at', '>=', filter.from);
    if (filter.to) q = q.where('at', '<', filter.to);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('at', 'desc').orderBy('call_id', 'desc').offset(offset).limit(limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** Deletes up to `batch` calls older than `before`; the number deleted (the purge job loops while it is full). */
  async purgeCalls(before: string, batch: number): Promise<number> {
    const victims = await this.db.selectFrom('partner_calls').select('call_id').where('at', '<', before).orderBy('at').limit(batch).execute();
    if (!victims.length) return 0;
    const r = await this.db.deleteFrom('partner_calls').where('call_id', 'in', victims.map((v) => v.call_id)).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- pushes to the province ----

  async pushCursor(stream: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('province_push_state').select('position').where('stream', '=', stream).executeTakeFirst();
    return row?.position;
  }

  /** Moves the stream's cursor from `from` to `to` unless another process moved it first (compare-and-set). */
  async movePushCursor(trx: Db, stream: string, from: string | undefined, to: string): Promise<boolean> {
    const now = toDbTime(new Date());
    if (from === undefined) return inserted(await trx.insertInto('province_push_state').ignore().values({ stream, position: to, updated_at: now }).executeTakeFirst());
    return updated(await trx.updateTable('province_push_state').set({ position: to, updated_at: now }).where('stream', '=', stream).where('position', '=', from).executeTakeFirst());
  }
}
