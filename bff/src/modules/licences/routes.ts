import {
  apiPaths,
  CreateGrantRequestSchema,
  CreatePresentationRequestSchema,
  GranteeListSchema,
  GrantParamsSchema,
  LicenceDetailSchema,
  LicenceGrantListSchema,
  LicenceGrantSchema,
  LicenceListSchema,
  LicenceParamsSchema,
  LicenceUsagePageSchema,
  LicenceUsageQuerySchema,
  OpenGrantedLicenceSchema,
  OpenGrantReadQuerySchema,
  openPaths,
  PresentationSchema,
  VerifyLicenceRequestSchema,
  VerifyLicenceResponseSchema,
  type ErrorCode,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import { defineRoute, pattern, type AnyRouteDef } from '../../http/route';
import { openRoute } from '../partners/gateway';
import type { PartnerRegistry } from '../partners/registry';
import type { LicenceService } from './service';

const me = (ctx: Context) => ctx.state.citizen!.userId;
const L3: ErrorCode[] = ['IDENTITY_LEVEL_REQUIRED'];

/** The citizen's wallet, presentations, usage records and grants under /api/v1. */
export function licenceRoutes(licences: LicenceService, registry: PartnerRegistry): AnyRouteDef[] {
  const base = { tags: ['licences'], security: 'citizen' as const };
  return [
    // Static paths first: `/licence-usages` etc. never collide with a licence id, but keep the rule.
    defineRoute({
      ...base,
      method: 'get',
      path: apiPaths.licenceUsages,
      summary: 'Who verified or read my licences, when, for what (usage records), newest first',
      query: LicenceUsageQuerySchema,
      response: LicenceUsagePageSchema,
      handler: ({ query }, ctx) => licences.usages(me(ctx), query),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: apiPaths.licenceGrantees,
      summary: 'Partners that accept licence grants (授权使用), to choose from',
      response: GranteeListSchema,
      handler: async () => ({ partners: (await registry.withScope('licences:grant')).map((p) => ({ appId: p.appId, name: p.name, relyingPartyType: p.relyingPartyType })) }),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: apiPaths.licenceGrants,
      summary: 'My grants, newest first, with their status',
      response: LicenceGrantListSchema,
      handler: async (_i, ctx) => ({ grants: await licences.grants(me(ctx)) }),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: apiPaths.licenceGrants,
      summary: 'Grant a named partner time-limited access to chosen fields of a licence; idempotent by idempotencyKey',
      body: CreateGrantRequestSchema,
      response: LicenceGrantSchema,
      errors: [...L3, 'LICENCE_NOT_FOUND', 'GRANTEE_UNKNOWN', 'LICENCE_FIELD_UNKNOWN', 'IDEMPOTENCY_KEY_REUSED'],
      handler: async ({ body }, ctx) => {
        const grantee = (await registry.withScope('licences:grant')).find((p) => p.appId === body.appId) ?? null;
        return licences.grant(me(ctx), body, grantee && { appId: grantee.appId, name: grantee.name });
      },
    }),
    defineRoute({
      ...base,
      method: 'delete',
      path: pattern(apiPaths.licenceGrant(':grantId')),
      summary: 'Revoke a grant; the partner can no longer read the licence',
      params: GrantParamsSchema,
      response: LicenceGrantSchema,
      errors: ['GRANT_NOT_FOUND'],
      handler: ({ params }, ctx) => licences.revokeGrant(me(ctx), params.grantId),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: apiPaths.licences,
      summary: 'My electronic licences (L3), masked, refreshed from the licence library when stale',
      response: LicenceListSchema,
      errors: [...L3, 'UPSTREAM_UNAVAILABLE'],
      handler: (_i, ctx) => licences.list(me(ctx)),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(apiPaths.licence(':licenceId')),
      summary: 'One licence with its fields masked',
      params: LicenceParamsSchema,
      response: LicenceDetailSchema,
      errors: [...L3, 'LICENCE_NOT_FOUND'],
      handler: ({ params }, ctx) => licences.detail(me(ctx), params.licenceId),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.licenceReveal(':licenceId')),
      summary: 'One licence in full: only within minutes of a face check (FRESH_FACE_REQUIRED otherwise)',
      params: LicenceParamsSchema,
      response: LicenceDetailSchema,
      errors: [...L3, 'LICENCE_NOT_FOUND', 'FRESH_FACE_REQUIRED'],
      handler: ({ params }, ctx) => licences.reveal(me(ctx), params.licenceId),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.licencePresentations(':licenceId')),
      summary: 'A presentation (亮证): a signed token of at most 60 s carrying only what the purpose discloses, for the QR code',
      params: LicenceParamsSchema,
      body: CreatePresentationRequestSchema,
      response: PresentationSchema,
      errors: [...L3, 'LICENCE_NOT_FOUND', 'PURPOSE_NOT_FOR_LICENCE', 'LICENCE_NOT_PRESENTABLE', 'LICENCE_FIELD_UNKNOWN'],
      handler: ({ params, body }, ctx) => licences.present(me(ctx), params.licenceId, body),
    }),
  ];
}

/** Relying parties under /open/v1: online verification and reads with a grant (signed, scoped). */
export function licenceOpenRoutes(licences: LicenceService): AnyRouteDef[] {
  const partnerOf = (ctx: Context) => ctx.state.partner!.credentials;
  const tags = ['open API', 'licences'];
  return [
    openRoute(
      { scope: 'licences:verify' },
      defineRoute({
        method: 'post',
        path: openPaths.licencesVerify,
        summary: 'Verify a licence QR code online: signature, expiry, single use, what this relying party may see, the status now; recorded for the citizen',
        tags,
        security: 'partner',
        body: VerifyLicenceRequestSchema,
        response: VerifyLicenceResponseSchema,
        errors: ['SCOPE_MISSING', 'SIGNATURE_INVALID', 'RELYING_PARTY_TYPE_MISSING', 'PRESENTATION_MALFORMED', 'PRESENTATION_KEY_UNKNOWN', 'PRESENTATION_SIGNATURE_INVALID', 'PRESENTATION_EXPIRED', 'PRESENTATION_USED', 'PURPOSE_NOT_ALLOWED', 'LICENCE_REVOKED', 'LICENCE_EXPIRED', 'LICENCE_NOT_FOUND'],
        handler: ({ body }, ctx) => licences.verify(partnerOf(ctx), body),
      }),
    ),
    openRoute(
      { scope: 'licences:grant' },
      defineRoute({
        method: 'get',
        path: pattern(openPaths.licenceGrant(':grantId')),
        summary: "Read a licence with the citizen's grant (授权使用); the reason is recorded for the citizen",
        tags,
        security: 'partner',
        params: GrantParamsSchema,
        query: OpenGrantReadQuerySchema,
        response: OpenGrantedLicenceSchema,
        errors: ['SCOPE_MISSING', 'GRANT_NOT_FOUND', 'GRANT_INACTIVE', 'LICENCE_REVOKED', 'LICENCE_EXPIRED', 'LICENCE_NOT_FOUND'],
        handler: ({ params, query }, ctx) => licences.readGrant(partnerOf(ctx), params.grantId, query.reason),
      }),
    ),
  ];
}

