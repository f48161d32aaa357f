import { sql, type Kysely, type Selectable } from 'kysely';
import type { Tables } from '../../db';
import './tables';
import type { LicenceGrantsTable, LicencesTable, LicenceUsagesTable } from './tables';

export type LicenceRow = Selectable<LicencesTable>;
export type UsageRow = Selectable<LicenceUsagesTable>;
export type GrantRow = Selectable<LicenceGrantsTable>;

const inserted = (r: { numInsertedOrUpdatedRows?: bigint }) => Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
const updated = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows) > 0;

/** The SQL of the wallet's licences, usage records and grants. */
export class LicenceRepo {
  constructor(readonly db: Kysely<Tables>) {}

  // ---- licences ----

  async licencesOf(userId: string): Promise<LicenceRow[]> {
    return this.db.selectFrom('licences').selectAll().where('user_id', '=', userId).orderBy('type').orderBy('licence_id').execute();
  }

  async licence(licenceId: string): Promise<LicenceRow | undefined> {
    return this.db.selectFrom('licences').selectAll().where('licence_id', '=', licenceId).executeTakeFirst();
  }

  /** Inserts or refreshes a licence from the library; a stored status newer than `row.status_at` is kept. */
  async upsert(row: LicenceRow): Promise<void> {
    if (await this.db.insertInto('licences').ignore().values(row).executeTakeFirst().then(inserted)) return;
    await this.db
      .updateTable('licences')
      .set({ user_id: row.user_id, type: row.type, version: row.version, valid_until: row.valid_until, data_enc: row.data_enc, synced_at: row.synced_at, updated_at: row.updated_at })
      .where('licence_id', '=', row.licence_id)
      .execute();
    await this.setStatus(row.licence_id, row.status, row.status_note, row.status_at, row.updated_at);
  }

  /** Applies a status unless a newer one is stored; true when applied. */
  async setStatus(licenceId: string, status: string, note: string | null, statusAt: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('licences')
      .set({ status, status_note: note, status_at: statusAt, updated_at: now })
      .where('licence_id', '=', licenceId)
      .where('status_at', '<=', statusAt)
      .executeTakeFirst();
    return updated(r);
  }

  /** Makes the holder's wallet ask the library again on its next opening (a reissue added a licence). */
  async markStale(licenceId: string): Promise<void> {
    const row = await this.licence(licenceId);
    if (row) await this.db.updateTable('licences').set({ synced_at: '1970-01-01 00:00:00.000' }).where('user_id', '=', row.user_id).execute();
  }

  // ---- usage records ----

  async insertUsage(row: UsageRow): Promise<void> {
    await this.db.insertInto('licence_usages').values(row).execute();
  }

  async usages(userId: string, licenceId: string | undefined, offset: number, limit: number): Promise<{ rows: UsageRow[]; total: number }> {
    let q = this.db.selectFrom('licence_usages').where('user_id', '=', userId);
    if (licenceId) q = q.where('licence_id', '=', licenceId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('at', 'desc').orderBy('usage_id', 'desc').offset(offset).limit(limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  // ---- grants ----

  async insertGrant(row: GrantRow): Promise<boolean> {
    return inserted(await this.db.insertInto('licence_grants').ignore().values(row).executeTakeFirst());
  }

  async grantByKey(userId: string, key: string): Promise<GrantRow | undefined> {
    return this.db.selectFrom('licence_grants').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  async grant(grantId: string): Promise<GrantRow | undefined> {
    return this.db.selectFrom('licence_grants').selectAll().where('grant_id', '=', grantId).executeTakeFirst();
  }

  async grantsOf(userId: string): Promise<GrantRow[]> {
    return this.db.selectFrom('licence_grants').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  }

  async revokeGrant(grantId: string, at: string): Promise<void> {
    await this.db.updateTable('licence_grants').set({ revoked_at: at }).where('grant_id', '=', grantId).where('revoked_at', 'is', null).execute();
  }

  async countGrantUse(grantId: string): Promise<void> {
    await this.db.updateTable('licence_grants').set({ uses: sql<number>`uses + 1` }).where('grant_id', '=', grantId).execute();
  }
}
