/**
 * Our pushes to the provincial platform (湖南省一件事一次办 / 政务服务平台), besides its calls to our
 * open API:
 *
 * - 办件信息汇聚: every citizen-visible status change of a case whose item the province handles
 *   (PROVINCE_PUSH_ITEMS: item codes or `*`) is queued in the case's own transaction as outbox
 *   topic `province.case_event` (dedupe key: the event id; payload: the canonical OpenCaseEvent),
 *   so no status change can be missed. `serialNo` is the partner serial number (申办流水号) when
 *   the case came through the open API, else the case number.
 * - 事项目录推送: a job reads the catalogue's incremental sync (`changesSince`) from a durable
 *   cursor (table `province_push_state`) page by page and queues `province.catalog_item` per
 *   changed item (dedupe key `${itemCode}:${updatedAt}`: a version is queued once), advancing
 *   the cursor in the same transaction (compare-and-set: several BFF processes may run it).
 *
 * The outbox handlers call the ProvincePort (`adapters/province`): 'rejected' → PermanentFailure
 * (dead letter, retried from the console), anything else → retried with backoff. A catalogue
 * entry pushes the item as the catalogue holds it when delivered; an entry overtaken by a newer
 * version of its item is skipped (the newer version has, or will have, its own entry), so a late
 * retry never overwrites a newer version at the province. Case events of one case are delivered
 * independently: after a retry the province may see them out of order (each carries occurredAt).
 */
import type { Transaction } from 'kysely';
import { CASE_ACTION_NAMES, CASE_STATE_NAMES, OpenCaseEventSchema, OpenCatalogItemSchema, type OpenCaseEvent } from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import type { ProvincePort } from '../../adapters/province/port';
import type { Database, Tables } from '../../db';
import { AppError } from '../../http/errors';
import type { Logger } from '../../logger';
import { enqueue, PermanentFailure, type OutboxDispatcher } from '../../outbox';
import type { CaseEventSink, CaseEventView } from '../applications';
import type { CatalogService } from '../catalog/service';
import type { PartnerRepo } from './repo';

export const PROVINCE_CASE_EVENT_TOPIC = 'province.case_event';
export const PROVINCE_CATALOG_ITEM_TOPIC = 'province.catalog_item';
const CATALOG_STREAM = 'catalog';

interface CatalogItemPayload {
  itemCode: string;
  updatedAt: string;
}

export interface ProvincePushDeps {
  database: Database;
  catalog: CatalogService;
  /** The partner serial number of a case (read with the case's transaction) and the push cursor. */
  repo: PartnerRepo;
  port: ProvincePort;
  /** Item codes the province handles, or `*`. */
  items: '*' | readonly string[];
  logger: Logger;
  /** Items read per catalogue page; default 100. */
  pageSize?: number;
}

export interface ProvinceCatalogJob {
  /** Queues every item changed since the stored cursor; one run at a time per process. */
  runOnce(): Promise<{ queued: number; pages: number }>;
  /** Runs every `seconds` (0 = never). */
  start(seconds: number): void;
  stop(): Promise<void>;
}

export interface ProvincePush {
  /** Register with `cases.addEventSink`. */
  sink: CaseEventSink;
  /** The outbox handlers of both topics. */
  register(dispatcher: OutboxDispatcher): void;
  job: ProvinceCatalogJob;
}

/** The CAS lost: another process advanced the cursor first. */
class CursorMoved extends Error {}

