import type { Kysely } from 'kysely';
import type { Staff, StaffRole } from '@onevisit/shared-types';
import type { Tables } from '../../db';
import type { StaffAccountsTable } from '../../db/schema';
import { fromDbTime, toDbTime } from '../../db/sql';

export type StaffRow = StaffAccountsTable;

export function toStaff(row: StaffRow): Staff {
  return {
    staffId: row.staff_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as StaffRole,
    status: row.status as Staff['status'],
    lockedUntil: row.locked_until && Date.parse(fromDbTime(row.locked_until)) > Date.now() ? fromDbTime(row.locked_until) : null,
    createdAt: fromDbTime(row.created_at),
  };
}

/** Staff accounts' SQL. */
export class StaffRepo {
  constructor(private readonly db: Kysely<Tables>) {}

  byUsername(username: string): Promise<StaffRow | undefined> {
    return this.db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  }

  byId(staffId: string): Promise<StaffRow | undefined> {
    return this.db.selectFrom('staff_accounts').selectAll().where('staff_id', '=', staffId).executeTakeFirst();
  }

  list(): Promise<StaffRow[]> {
    return this.db.selectFrom('staff_accounts').selectAll().orderBy('username').execute();
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('staff_accounts')
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** False when the username is taken (the unique index decides). */
  async insert(row: Omit<StaffRow, 'created_at' | 'updated_at' | 'failed_attempts' | 'locked_until'>): Promise<boolean> {
    const now = toDbTime();
    try {
      await this.db.insertInto('staff_accounts').values({ ...row, failed_attempts: 0, locked_until: null, created_at: now, updated_at: now }).execute();
      return true;
    } catch (err) {
      if (await this.byUsername(row.username)) return false;
      throw err;
    }
  }

  async update(staffId: string, changes: Partial<Omit<StaffRow, 'staff_id' | 'username' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('staff_accounts').set({ ...changes, updated_at: toDbTime() }).where('staff_id', '=', staffId).execute();
  }

  /** Counts a failed login atomically; returns the new count. */
  async recordFailure(staffId: string): Promise<number> {
    await this.db
      .updateTable('staff_accounts')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), updated_at: toDbTime() }))
      .where('staff_id', '=', staffId)
      .execute();
    return (await this.byId(staffId))?.failed_attempts ?? 0;
  }
}
