import {
  consolePaths,
  CreatePartnerRequestSchema,
  MappingProfileListSchema,
  PartnerCallPageSchema,
  PartnerCallQuerySchema,
  PartnerListSchema,
  PartnerParamsSchema,
  PartnerSchema,
  PartnerSecretIssuedSchema,
  UpdatePartnerRequestSchema,
  WebhookDeliveryPageSchema,
  WebhookDeliveryParamsSchema,
  WebhookDeliveryQuerySchema,
  WebhookDeliverySchema,
  type AuditAction,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import { defineRoute, pattern, type AnyRouteDef } from '../../http/route';
import type { AuditService } from '../audit/service';
import type { Evidence } from './evidence';
import type { PartnerFeed } from './feed';
import type { PartnerRegistry } from './registry';

export interface PartnerConsoleDeps {
  registry: PartnerRegistry;
  feed: PartnerFeed;
  evidence: Evidence;
  audit: AuditService;
}

const tags = ['console', 'partners'];
const READ = ['SESSION_INVALID', 'PERMISSION_DENIED'] as const;
const WRITE = ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID'] as const;

/** The console's partner registry, webhook deliveries and call evidence. Changes are audited first. */
export function partnerConsoleRoutes({ registry, feed, evidence, audit }: PartnerConsoleDeps): AnyRouteDef[] {
  const record = (ctx: Context, action: AuditAction, subject: { type: string; id: string }, details?: Record<string, unknown>) => {
    const staff = ctx.state.staff!;
    return audit.record({ actor: { type: 'staff', id: staff.staffId, name: staff.displayName }, action, subject, requestId: ctx.state.requestId, ip: ctx.ip, details });
  };
  const partner = (appId: string) => ({ type: 'partner', id: appId });
  /** A secret action on an existing partner: 404 first, then the audit row, then the act. */
  const auditedSecretAction =
    <T>(action: AuditAction, act: (appId: string) => Promise<T>) =>
    async ({ params }: { params: { appId: string } }, ctx: Context): Promise<T> => {
      await registry.get(params.appId);
      await record(ctx, action, partner(params.appId));
      return act(params.appId);
    };
  return [
    defineRoute({
      method: 'get',
      path: consolePaths.partners,
      summary: 'Open-API partners (government platforms, relying parties); secrets only as hints',
      tags,
      security: 'staff',
      permission: 'partners:read',
      response: PartnerListSchema,
      errors: [...READ],
      handler: async () => ({ partners: await registry.list() }),
    }),
    defineRoute({
      method: 'post',
      path: consolePaths.partners,
      summary: 'Register a partner; its API secret and webhook secret are shown once in the answer',
      tags,
      security: 'staff',
      permission: 'partners:manage',
      body: CreatePartnerRequestSchema,
      response: PartnerSecretIssuedSchema,
      errors: [...WRITE, 'PARTNER_EXISTS', 'MAPPING_PROFILE_UNKNOWN'],
      handler: async ({ body }, ctx) => {
        const issued = await registry.create(body);
        await record(ctx, 'partner.create', partner(body.appId), { scopes: body.scopes, profileId: issued.partner.profileId });
        return issued;
      },
    }),
    defineRoute({
      method: 'get',
      path: pattern(consolePaths.partner(':appId')),
      summary: 'One partner',
      tags,
      security: 'staff',
      permission: 'partners:read',
      params: PartnerParamsSchema,
      response: PartnerSchema,
      errors: [...READ, 'PARTNER_NOT_FOUND'],
      handler: ({ params }) => registry.get(params.appId),
    }),
    defineRoute({
      method: 'patch',
      path: pattern(consolePaths.partner(':appId')),
      summary: "Change a partner's settings (scopes, allow-list, rate, webhook URL, profile, enabled)",
      tags,
      security: 'staff',
      permission: 'partners:manage',
      params: PartnerParamsSchema,
      body: UpdatePartnerRequestSchema,
      response: PartnerSchema,
      errors: [...WRITE, 'PARTNER_NOT_FOUND', 'MAPPING_PROFILE_UNKNOWN'],
      handler: async ({ params, body }, ctx) => {
        await registry.get(params.appId);
        await record(ctx, 'partner.update', partner(params.appId), { changed: Object.keys(body) });
        return registry.update(params.appId, body);
      },
    }),
    defineRoute({
      method: 'post',
      path: pattern(consolePaths.partnerSecretRotate(':appId')),
      summary: 'Issue a new API secret (shown once); the old one stays valid as "previous" until retired',
      tags,
      security: 'staff',
      permission: 'partners:manage',
      params: PartnerParamsSchema,
      response: PartnerSecretIssuedSchema,
      errors: [...WRITE, 'PARTNER_NOT_FOUND'],
      handler: auditedSecretAction('partner.secret_rotate', (appId) => registry.rotateSecret(appId)),
    }),
    defineRoute({
      method: 'delete',
      path: pattern(consolePaths.partnerSecretPrevious(':appId')),
      summary: 'Retire the previous API secret once the partner has switched',
      tags,
      security: 'staff',
      permission: 'partners:manage',
      params: PartnerParamsSchema,
      response: PartnerSchema,
      errors: [...WRITE, 'PARTNER_NOT_FOUND', 'PARTNER_NO_PREVIOUS_SECRET'],
      handler: auditedSecretAction('partner.secret_retire', (appId) => registry.retirePreviousSecret(appId)),
    }),
    defineRoute({
      method: 'post',
      path: pattern(consolePaths.partnerWebhookSecretRotate(':appId')),
      summary: 'Issue a new webhook signing secret (shown once)',
      tags,
      security: 'staff',
      permission: 'partners:manage',
      params: PartnerParamsSchema,
      response: PartnerSecretIssuedSchema,
      errors: [...WRITE, 'PARTNER_NOT_FOUND'],
      handler: auditedSecretAction('partner.webhook_secret_rotate', (appId) => registry.rotateWebhookSecret(appId)),
    }),
    defineRoute({
      method: 'get',
      path: consolePaths.partnerProfiles,
      summary: 'The mapping profiles a partner can be given',
      tags,
      security: 'staff',
      permission: 'partners:read',
      response: MappingProfileListSchema,
      errors: [...READ],
      handler: async () => ({ profiles: registry.profileList() }),
    }),
    defineRoute({
      method: 'get',
      path: consolePaths.partnerWebhooks,
      summary: 'Webhook pushes to partners, newest first, with their attempts and last failure',
      tags,
      security: 'staff',
      permission: 'partners:read',
      query: WebhookDeliveryQuerySchema,
      response: WebhookDeliveryPageSchema,
      errors: [...READ],
      handler: ({ query }) => feed.deliveries(query),
    }),
    defineRoute({
      method: 'post',
      path: pattern(consolePaths.partnerWebhookRetry(':deliveryId')),
      summary: 'Push a dead webhook again (due now, attempts reset); audited',
      tags,
      security: 'staff',
      permission: 'partners:manage',
      params: WebhookDeliveryParamsSchema,
      response: WebhookDeliverySchema,
      errors: [...WRITE, 'WEBHOOK_DELIVERY_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_DEAD'],
      handler: async ({ params }, ctx) => {
        const delivery = await feed.delivery(params.deliveryId);
        await record(ctx, 'partner.webhook_retry', { type: 'webhook_delivery', id: delivery.deliveryId }, { appId: delivery.appId, eventId: delivery.eventId, attempts: delivery.attempts });
        return feed.retry(params.deliveryId);
      },
    }),
    defineRoute({
      method: 'get',
      path: consolePaths.partnerCalls,
      summary: 'Evidence of open-API calls: request id, partner, path, body hash, signature result, status, latency',
      tags,
      security: 'staff',
      permission: 'partners:read',
      query: PartnerCallQuerySchema,
      response: PartnerCallPageSchema,
      errors: [...READ],
      handler: ({ query }) => evidence.search(query),
    }),
  ];
}
