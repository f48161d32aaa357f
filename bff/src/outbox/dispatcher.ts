import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../logger';
import { assertTopic } from './enqueue';
import { describeFailure, isPermanentFailure, PermanentFailure } from './failure';
import type { ClaimedEntry, OutboxRepo } from './repo';

export interface OutboxHandlerMeta {
  /** The outbox row's id: a stable idempotency key for the receiving side (delivery is at least once). */
  id: string;
  topic: string;
  /** 1 on the first delivery. */
  attempt: number;
  /** Aborted when the handler runs past `handlerTimeoutMs`; pass it to fetch. */
  signal: AbortSignal;
}

/** Delivers one payload. Resolving = delivered; throwing = retry later; PermanentFailure = dead now. */
export type OutboxHandler<P = unknown> = (payload: P, meta: OutboxHandlerMeta) => Promise<void>;

export interface BackoffOptions {
  /** The first retry waits up to this long (default 2 s). */
  baseMs: number;
  /** No retry waits longer than this (default 1 h). */
  capMs: number;
}

export interface DispatcherOptions {
  /** Identifies this process in `lease_owner` (default `host:pid:random`); at most 48 characters. */
  owner?: string;
  logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** The app's prom-client registry (one dispatcher per registry). */
  registry?: Registry;
  now?: () => Date;
  /** Uniform in [0, 1): the jitter source. */
  random?: () => number;
  /** A failing entry is dead after this many deliveries (default 8). */
  maxAttempts?: number;
  backoff?: Partial<BackoffOptions>;
  /** How long a claim holds a row (default 30 s, at most 60 s). */
  leaseMs?: number;
  /** A handler running longer fails (and its signal aborts); below leaseMs (default leaseMs − 5 s). */
  handlerTimeoutMs?: number;
  /** Deliveries running at once per dispatcher (default 4). */
  concurrency?: number;
  /** Rows claimed per poll by the loop (default 20). */
  batchSize?: number;
}

export interface RunResult {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
  /** Outcomes not written because the lease had expired and another dispatcher took the row. */
  leaseLost: number;
}

const MAX_LEASE_MS = 60_000;
const MAX_ERROR_PAUSE_MS = 30_000;

function emptyResult(): RunResult {
  return { claimed: 0, delivered: 0, retried: 0, dead: 0, leaseLost: 0 };
}

/**
 * Exponential backoff with full jitter: a uniformly random wait in [0, min(cap, base·2^(n−1))).
 * Jitter spreads the retries of many entries that failed together (an upstream outage) so they
 * do not return as one wave.
 */
export function retryDelayMs(attempt: number, backoff: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * ceiling);
}

