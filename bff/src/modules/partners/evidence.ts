import type { Page, PartnerCall, PartnerCallQuery } from '@onevisit/shared-types';
import { fromDbTime, newId, toDbTime } from '../../db/sql';
import { GroupCommit } from '../../db/groupCommit';
import type { Logger } from '../../logger';
import type { PartnerCallRow, PartnerRepo } from './repo';

export interface CallRecord {
  requestId: string;
  appId: string | null;
  method: string;
  path: string;
  bodySha256: string;
  signatureResult: string;
  status: number;
  latencyMs: number;
  ip: string;
}

const PURGE_BATCH = 1000;
/** One purge run deletes at most this many batches; the next run continues. */
const PURGE_MAX_BATCHES = 100;

/**
 * Evidence of every open-API call (request id, partner, path, body hash, signature result,
 * status, latency), searchable in the console and purged after the retention period.
 */
export class Evidence {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Concurrent calls' rows share one INSERT (the bench's signed reads were bound by one INSERT each). */
  private readonly rows = new GroupCommit<PartnerCallRow>((rows) => this.repo.insertCalls(rows));

  constructor(
    private readonly repo: PartnerRepo,
    private readonly options: { retentionDays: number; logger: Pick<Logger, 'info' | 'error'> },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Resolves once the row is stored: a call is answered only after its evidence exists. */
  async record(r: CallRecord): Promise<void> {
    await this.rows.add({
      call_id: newId('call'),
      request_id: r.requestId.slice(0, 64),
      app_id: r.appId,
      method: r.method.slice(0, 16),
      path: r.path.slice(0, 500),
      body_sha256: r.bodySha256,
      signature_result: r.signatureResult,
      status: r.status,
      latency_ms: r.latencyMs,
      ip: r.ip.slice(0, 64),
      at: toDbTime(this.now()),
    });
  }

  async search(q: PartnerCallQuery & { page: number; pageSize: number }): Promise<Page<PartnerCall>> {
    const { rows, total } = await this.repo.calls(
      { appId: q.appId, requestId: q.requestId, pathPrefix: q.path, result: q.result, from: q.from && toDbTime(new Date(q.from)), to: q.to && toDbTime(new Date(q.to)) },
      (q.page - 1) * q.pageSize,
      q.pageSize,
    );
    return {
      items: rows.map((r) => ({
        requestId: r.request_id,
        appId: r.app_id,
        method: r.method,
        path: r.path,
        bodySha256: r.body_sha256,
        signatureResult: r.signature_result,
        status: r.status,
        latencyMs: r.latency_ms,
        ip: r.ip,
        at: fromDbTime(r.at),
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  /** Deletes the evidence older than the retention period, in bounded batches; the number deleted. */
  async purge(): Promise<number> {
    const before = toDbTime(new Date(this.now().getTime() - this.options.retentionDays * 86_400_000));
    let deleted = 0;
    for (let i = 0; i < PURGE_MAX_BATCHES; i++) {
      const n = await this.repo.purgeCalls(before, PURGE_BATCH);
      deleted += n;
      if (n < PURGE_BATCH) break;
    }
    if (deleted) this.options.logger.info({ deleted, before }, 'open API evidence purged');
    return deleted;
  }

  /** Runs the purge every `seconds` (0 = never); one run at a time per process. */
  start(seconds: number): void {
    if (!seconds || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.purge()
        .catch((err: unknown) => {
          this.options.logger.error({ err }, 'open API evidence purge failed');
          return 0;
        })
        .finally(() => {
          this.running = null;
        });
    }, seconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