export function createProvincePush(d: ProvincePushDeps): ProvincePush {
  const log = d.logger.child({ component: 'province-push' });
  const handles = (itemCode: string) => d.items === '*' || d.items.includes(itemCode);
  const { db } = d.database;

  // ---- 办件信息汇聚: inside the case's transaction, SQL through `trx` only ----

  const sink: CaseEventSink = {
    async recordCaseEvents(trx: Transaction<Tables>, c: { caseNo: string; itemCode: string }, events: CaseEventView[]) {
      if (!handles(c.itemCode)) return;
      const visible = events.filter((e) => e.visible);
      if (!visible.length) return;
      const link = await d.repo.byCase(c.caseNo, trx);
      const serialNo = link?.serial_no ?? c.caseNo;
      for (const e of visible) {
        const parsed = OpenCaseEventSchema.safeParse({
          eventId: e.eventId,
          type: 'case.status_changed',
          occurredAt: e.at,
          caseNo: c.caseNo,
          serialNo,
          itemCode: c.itemCode,
          action: e.action,
          actionName: CASE_ACTION_NAMES[e.action],
          state: e.state,
          stateName: CASE_STATE_NAMES[e.state],
          note: e.note,
        } satisfies OpenCaseEvent);
        if (!parsed.success) {
          // Never fail the citizen's move over a push: say so loudly instead.
          log.error({ eventId: e.eventId, field: parsed.error.issues[0]?.path.join('.') }, 'case event not pushable to the province');
          continue;
        }
        await enqueue(trx, { topic: PROVINCE_CASE_EVENT_TOPIC, dedupeKey: e.eventId, payload: parsed.data });
      }
    },
  };

  // ---- 事项目录推送: the catalogue cursor ----

  async function sync(): Promise<{ queued: number; pages: number }> {
    const pageSize = d.pageSize ?? 100;
    let cursor = await d.repo.pushCursor(CATALOG_STREAM);
    let queued = 0;
    let pages = 0;
    for (;;) {
      const page = await d.catalog.changesSince(cursor, pageSize);
      if (!page.items.length || page.nextCursor === cursor) break;
      try {
        await db.transaction().execute(async (trx) => {
          for (const item of page.items) {
            if (!handles(item.itemCode)) continue;
            const r = await enqueue(trx, {
              topic: PROVINCE_CATALOG_ITEM_TOPIC,
              dedupeKey: `${item.itemCode}:${item.updatedAt}`,
              payload: { itemCode: item.itemCode, updatedAt: item.updatedAt } satisfies CatalogItemPayload,
            });
            if (r.created) queued += 1;
          }
          if (!(await d.repo.movePushCursor(trx, CATALOG_STREAM, cursor, page.nextCursor))) throw new CursorMoved();
        });
      } catch (err) {
        if (err instanceof CursorMoved) break; // another process is syncing; it carries on
        throw err;
      }
      pages += 1;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    if (queued) log.info({ queued, pages }, 'catalogue changes queued for the province');
    return { queued, pages };
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<{ queued: number; pages: number }> | null = null;

  const job: ProvinceCatalogJob = {
    runOnce() {
      running ??= sync().finally(() => {
        running = null;
      });
      return running;
    },
    start(seconds) {
      if (!seconds || timer) return;
      const tick = () => {
        if (running) return;
        job.runOnce().catch((err: unknown) => log.error({ err }, 'catalogue push to the province failed'));
      };
      timer = setInterval(tick, seconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };

  // ---- delivery ----

  async function deliver(what: string, push: () => Promise<void>): Promise<void> {
    try {
      await push();
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected') throw new PermanentFailure(`the province refused the ${what} (${err.upstreamCode})`, { cause: err });
      throw err;
    }
  }

  function register(dispatcher: OutboxDispatcher): void {
    dispatcher.register<OpenCaseEvent>(PROVINCE_CASE_EVENT_TOPIC, (event) => deliver('case event', () => d.port.pushCaseEvent(event)));
    dispatcher.register<CatalogItemPayload>(PROVINCE_CATALOG_ITEM_TOPIC, async (p) => {
      let item;
      try {
        item = OpenCatalogItemSchema.parse(await d.catalog.requireItem(p.itemCode));
      } catch (err) {
        if (err instanceof AppError && err.code === 'ITEM_NOT_FOUND') throw new PermanentFailure('the item is gone from the catalogue');
        throw err;
      }
      if (item.updatedAt > p.updatedAt) return; // overtaken by a newer version, which has its own entry
      if (item.updatedAt < p.updatedAt) throw new Error('the catalogue read is older than the queued version (a stale cache): retry');
      await deliver('catalogue item', () => d.port.pushCatalogItem(item));
    });
  }

  return { sink, register, job };
}
