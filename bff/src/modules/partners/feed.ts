import type { Transaction } from 'kysely';
import { CASE_ACTION_NAMES, CASE_STATE_NAMES, OPEN_API_HEADERS, type CaseAction, type CaseState, type OpenCaseEvent, type OpenEventPage, type Page, type WebhookDelivery, type WebhookDeliveryQuery, type WebhookDeliveryStatus } from '@onevisit/shared-types';
import type { Tables } from '../../db';
import { fromDbTime, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import { enqueue, PermanentFailure, type OutboxDispatcher, type OutboxHandlerMeta, type OutboxService } from '../../outbox';
import type { CaseEventSink, CaseEventView } from '../applications';
import { toDialect } from './mapping/engine';
import type { ProfileRegistry } from './mapping/registry';
import type { PartnerRegistry } from './registry';
import type { PartnerEventRow, PartnerRepo, PartnerWebhookRow } from './repo';
import { signedHeaders } from './signature';

export const PARTNER_WEBHOOK_TOPIC = 'partners.webhook';

interface WebhookPayload {
  appId: string;
  eventId: string;
}

export interface FeedOptions {
  /** Events recorded less than this long ago are not served yet (see OPEN_API_FEED_SETTLE_MS). */
  settleMs: number;
  webhookTimeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

const CURSOR = /^s([0-9a-z]{1,12})$/;
const encodeCursor = (seq: number) => `s${seq.toString(36)}`;
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = CURSOR.exec(cursor);
  if (!m) throw new AppError('CURSOR_INVALID', 'the cursor is not one this feed returned');
  return parseInt(m[1], 36);
}

export function openEvent(row: PartnerEventRow): OpenCaseEvent {
  return {
    eventId: row.event_id,
    type: 'case.status_changed',
    occurredAt: fromDbTime(row.occurred_at),
    caseNo: row.case_no,
    serialNo: row.serial_no,
    itemCode: row.item_code,
    action: row.action as CaseAction,
    actionName: CASE_ACTION_NAMES[row.action as CaseAction],
    state: row.state as CaseState,
    stateName: CASE_STATE_NAMES[row.state as CaseState],
    note: row.note,
  };
}

/**
 * What partners learn about the cases they submitted: every citizen-visible event is written to
 * the partner's pull feed and, when it has a webhook URL, queued as a signed push — both inside
 * the case's own transaction, so no status change can be missed by either.
 */
export class PartnerFeed implements CaseEventSink {
  private readonly now: () => Date;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly repo: PartnerRepo,
    private readonly registry: PartnerRegistry,
    private readonly profiles: ProfileRegistry,
    private readonly outbox: OutboxService,
    private readonly options: FeedOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.fetch = options.fetch ?? fetch;
  }

  // ---- the case event sink (inside the case's transaction: reads through `trx` only) ----

  async recordCaseEvents(trx: Transaction<Tables>, c: { caseNo: string; itemCode: string }, events: CaseEventView[]): Promise<void> {
    const visible = events.filter((e) => e.visible);
    if (!visible.length) return;
    const link = await this.repo.byCase(c.caseNo, trx);
    if (!link) return;
    const recordedAt = toDbTime(this.now());
    await this.repo.insertEvents(
      trx,
      visible.map((e) => ({ app_id: link.app_id, event_id: e.eventId, case_no: c.caseNo, serial_no: link.serial_no, item_code: c.itemCode, action: e.action, state: e.state, note: e.note, occurred_at: toDbTime(new Date(e.at)), recorded_at: recordedAt })),
    );
    const partner = await this.repo.partner(link.app_id, trx);
    if (!partner?.webhook_url) return;
    for (const e of visible) {
      const queued = await enqueue(trx, { topic: PARTNER_WEBHOOK_TOPIC, dedupeKey: `${link.app_id}:${e.eventId}`, payload: { appId: link.app_id, eventId: e.eventId } satisfies WebhookPayload });
      if (!queued.created) continue;
      await this.repo.insertWebhook(trx, {
        delivery_id: queued.id,
        app_id: link.app_id,
        event_id: e.eventId,
        case_no: c.caseNo,
        state: e.state,
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_error: null,
        created_at: recordedAt,
        last_attempt_at: null,
        delivered_at: null,
      });
    }
  }

  // ---- the pull feed ----

  async events(appId: string, cursor: string | undefined, limit: number): Promise<OpenEventPage> {
    const after = decodeCursor(cursor);
    const settled = toDbTime(new Date(this.now().getTime() - this.options.settleMs));
    const rows = await this.repo.feed(appId, after, limit + 1, settled);
    const page = rows.slice(0, limit);
    return { events: page.map(openEvent), nextCursor: encodeCursor(page.at(-1)?.seq ?? after), hasMore: rows.length > limit };
  }

  // ---- webhook pushes ----

  register(dispatcher: OutboxDispatcher): void {
    const maxAttempts = dispatcher.maxAttempts;
    dispatcher.register<WebhookPayload>(PARTNER_WEBHOOK_TOPIC, (payload, meta) => this.push(payload, meta, maxAttempts));
  }

  private async push(payload: WebhookPayload, meta: OutboxHandlerMeta, maxAttempts: number): Promise<void> {
    const [partner, event] = await Promise.all([this.registry.credentials(payload.appId), this.repo.event(payload.appId, payload.eventId)]);
    const last = meta.attempt >= maxAttempts;
    const attempt = async (outcome: { statusCode: number | null; error: string | null; delivered: boolean; permanent?: boolean }) => {
      const at = toDbTime(this.now());
      const status: WebhookDeliveryStatus = outcome.delivered ? 'delivered' : last || outcome.permanent ? 'dead' : 'retrying';
      await this.repo.updateWebhook(meta.id, { status, attempts: meta.attempt, last_status_code: outcome.statusCode, last_error: outcome.error, last_attempt_at: at, delivered_at: outcome.delivered ? at : null });
    };
    if (!partner?.webhookUrl || !partner.enabled || !event) {
      const why = !event ? 'the event is gone' : !partner?.enabled ? 'the partner is disabled' : 'the partner has no webhook URL';
      await attempt({ statusCode: null, error: why, delivered: false, permanent: true });
      throw new PermanentFailure(why);
    }
    const profile = this.profiles.require(partner.profileId);
    const body = JSON.stringify(toDialect(profile, 'event', openEvent(event)));
    const url = new URL(partner.webhookUrl);
    const headers = {
      ...signedHeaders({ algorithm: partner.algorithm, appId: partner.appId, secret: partner.webhookSecret, method: 'POST', url: `${url.pathname}${url.search}`, body }),
      [OPEN_API_HEADERS.eventId]: event.event_id,
      'Content-Type': 'application/json; charset=utf-8',
    };
    let res: Response;
    try {
      res = await this.fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([meta.signal, AbortSignal.timeout(this.options.webhookTimeoutMs)]) });
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      // By name, not instanceof: DOMExceptions from another realm (jest's) are not `Error`s here.
      const name = (err as { name?: unknown } | null)?.name;
      const error = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${this.options.webhookTimeoutMs} ms` : 'connection failed';
      await attempt({ statusCode: null, error, delivered: false });
      throw new Error(`webhook of ${partner.appId}: ${error}`);
    }
    if (res.status >= 200 && res.status < 300) return attempt({ statusCode: res.status, error: null, delivered: true });
    await attempt({ statusCode: res.status, error: `answered ${res.status}`, delivered: false });
    throw new Error(`webhook of ${partner.appId} answered ${res.status}`);
  }

  async deliveries(q: WebhookDeliveryQuery & { page: number; pageSize: number }): Promise<Page<WebhookDelivery>> {
    const { rows, total } = await this.repo.webhooks({ appId: q.appId, status: q.status, caseNo: q.caseNo }, (q.page - 1) * q.pageSize, q.pageSize);
    return { items: rows.map(deliveryView), page: q.page, pageSize: q.pageSize, total };
  }

  async delivery(deliveryId: string): Promise<WebhookDelivery> {
    const row = await this.repo.webhook(deliveryId);
    if (!row) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND', `no webhook delivery ${deliveryId}`);
    return deliveryView(row);
  }

  /** A dead push once more due now (the outbox entry revived); WEBHOOK_DELIVERY_NOT_DEAD otherwise. */
  async retry(deliveryId: string): Promise<WebhookDelivery> {
    const current = await this.delivery(deliveryId);
    const entry = await this.outbox.get(deliveryId).catch(() => null);
    if (current.status !== 'dead' || !entry || entry.status !== 'dead') {
      throw new AppError('WEBHOOK_DELIVERY_NOT_DEAD', `delivery ${deliveryId} is ${current.status}; only dead pushes can be retried`, { status: current.status });
    }
    await this.outbox.retry(deliveryId);
    await this.repo.updateWebhook(deliveryId, { status: 'pending' });
    return this.delivery(deliveryId);
  }
}

function deliveryView(r: PartnerWebhookRow): WebhookDelivery {
  return {
    deliveryId: r.delivery_id,
    appId: r.app_id,
    eventId: r.event_id,
    caseNo: r.case_no,
    state: r.state as CaseState,
    status: r.status as WebhookDeliveryStatus,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: fromDbTime(r.created_at),
    lastAttemptAt: r.last_attempt_at ? fromDbTime(r.last_attempt_at) : null,
    deliveredAt: r.delivered_at ? fromDbTime(r.delivered_at) : null,
  };
}
