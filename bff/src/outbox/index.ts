/**
 * The transactional outbox: side effects that leave the process are written with `enqueue` in
 * the same transaction as the state change, and an OutboxDispatcher delivers them.
 */
export { enqueue, OutboxEnqueueError, TOPIC_PATTERN, type EnqueueInput, type EnqueueResult } from './enqueue';
export { OutboxDispatcher, retryDelayMs, type BackoffOptions, type DispatcherOptions, type OutboxHandler, type OutboxHandlerMeta, type RunResult } from './dispatcher';
export { PermanentFailure, describeFailure } from './failure';
export { outboxMigrations } from './migrations';
export { OutboxRepo, type Backlog, type ClaimedEntry } from './repo';
export { outboxRoutes, outboxConsolePaths, type OutboxRouteDeps } from './routes';
export { OutboxService } from './service';
export type { OutboxTable } from './table';
