import type { Kysely } from 'kysely';
import type { Tables } from '../../db';
import { toDbTime } from '../../db/sql';
import type { UsersTable } from '../../db/schema';

export type UserRow = UsersTable;
export type IdentityPlatform = 'wechat' | 'alipay' | 'phone' | 'trusted_issuer' | 'partner';

export interface IdentityRow {
  platform: IdentityPlatform;
  subject: string;
  userId: string;
  label: string;
  linkedAt: string;
}

/** Citizens and the platform identities linked to them. Personal data arrives here encrypted. */
export class IdentityRepo {
  constructor(private readonly db: Kysely<Tables>) {}

  findUser(userId: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  findUserByIdNumberIndex(bidx: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id_number_bidx', '=', bidx).executeTakeFirst();
  }

  findUsersByPhoneIndex(bidx: string): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().where('phone_bidx', '=', bidx).limit(20).execute();
  }

  async findIdentity(platform: IdentityPlatform, subject: string): Promise<IdentityRow | undefined> {
    const row = await this.db.selectFrom('user_identities').selectAll().where('platform', '=', platform).where('subject', '=', subject).executeTakeFirst();
    return row && { platform: row.platform as IdentityPlatform, subject: row.subject, userId: row.user_id, label: row.label, linkedAt: row.linked_at };
  }

  async identitiesOf(userId: string): Promise<IdentityRow[]> {
    const rows = await this.db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).orderBy('linked_at').execute();
    return rows.map((r) => ({ platform: r.platform as IdentityPlatform, subject: r.subject, userId: r.user_id, label: r.label, linkedAt: r.linked_at }));
  }

  /**
   * Creates the user and links its first identity in one transaction. When the identity was
   * linked meanwhile (two first logins at once), the existing owner wins and is returned.
   */
  async createUserWithIdentity(user: Partial<UserRow> & { user_id: string }, identity: Omit<IdentityRow, 'userId' | 'linkedAt'>): Promise<string> {
    const now = toDbTime();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({ created_at: now, updated_at: now, ...user }).execute();
        await trx
          .insertInto('user_identities')
          .values({ platform: identity.platform, subject: identity.subject, user_id: user.user_id, label: identity.label, linked_at: now })
          .execute();
      });
      return user.user_id;
    } catch (err) {
      const existing = await this.findIdentity(identity.platform, identity.subject);
      if (existing) return existing.userId;
      throw err;
    }
  }

  /** Links an identity; false when it already belongs to someone (the primary key decides, race-free). */
  async linkIdentity(userId: string, identity: Omit<IdentityRow, 'userId' | 'linkedAt'>): Promise<boolean> {
    const existing = await this.findIdentity(identity.platform, identity.subject);
    if (existing) return existing.userId === userId;
    try {
      await this.db
        .insertInto('user_identities')
        .values({ platform: identity.platform, subject: identity.subject, user_id: userId, label: identity.label, linked_at: toDbTime() })
        .execute();
      return true;
    } catch {
      return (await this.findIdentity(identity.platform, identity.subject))?.userId === userId;
    }
  }

  async updateUser(userId: string, changes: Partial<Omit<UserRow, 'user_id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('users').set({ ...changes, updated_at: toDbTime() }).where('user_id', '=', userId).execute();
  }

  /** Sets the real name unless the ID number is already someone else's (unique blind index). */
  async setRealName(userId: string, fields: Pick<UserRow, 'name_enc' | 'id_number_enc' | 'id_number_bidx'>): Promise<'ok' | 'bound_elsewhere'> {
    try {
      await this.updateUser(userId, { ...fields, real_name_at: toDbTime() });
      return 'ok';
    } catch (err) {
      const owner = await this.findUserByIdNumberIndex(fields.id_number_bidx!);
      if (owner && owner.user_id !== userId) return 'bound_elsewhere';
      throw err;
    }
  }
}
