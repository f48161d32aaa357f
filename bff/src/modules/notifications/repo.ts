import type { Kysely } from 'kysely';
import { NOTIFICATION_CHANNELS, type NotificationPreferences } from '@onevisit/shared-types';
import type { Tables } from '../../db';
import { toDbTime, type DialectName } from '../../db/sql';

/** `notification_preferences` (migration `0007_notifications`): one row per citizen who changed a choice. */
export interface NotificationPreferencesTable {
  user_id: string;
  /** 1 on, 0 off. */
  wechat: number;
  alipay: number;
  sms: number;
  updated_at: string;
}

declare module '../../db/schema' {
  interface Tables {
    notification_preferences: NotificationPreferencesTable;
  }
}

/** Every channel is on until the citizen turns one off. */
export const DEFAULT_PREFERENCES: NotificationPreferences = { wechat: true, alipay: true, sms: true };

const flag = (v: boolean) => (v ? 1 : 0);

/** SQL of the citizens' notification preferences. */
export class NotificationRepo {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  async preferences(userId: string): Promise<NotificationPreferences> {
    const row = await this.db.selectFrom('notification_preferences').select(['wechat', 'alipay', 'sms']).where('user_id', '=', userId).executeTakeFirst();
    return row ? { wechat: Number(row.wechat) === 1, alipay: Number(row.alipay) === 1, sms: Number(row.sms) === 1 } : { ...DEFAULT_PREFERENCES };
  }

  /**
   * Sets the given channels and leaves the others as they are, in one statement: a new row takes
   * the defaults for the rest, an existing row changes only the given columns — so two requests
   * changing different channels at once both win.
   */
  async update(userId: string, changes: Partial<NotificationPreferences>, now = new Date()): Promise<void> {
    const columns: Partial<Pick<NotificationPreferencesTable, 'wechat' | 'alipay' | 'sms'>> & { updated_at: string } = { updated_at: toDbTime(now) };
    for (const channel of NOTIFICATION_CHANNELS) {
      const on = changes[channel];
      if (on !== undefined) columns[channel] = flag(on);
    }
    const insert = this.db.insertInto('notification_preferences').values({
      user_id: userId,
      wechat: flag(changes.wechat ?? DEFAULT_PREFERENCES.wechat),
      alipay: flag(changes.alipay ?? DEFAULT_PREFERENCES.alipay),
      sms: flag(changes.sms ?? DEFAULT_PREFERENCES.sms),
      updated_at: columns.updated_at,
    });
    await (this.dialect === 'mysql' ? insert.onDuplicateKeyUpdate(columns) : insert.onConflict((oc) => oc.column('user_id').doUpdateSet(columns))).execute();
  }
}
