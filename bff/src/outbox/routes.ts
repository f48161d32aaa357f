import { consolePaths } from '@onevisit/shared-types';
import type { Context } from 'koa';
import { OutboxDeadListResponseSchema, OutboxDeadQuerySchema, OutboxIdParamsSchema, OutboxRetryResponseSchema } from '@onevisit/shared-types';
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
export const outboxConsolePaths = { dead: consolePaths.outboxDead, retry: consolePaths.outboxRetry } as const;

/** Dead letters for the console (mounted on the /console/api router, staff authenticator). */
export function outboxRoutes({ outbox, audit }: OutboxRouteDeps): AnyRouteDef[] {
  const tags = ['console', 'outbox'];
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
        const staff = ctx.state.staff!;
        // Recorded before the change: if the audit row cannot be written, nothing is retried.
        await audit.record({
          actor: { type: 'staff', id: staff.staffId, name: staff.displayName },
          action: 'outbox.retry',
          subject: { type: 'outbox', id: entry.id },
          requestId: ctx.state.requestId,
          ip: ctx.ip,
          details: { topic: entry.topic, attempts: entry.attempts },
        });
        return outbox.retry(entry.id);
      },
    }),
  ];
}