function defaultOwner(): string {
  return `${os.hostname().replace(/[^\w.-]/g, '').slice(0, 24) || 'host'}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function positiveInt(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`outbox dispatcher: ${name} must be an integer in 1..${max}`);
  return value;
}

interface DispatcherMetrics {
  deliveries: Counter<'topic' | 'outcome'>;
  duration: Histogram<'topic'>;
}

/**
 * Delivers outbox rows to the handler registered for their topic. Several dispatchers (in one
 * process or many) may run against one database: each claims due rows under a lease, so a row is
 * delivered by one of them at a time; a dispatcher that dies leaves leases that expire, and the
 * rows are claimed again. Delivery is at least once: handlers pass `meta.id` on as an
 * idempotency key. Payloads are never logged.
 */
export class OutboxDispatcher {
  readonly owner: string;
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly now: () => Date;
  private readonly random: () => number;
  /** Deliveries before an entry is dead (handlers that keep their own status need to know). */
  readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly leaseMs: number;
  private readonly handlerTimeoutMs: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly log: DispatcherOptions['logger'];
  private readonly metrics?: DispatcherMetrics;
  private claimSeq = 0;
  /** runOnce calls of one instance run one after another. */
  private tail: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly repo: OutboxRepo,
    options: DispatcherOptions = {},
  ) {
    this.owner = options.owner ?? defaultOwner();
    if (!/^[\w.:-]{1,48}$/.test(this.owner)) throw new RangeError('outbox dispatcher: owner must be 1–48 characters of [A-Za-z0-9_.:-]');
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.maxAttempts = positiveInt('maxAttempts', options.maxAttempts ?? 8, 100);
    this.backoff = {
      baseMs: positiveInt('backoff.baseMs', options.backoff?.baseMs ?? 2_000),
      capMs: positiveInt('backoff.capMs', options.backoff?.capMs ?? 3_600_000),
    };
    this.leaseMs = positiveInt('leaseMs', options.leaseMs ?? 30_000, MAX_LEASE_MS);
    // Leave time to record the outcome before the lease runs out.
    const defaultTimeout = this.leaseMs > 10_000 ? this.leaseMs - 5_000 : Math.max(1, Math.floor(this.leaseMs / 2));
    this.handlerTimeoutMs = positiveInt('handlerTimeoutMs', options.handlerTimeoutMs ?? defaultTimeout, Math.max(1, this.leaseMs - 1));
    this.concurrency = positiveInt('concurrency', options.concurrency ?? 4, 256);
    this.batchSize = positiveInt('batchSize', options.batchSize ?? 20, 1_000);
    this.log = options.logger;
    if (options.registry) this.metrics = this.createMetrics(options.registry);
  }

  /** One handler per topic; registering a topic twice is a programming error. */
  register<P = unknown>(topic: string, handler: OutboxHandler<P>): this {
    assertTopic(topic);
    if (this.handlers.has(topic)) throw new Error(`outbox topic ${topic} already has a handler`);
    this.handlers.set(topic, handler as OutboxHandler);
    return this;
  }

  get topics(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Claims up to `limit` due rows of the registered topics, delivers them (at most `concurrency`
   * at a time) and records each outcome. Resolves when every claimed row is settled. After stop()
   * it claims nothing more.
   */
  runOnce(limit: number = this.batchSize): Promise<RunResult> {
    positiveInt('limit', limit, 1_000);
    const run = this.tail.then(() => (this.stopping ? emptyResult() : this.dispatch(limit)));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Polls every `intervalMs` (at once again while batches come back full), until stop(). A failed
   * poll (database unreachable) is logged and retried after a growing pause.
   */
  start(intervalMs = 1_000): void {
    positiveInt('intervalMs', intervalMs, 3_600_000);
    if (this.loop || this.stopping) return;
    this.loop = this.pollLoop(intervalMs);
  }

  /** Stops polling and resolves once in-flight deliveries are recorded. Safe to call repeatedly. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      this.wake?.();
      await this.loop;
      await this.tail;
    })());
  }

  get running(): boolean {
    return this.loop !== null && this.stopping === null;
  }

  private async pollLoop(intervalMs: number): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let pause = intervalMs;
      try {
        const result = await this.runOnce(this.batchSize);
        failures = 0;
        if (result.claimed >= this.batchSize) pause = 0;
      } catch (err) {
        failures += 1;
        pause = Math.min(MAX_ERROR_PAUSE_MS, intervalMs * 2 ** Math.min(failures, 10));
        this.log?.error({ error: describeFailure(err), failures, retryInMs: pause }, 'outbox poll failed');
      }
      if (this.stopping) break;
      await this.pause(pause);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.wake = done;
    });
  }

  /**
   * Claims in waves of `concurrency` rows and delivers each wave at once, so every claimed row
   * starts right after its claim and its lease outlives the handler's timeout (claiming the whole
   * batch up front would let the leases of the rows at its tail run out while they wait).
   */
  private async dispatch(limit: number): Promise<RunResult> {
    const result = emptyResult();
    if (!this.handlers.size) return result;
    let remaining = limit;
    while (remaining > 0 && !this.stopping) {
      const want = Math.min(remaining, this.concurrency);
      this.claimSeq += 1;
      const leaseToken = `${this.owner}#${this.claimSeq.toString(36)}`;
      const claimed = await this.repo.claim({ leaseToken, topics: this.topics, now: this.now(), leaseMs: this.leaseMs, limit: want });
      result.claimed += claimed.length;
      remaining -= claimed.length;
      await Promise.all(claimed.map((entry) => this.deliver(entry, leaseToken, result)));
      if (claimed.length < want) break;
    }
    return result;
  }

  /** Never throws: a failure to record the outcome leaves the lease to expire and the row to be retried. */
  private async deliver(entry: ClaimedEntry, leaseToken: string, result: RunResult): Promise<void> {
    const { id, topic, attempt } = entry;
    let payload: unknown;
    let failure: unknown = null;
    const started = process.hrtime.bigint();
    if (attempt > this.maxAttempts) {
      // Claimed again after its leases ran out (the dispatcher died mid-delivery each time).
      failure = new PermanentFailure(`gave up after ${attempt - 1} deliveries, the last without an outcome (dispatcher stopped or lease expired)`);
    } else {
      try {
        payload = JSON.parse(entry.payload);
      } catch {
        // JSON.parse's message quotes the text: never let it near last_error or the logs.
        failure = new PermanentFailure('the stored payload is not valid JSON');
      }
    }
    if (failure === null) {
      try {
        await this.callHandler(this.handlers.get(topic)!, payload, { id, topic, attempt });
      } catch (err) {
        failure = err ?? new Error('handler threw a nullish value');
      }
    }
    this.metrics?.duration.observe({ topic }, Number(process.hrtime.bigint() - started) / 1e9);

    const now = this.now();
    try {
      let outcome: 'delivered' | 'retried' | 'dead';
      let recorded: boolean;
      if (failure === null) {
        outcome = 'delivered';
        recorded = await this.repo.markDelivered(id, leaseToken, now);
      } else {
        const error = describeFailure(failure, payload);
        if (isPermanentFailure(failure) || attempt >= this.maxAttempts) {
          outcome = 'dead';
          recorded = await this.repo.markDead(id, leaseToken, now, error);
          if (recorded) this.log?.error({ outboxId: id, topic, attempt, permanent: isPermanentFailure(failure), error }, 'outbox entry dead-lettered');
        } else {
          outcome = 'retried';
          const delay = retryDelayMs(attempt, this.backoff, this.random);
          recorded = await this.repo.scheduleRetry(id, leaseToken, now, new Date(now.getTime() + delay), error);
          if (recorded) this.log?.warn({ outboxId: id, topic, attempt, retryInMs: delay, error }, 'outbox delivery failed; will retry');
        }
      }
      if (recorded) {
        result[outcome] += 1;
        this.metrics?.deliveries.inc({ topic, outcome });
        if (outcome === 'delivered') this.log?.debug({ outboxId: id, topic, attempt }, 'outbox entry delivered');
      } else {
        result.leaseLost += 1;
        this.metrics?.deliveries.inc({ topic, outcome: 'lease_lost' });
        this.log?.warn({ outboxId: id, topic, attempt, outcome }, 'outbox lease expired before the outcome was recorded; another dispatcher has the entry');
      }
    } catch (err) {
      this.log?.error({ outboxId: id, topic, attempt, error: describeFailure(err) }, 'could not record an outbox outcome; the entry is retried when its lease expires');
    }
  }

  private async callHandler(handler: OutboxHandler, payload: unknown, meta: Omit<OutboxHandlerMeta, 'signal'>): Promise<void> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`handler did not finish within ${this.handlerTimeoutMs} ms`);
        error.name = 'HandlerTimeout';
        controller.abort(error);
        reject(error);
      }, this.handlerTimeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => handler(payload, { ...meta, signal: controller.signal })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private createMetrics(registry: Registry): DispatcherMetrics {
    const repo = this.repo;
    const now = this.now;
    let backlog: ReturnType<OutboxRepo['backlog']> | null = null;
    // One query per scrape for both gauges.
    const currentBacklog = () => {
      if (!backlog) {
        backlog = repo.backlog(now());
        setTimeout(() => (backlog = null), 1_000).unref?.();
      }
      return backlog;
    };
    new Gauge({
      name: 'outbox_entries',
      help: 'Outbox entries waiting for delivery (pending) or for a person (dead)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        try {
          const b = await currentBacklog();
          this.set({ status: 'pending' }, b.pending);
          this.set({ status: 'dead' }, b.dead);
        } catch {
          // the database is unreachable: the health check says so; keep the last values
        }
      },
    });
    new Gauge({
      name: 'outbox_oldest_due_seconds',
      help: 'How long the oldest due pending outbox entry has been waiting (0 when none)',
      registers: [registry],
      async collect() {
        try {
          const b = await currentBacklog();
          this.set(b.oldestDueAt ? Math.max(0, (now().getTime() - b.oldestDueAt.getTime()) / 1000) : 0);
        } catch {
          // as above
        }
      },
    });
    return {
      deliveries: new Counter({
        name: 'outbox_deliveries_total',
        help: 'Outbox delivery outcomes by topic (delivered, retried, dead, lease_lost)',
        labelNames: ['topic', 'outcome'] as const,
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'outbox_delivery_duration_seconds',
        help: 'Time a handler took to deliver one outbox entry (successes and failures)',
        labelNames: ['topic'] as const,
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
    };
  }
}
