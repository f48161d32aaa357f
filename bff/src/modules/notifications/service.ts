import { z } from 'zod';
import type { Kysely } from 'kysely';
import {
  CaseActionSchema,
  CaseStateSchema,
  maskPhone,
  NOTIFICATION_CHANNELS,
  type CaseAction,
  type CaseState,
  type NotificationChannel,
  type NotificationPreferences,
} from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import type { NotifyAdapters } from '../../adapters/notify/port';
import type { Tables } from '../../db';
import type { Logger } from '../../logger';
import { enqueue, PermanentFailure, type OutboxHandler, type OutboxHandlerMeta } from '../../outbox';
import { isNotifiedAction, type NoticeContent, type NotificationTemplates } from './templates';

/** One event of a case, as the applications module reports it. */
export interface CaseNotice {
  /** The applicant. */
  userId: string;
  caseNo: string;
  itemName: string;
  action: CaseAction;
  /** The state the action led to. */
  state: CaseState;
  /** The staff's note (a supplement reason …); masked and shortened before it is sent. */
  note?: string;
  at: Date;
  /**
   * The timeline event's id: the same event enqueued again (a retried transition) is one notice.
   * A business key (letters, digits, `_.:-`), never personal data.
   */
  eventId: string;
}

export type EnqueueNoticeResult = 'enqueued' | 'duplicate' | 'not_notified';

/** Where a citizen can be reached: the identity module answers this (decrypting the phone). */
export interface CitizenContacts {
  wechatOpenid: string | null;
  alipayUserId: string | null;
  phone: string | null;
}

export interface ContactDirectory {
  /** Null when the citizen no longer exists. */
  notificationContacts(userId: string): Promise<CitizenContacts | null>;
}

/** Where delivery handlers go: the OutboxDispatcher. */
export interface HandlerRegistry {
  register(topic: string, handler: OutboxHandler): unknown;
}

/** The citizens' channel choices (NotificationRepo). */
export interface PreferenceStore {
  preferences(userId: string): Promise<NotificationPreferences>;
  update(userId: string, changes: Partial<NotificationPreferences>): Promise<void>;
}

export const NOTICE_TOPIC = 'notify.case';
const channelTopic = (channel: NotificationChannel) => `${NOTICE_TOPIC}.${channel}`;

/**
 * Strict where a wrong value is a bug (ids, action, state), lenient on text: a long note must not
 * fail the transition whose transaction this runs in — it is shortened for every channel anyway.
 */
const head = (s: string, max: number) => Array.from(s).slice(0, max).join(''); // never half an emoji
const NoticeFields = {
  userId: z.string().min(1).max(64),
  caseNo: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'caseNo: 1–64 of [0-9A-Za-z_-]'),
  itemName: z.string().trim().min(1).transform((s) => head(s, 200)),
  action: CaseActionSchema,
  state: CaseStateSchema,
  note: z.string().optional().transform((s) => (s === undefined ? s : head(s, 500))),
  eventId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'eventId: 1–64 of [A-Za-z0-9_.:-]'),
};
const CaseNoticeSchema = z.object({ ...NoticeFields, at: z.date() });
/** The outbox payload: a notice with its time as ISO text. */
const NoticePayloadSchema = z.object({ ...NoticeFields, at: z.iso.datetime() });
type NoticePayload = z.infer<typeof NoticePayloadSchema>;

/** A recipient for the logs: enough to tell two apart, not enough to reach anyone. */
function maskRecipient(channel: NotificationChannel, to: string): string {
  return channel === 'sms' ? maskPhone(to) : `${to.slice(0, 4)}…${to.slice(-3)}`;
}

function recipientOf(channel: NotificationChannel, contacts: CitizenContacts): string | null {
  return { wechat: contacts.wechatOpenid, alipay: contacts.alipayUserId, sms: contacts.phone }[channel];
}

/**
 * Tells citizens about their cases on WeChat, Alipay and SMS, as they chose.
 *
 * A case event becomes one `notify.case` outbox row in the transaction of the transition (so a
 * rolled-back transition tells nobody and a retried one tells once). Its handler looks up the
 * channels the citizen can be reached on and has left on, and writes one row per channel
 * (`notify.case.wechat` …): each channel then retries on its own, so a failing SMS gateway never
 * makes WeChat send twice. A refusal (no subscription, invalid recipient) ends a row at once.
 */
