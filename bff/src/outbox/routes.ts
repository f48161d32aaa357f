import { consolePaths } from '@onevisit/shared-types';
import type { Context } from 'koa';
import {
  OutboxDeadListResponseSchema,
  OutboxDeadQuerySchema,
  OutboxIdParamsSchema,
  OutboxRetryResponseSchema,
  OutboxRetryTopicRequestSchema,
  OutboxRetryTopicResponseSchema,
  type AuditAction,
} from '@onevisit/shared-types';
import { AppError } from '../http/errors';
import { defineRoute, type AnyRouteDef } from '../http/route';
import type { AuditService } from '../modules/audit/service';
import type { OutboxService } from './service';

export interface OutboxRouteDeps {
  outbox: OutboxService;
  audit: AuditService;
}

/** Console paths (relative to /console/api). */
/** The console's outbox paths, from the shared contract. */
export const outboxConsolePaths = { dead: consolePaths.outboxDead, retry: consolePaths.outboxRetry, retryTopic: consolePaths.outboxRetryTopic } as const;

/** Dead letters for the console (mounted on the /console/api router, staff authenticator). */
export function outboxRoutes({ outbox, audit }: OutboxRouteDeps): AnyRouteDef[] {
  const tags = ['console', 'outbox'];
  // Recorded before the change: if the audit row cannot be written, nothing is retried.
  const record = (ctx: Context, action: AuditAction, subject: { type: string; id: string }, details: Record<string, unknown>) => {
    const staff = ctx.state.staff!;
    return audit.record({ actor: { type: 'staff', id: staff.staffId, name: staff.displayName }, action, subject, requestId: ctx.state.requestId, ip: ctx.ip, details });
  };
  return [
    defineRoute({
      method: 'get',
      path: outboxConsolePaths.dead,
      summary: 'Outbox entries that gave up (dead letters), newest first; payloads are never shown',
      tags,
      security: 'staff',
      permission: 'audit:read',
      query: OutboxDeadQuerySchema,
      response: OutboxDeadListResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED'],
      handler: ({ query }) => outbox.listDead(query),
    }),
    defineRoute({
      method: 'post',
      path: '/outbox/:id/retry',
      summary: 'Put a dead outbox entry back to pending (attempts reset, due now); audited',
      tags,
      security: 'staff',
      permission: 'outbox:manage',
      params: OutboxIdParamsSchema,
      response: OutboxRetryResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID', 'OUTBOX_ENTRY_NOT_FOUND', 'OUTBOX_ENTRY_NOT_DEAD'],
      handler: async ({ params }, ctx: Context) => {
        const entry = await outbox.get(params.id);
        if (entry.status !== 'dead') {
          throw new AppError('OUTBOX_ENTRY_NOT_DEAD', `outbox entry ${entry.id} is ${entry.status}; only dead entries can be retried`, { status: entry.status });
        }
        await record(ctx, 'outbox.retry', { type: 'outbox', id: entry.id }, { topic: entry.topic, attempts: entry.attempts });
        return outbox.retry(entry.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: outboxConsolePaths.retryTopic,
      summary: 'Put every dead entry of one topic back to pending (up to 500 per call; attempts reset, due now); audited',
      tags,
      security: 'staff',
      permission: 'outbox:manage',
      body: OutboxRetryTopicRequestSchema,
      response: OutboxRetryTopicResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID', 'VALIDATION_FAILED'],
      handler: async ({ body }, ctx: Context) => {
        // Nothing dead: nothing to audit or do (a repeated click answers retried 0).
        const dead = await outbox.countDead(body.topic);
        if (dead === 0) return { topic: body.topic, retried: 0, remaining: 0 };
        await record(ctx, 'outbox.retry_topic', { type: 'outbox_topic', id: body.topic }, { dead });
        return outbox.retryTopic(body.topic);
      },
    }),
  ];
}
