import { OUTBOX_RETRY_TOPIC_MAX, type OutboxEntry, type OutboxRetryTopicResponse, type Page } from '@onevisit/shared-types';
import { AppError } from '../http/errors';
import type { OutboxRepo } from './repo';

/**
 * The console's side of the outbox: dead letters and putting them back. Auditing is the
 * caller's (the route records `outbox.retry` before it retries).
 */
export class OutboxService {
  constructor(
    private readonly repo: OutboxRepo,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async listDead(query: { page: number; pageSize: number; topic?: string }): Promise<Page<OutboxEntry>> {
    const { entries, total } = await this.repo.listDead({ topic: query.topic || undefined }, (query.page - 1) * query.pageSize, query.pageSize);
    return { items: entries, page: query.page, pageSize: query.pageSize, total };
  }

  /** The entry, or OUTBOX_ENTRY_NOT_FOUND. */
  async get(id: string): Promise<OutboxEntry> {
    const entry = await this.repo.find(id);
    if (!entry) throw new AppError('OUTBOX_ENTRY_NOT_FOUND', `no outbox entry ${id}`);
    return entry;
  }

  /** A dead entry once more pending, due now, attempts reset; OUTBOX_ENTRY_NOT_DEAD otherwise. */
  async retry(id: string): Promise<OutboxEntry> {
    if (!(await this.repo.retryDead(id, this.now()))) {
      const entry = await this.get(id);
      throw new AppError('OUTBOX_ENTRY_NOT_DEAD', `outbox entry ${id} is ${entry.status}; only dead entries can be retried`, { status: entry.status });
    }
    return this.get(id);
  }

  async countDead(topic: string): Promise<number> {
    return this.repo.countDead(topic);
  }

  /** Up to OUTBOX_RETRY_TOPIC_MAX dead entries of the topic pending again; again is harmless (0 retried). */
  async retryTopic(topic: string): Promise<OutboxRetryTopicResponse> {
    const retried = await this.repo.retryDeadOfTopic(topic, this.now(), OUTBOX_RETRY_TOPIC_MAX);
    return { topic, retried, remaining: await this.repo.countDead(topic) };
  }
}