export class NotificationService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly repo: PreferenceStore,
    private readonly contacts: ContactDirectory,
    private readonly adapters: NotifyAdapters,
    private readonly templates: NotificationTemplates,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
  ) {}

  // ---- preferences ----

  getPreferences(userId: string): Promise<NotificationPreferences> {
    return this.repo.preferences(userId);
  }

  /** Sets the given channels, keeps the others; the same request again changes nothing. */
  async updatePreferences(userId: string, changes: Partial<NotificationPreferences>): Promise<NotificationPreferences> {
    if (NOTIFICATION_CHANNELS.some((c) => changes[c] !== undefined)) await this.repo.update(userId, changes);
    return this.repo.preferences(userId);
  }

  // ---- case notices ----

  /**
   * Writes the notice into the outbox with the caller's transaction. Internal steps (pre-review,
   * start of review …) are `not_notified`; the same eventId again is a `duplicate`. An invalid
   * notice is a programming error and throws.
   */
  async enqueueCaseNotice(trx: Kysely<Tables>, notice: CaseNotice): Promise<EnqueueNoticeResult> {
    const n = CaseNoticeSchema.parse(notice);
    if (!isNotifiedAction(n.action)) return 'not_notified';
    const payload: NoticePayload = { ...n, at: n.at.toISOString() };
    const result = await enqueue(trx, { topic: NOTICE_TOPIC, dedupeKey: `${n.caseNo}:${n.eventId}`, payload });
    return result.created ? 'enqueued' : 'duplicate';
  }

  /** Registers the delivery handlers; call once, before the dispatcher starts. */
  registerHandlers(dispatcher: HandlerRegistry): void {
    dispatcher.register(NOTICE_TOPIC, async (payload) => this.fanOut(readPayload(payload)));
    for (const channel of NOTIFICATION_CHANNELS) {
      dispatcher.register(channelTopic(channel), async (payload, meta) => this.deliver(channel, readPayload(payload), meta));
    }
  }

  /** One row per channel the citizen can be reached on and has left on. */
  private async fanOut(notice: NoticePayload): Promise<void> {
    const contacts = await this.contacts.notificationContacts(notice.userId);
    if (!contacts) throw new PermanentFailure('the citizen no longer exists');
    const reachable = NOTIFICATION_CHANNELS.filter((c) => recipientOf(c, contacts) !== null && this.templates.enabled(c));
    if (!reachable.length) {
      // A normal outcome (e.g. a mutual-recognition login only), not a failure to retry or dead-letter.
      this.log.info({ caseNo: notice.caseNo, eventId: notice.eventId }, 'case notice not sent: the citizen has no reachable channel');
      return;
    }
    const preferences = await this.repo.preferences(notice.userId);
    const chosen = reachable.filter((c) => preferences[c]);
    // No transaction: each enqueue is idempotent, so a crash half-way is finished by the retry.
    for (const channel of chosen) {
      await enqueue(this.db, { topic: channelTopic(channel), dedupeKey: `${notice.caseNo}:${notice.eventId}`, payload: notice });
    }
    this.log.info({ caseNo: notice.caseNo, eventId: notice.eventId, action: notice.action, channels: chosen, off: reachable.filter((c) => !preferences[c]) }, 'case notice fanned out');
  }

  private async deliver(channel: NotificationChannel, notice: NoticePayload, meta: OutboxHandlerMeta): Promise<void> {
    const contacts = await this.contacts.notificationContacts(notice.userId);
    const to = contacts ? recipientOf(channel, contacts) : null;
    if (!to) throw new PermanentFailure(`the citizen has no ${channel} account to send to any more`);
    const context = { caseNo: notice.caseNo, eventId: notice.eventId, channel, to: maskRecipient(channel, to) };
    // Turned off between the fan-out and now (a retry may come hours later): respect it.
    if (!(await this.repo.preferences(notice.userId))[channel]) {
      this.log.info(context, 'case notice not sent: the citizen turned the channel off');
      return;
    }
    try {
      await this.send(channel, to, contentOf(notice), meta.id);
    } catch (err) {
      if (isNotSubscribed(err)) {
        // One-time subscriptions run out all the time: expected, so neither retried nor dead-lettered.
        this.log.info({ ...context, upstreamCode: (err as AdapterError).upstreamCode }, 'case notice not sent: the citizen has not subscribed to it');
        return;
      }
      throw this.failure(err, context);
    }
    this.log.info(context, 'case notice delivered');
  }

  private async send(channel: NotificationChannel, to: string, notice: NoticeContent, outboxId: string): Promise<void> {
    if (channel === 'wechat') {
      const m = this.templates.wechat(notice);
      await this.adapters.wechat.sendSubscribeMessage(to, m.templateId, m.page, m.data);
    } else if (channel === 'alipay') {
      const m = this.templates.alipay(notice);
      await this.adapters.alipay.sendTemplateMessage(to, m.templateId, m.page, m.data);
    } else {
      const m = this.templates.sms(notice);
      // The outbox row id makes a retry after a lost answer a repeat the gateway drops.
      await this.adapters.sms.sendTemplate(to, m.templateCode, m.params, { clientRef: outboxId });
    }
  }

  /** A platform's "no" ends the row (retrying cannot change it); anything else is retried. */
  private failure(err: unknown, context: Record<string, string>): unknown {
    if (!(err instanceof AdapterError) || err.kind !== 'rejected') return err;
    this.log.warn({ ...context, upstreamCode: err.upstreamCode }, 'case notice refused by the channel');
    return new PermanentFailure(`${err.system} refused the message (${err.upstreamCode})`, { cause: err });
  }
}

function readPayload(payload: unknown): NoticePayload {
  const parsed = NoticePayloadSchema.safeParse(payload);
  if (!parsed.success) throw new PermanentFailure('the notice payload is malformed');
  return parsed.data;
}

function contentOf(notice: NoticePayload): NoticeContent {
  if (!isNotifiedAction(notice.action)) throw new PermanentFailure(`action ${notice.action} is not notified`);
  return { caseNo: notice.caseNo, itemName: notice.itemName, action: notice.action, state: notice.state, note: notice.note, at: new Date(notice.at) };
}

/** WeChat 43101 / Alipay's unsubscribed answer: the citizen did not (or no longer) accept this message. */
const NOT_SUBSCRIBED_CODES = new Set(['43101', 'USER_UNSUBSCRIBED']);
function isNotSubscribed(err: unknown): boolean {
  return err instanceof AdapterError && err.kind === 'rejected' && NOT_SUBSCRIBED_CODES.has(err.upstreamCode);
}
