import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pino from 'pino';
import type { NotificationChannel, NotificationPreferences } from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import type { NotifyAdapters } from '../../adapters/notify/port';
import type { Tables } from '../../db';
import { outboxMigrations } from '../../outbox/migrations';
import { PermanentFailure, type OutboxHandler } from '../../outbox';
import { NotificationService, type CaseNotice, type CitizenContacts, type PreferenceStore } from './service';
import { NotificationTemplates, type TemplateSettings } from './templates';

const PHONE = '13912345678';
const CONTACTS: CitizenContacts = { wechatOpenid: 'oWx_alice_0000001', alipayUserId: '2088000000000001', phone: PHONE };
const CASE_NO = '430102199001011234000120240105000';

/** The service with in-memory collaborators and an in-memory outbox table. */
async function setup(options: { contacts?: CitizenContacts | null; preferences?: Partial<NotificationPreferences>; templates?: Partial<TemplateSettings> } = {}) {
  const sqlite = new BetterSqlite3(':memory:');
  await outboxMigrations['0004_outbox'](new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
  let preferences: NotificationPreferences = { wechat: true, alipay: true, sms: true, ...options.preferences };
  const store: PreferenceStore = {
    preferences: async () => ({ ...preferences }),
    update: async (_userId, changes) => {
      preferences = { ...preferences, ...changes };
    },
  };
  const calls: { channel: NotificationChannel; args: unknown[] }[] = [];
  const failures: Partial<Record<NotificationChannel, Error>> = {};
  const record = (channel: NotificationChannel, args: unknown[]) => {
    calls.push({ channel, args });
    const failure = failures[channel];
    if (failure) throw failure;
  };
  const adapters: NotifyAdapters = {
    wechat: { sendSubscribeMessage: async (...args) => (record('wechat', args), { msgid: '1' }) },
    alipay: { sendTemplateMessage: async (...args) => record('alipay', args) },
    sms: { sendTemplate: async (...args) => (record('sms', args), { messageId: 'sms-1' }) },
  };
  const lines: Record<string, unknown>[] = [];
  // A raw pino logger (no scrubbing): what the service itself writes must already be masked.
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const templates = new NotificationTemplates({ wechat: {}, alipay: {}, sms: {}, casePage: 'packages/cases/detail/index', ...options.templates });
  const contacts = options.contacts === undefined ? CONTACTS : options.contacts;
  const service = new NotificationService(db, store, { notificationContacts: async () => contacts }, adapters, templates, logger);
  const handlers = new Map<string, OutboxHandler>();
  service.registerHandlers({ register: (topic, handler) => handlers.set(topic, handler) });
  const run = (topic: string, payload: unknown) => handlers.get(topic)!(payload, { id: 'obx_row_0001', topic, attempt: 1, signal: new AbortController().signal });
  const rows = (topic: string) => db.selectFrom('outbox').select(['topic', 'dedupe_key', 'payload']).where('topic', '=', topic).execute();
  return { db, service, calls, failures, lines, run, rows, handlers, setPreferences: (p: Partial<NotificationPreferences>) => (preferences = { ...preferences, ...p }) };
}

const notice = (over: Partial<CaseNotice> = {}): CaseNotice => ({
  userId: 'u_alice',
  caseNo: CASE_NO,
  itemName: '居民身份证补领',
  action: 'accept',
  state: 'accepted',
  at: new Date('2024-01-05T00:30:00Z'),
  eventId: 'ev_0001',
  ...over,
});
const payload = (over: Partial<CaseNotice> = {}) => ({ ...notice(over), at: notice(over).at.toISOString() });

describe('NotificationService', () => {
  describe('enqueueCaseNotice', () => {
    it('writes one notice per case event: the same event again is a duplicate', async () => {
      const t = await setup();
      expect(await t.service.enqueueCaseNotice(t.db, notice())).toBe('enqueued');
      expect(await t.service.enqueueCaseNotice(t.db, notice({ note: 'retried transition' }))).toBe('duplicate');
      const [row] = await t.rows('notify.case');
      expect(row.dedupe_key).toBe(`${CASE_NO}:ev_0001`);
      expect(JSON.parse(row.payload)).toEqual(payload());
    });

    it('never fails a transition over long text: a long note or item name is stored shortened', async () => {
      const t = await setup();
      expect(await t.service.enqueueCaseNotice(t.db, notice({ note: '补'.repeat(5000), itemName: '项'.repeat(300) }))).toBe('enqueued');
      const stored = JSON.parse((await t.rows('notify.case'))[0].payload) as CaseNotice;
      expect(Array.from(stored.note ?? '')).toHaveLength(500);
      expect(Array.from(stored.itemName)).toHaveLength(200);
    });

    it('skips internal steps and refuses an invalid notice without writing', async () => {
      const t = await setup();
      expect(await t.service.enqueueCaseNotice(t.db, notice({ action: 'pre_review', state: 'pre_reviewed' }))).toBe('not_notified');
      await expect(t.service.enqueueCaseNotice(t.db, notice({ eventId: 'has spaces' }))).rejects.toThrow('eventId');
      await expect(t.service.enqueueCaseNotice(t.db, notice({ caseNo: 'not a case' }))).rejects.toThrow('caseNo');
      await expect(t.service.enqueueCaseNotice(t.db, notice({ userId: '' }))).rejects.toThrow();
      await expect(t.service.enqueueCaseNotice(t.db, notice({ at: new Date('nope') }))).rejects.toThrow();
      expect(await t.rows('notify.case')).toHaveLength(0);
    });
  });

  describe('fan-out (notify.case)', () => {
    it('writes one row per reachable channel the citizen left on', async () => {
      const t = await setup({ preferences: { sms: false } });
      await t.run('notify.case', payload());
      expect((await t.rows('notify.case.wechat')).map((r) => r.dedupe_key)).toEqual([`${CASE_NO}:ev_0001`]);
      expect(await t.rows('notify.case.alipay')).toHaveLength(1);
      expect(await t.rows('notify.case.sms')).toHaveLength(0);
      // A retried fan-out adds nothing.
      await t.run('notify.case', payload());
      expect(await t.rows('notify.case.wechat')).toHaveLength(1);
    });

    it('skips channels the citizen cannot be reached on or that have no templates', async () => {
      const t = await setup({ contacts: { wechatOpenid: 'oWx_bob_00000001', alipayUserId: null, phone: PHONE }, templates: { wechat: null } });
      await t.run('notify.case', payload());
      expect(await t.rows('notify.case.wechat')).toHaveLength(0);
      expect(await t.rows('notify.case.alipay')).toHaveLength(0);
      expect(await t.rows('notify.case.sms')).toHaveLength(1);
    });

    it('ends quietly when the citizen has no reachable channel, at once when they no longer exist', async () => {
      const none = await setup({ contacts: { wechatOpenid: null, alipayUserId: null, phone: null } });
      await none.run('notify.case', payload());
      for (const channel of ['wechat', 'alipay', 'sms']) expect(await none.rows(`notify.case.${channel}`)).toHaveLength(0);
      const gone = await setup({ contacts: null });
      await expect(gone.run('notify.case', payload())).rejects.toThrow('no longer exists');
    });

    it('sends nothing when every channel is off, without failing', async () => {
      const t = await setup({ preferences: { wechat: false, alipay: false, sms: false } });
      await t.run('notify.case', payload());
      for (const channel of ['wechat', 'alipay', 'sms']) expect(await t.rows(`notify.case.${channel}`)).toHaveLength(0);
    });
  });

  describe('delivery (notify.case.<channel>)', () => {
    it('sends each channel its template; SMS carries the outbox row id as clientRef', async () => {
      const t = await setup();
      await t.run('notify.case.wechat', payload());
      await t.run('notify.case.alipay', payload());
      await t.run('notify.case.sms', payload());
      expect(t.calls.map((c) => c.channel)).toEqual(['wechat', 'alipay', 'sms']);
      expect(t.calls[0].args.slice(0, 3)).toEqual([CONTACTS.wechatOpenid, expect.any(String), `packages/cases/detail/index?caseNo=${CASE_NO}`]);
      expect(t.calls[1].args[0]).toBe(CONTACTS.alipayUserId);
      expect(t.calls[2].args).toEqual([PHONE, 'case_progress', expect.objectContaining({ caseNo: CASE_NO, state: '已受理' }), { clientRef: 'obx_row_0001' }]);
      expect(t.lines.filter((l) => l.msg === 'case notice delivered').map((l) => l.to)).toEqual(['oWx_…001', '2088…001', '139****5678']);
    });

    it('respects a channel turned off after the fan-out', async () => {
      const t = await setup();
      t.setPreferences({ sms: false });
      await t.run('notify.case.sms', payload());
      expect(t.calls).toHaveLength(0);
    });

    it('ends the row on a refusal, logging the recipient masked; retries anything else', async () => {
      const t = await setup();
      t.failures.sms = new AdapterError('sms', 'rejected', 'INVALID_PHONE', `POST /v1/sms/send: invalid phone ${PHONE}`);
      const refused = await t.run('notify.case.sms', payload()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PermanentFailure);
      expect(String((refused as Error).message)).toBe('sms refused the message (INVALID_PHONE)');
      // Not subscribed is an expected outcome: the row ends without a failure.
      t.failures.wechat = new AdapterError('wechat', 'rejected', '43101', 'subscribe/send: errcode 43101');
      await expect(t.run('notify.case.wechat', payload())).resolves.toBeUndefined();
      const outage = new AdapterError('alipay', 'unavailable', 'timeout', 'timed out');
      t.failures.alipay = outage;
      await expect(t.run('notify.case.alipay', payload())).rejects.toBe(outage);
      const logged = JSON.stringify(t.lines);
      expect(logged).toContain('139****5678');
      expect(logged).not.toContain(PHONE);
    });

    it('ends the row when the account is gone or the payload is unreadable', async () => {
      const t = await setup({ contacts: { wechatOpenid: null, alipayUserId: null, phone: PHONE } });
      await expect(t.run('notify.case.wechat', payload())).rejects.toThrow('no wechat account');
      await expect(t.run('notify.case.sms', { caseNo: CASE_NO })).rejects.toThrow('malformed');
      expect(t.calls).toHaveLength(0);
    });
  });

  describe('preferences', () => {
    it('changes only the channels given, and an empty change writes nothing', async () => {
      const t = await setup();
      expect(await t.service.updatePreferences('u_alice', { sms: false })).toEqual({ wechat: true, alipay: true, sms: false });
      expect(await t.service.updatePreferences('u_alice', {})).toEqual({ wechat: true, alipay: true, sms: false });
      expect(await t.service.getPreferences('u_alice')).toEqual({ wechat: true, alipay: true, sms: false });
    });
  });
});
