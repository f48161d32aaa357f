import {
  OPEN_API_PREFIX,
  OpenCaseParamsSchema,
  OpenCaseStatusSchema,
  OpenCatalogPageSchema,
  OpenCatalogQuerySchema,
  OpenEventPageSchema,
  OpenEventQuerySchema,
  OpenSerialParamsSchema,
  OpenSubmitRequestSchema,
  OpenSubmitResponseSchema,
  OpenSupplyMaterialRequestSchema,
  openPaths,
  type ErrorCode,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import { defineRoute, pattern, type AnyRouteDef } from '../../http/route';
import type { CatalogService } from '../catalog/service';
import { openRoute } from './gateway';
import type { PartnerFeed } from './feed';
import type { OpenCases } from './openCases';

export interface OpenRouteDeps {
  catalog: CatalogService;
  cases: OpenCases;
  feed: PartnerFeed;
}

/** Every refusal of the signature check, listed on each route of the OpenAPI document. */
const SIGNED: ErrorCode[] = [
  'SIGNATURE_HEADERS_MISSING',
  'PARTNER_UNKNOWN',
  'PARTNER_DISABLED',
  'IP_NOT_ALLOWED',
  'PARTNER_RATE_LIMITED',
  'SIGNATURE_TIMESTAMP_SKEWED',
  'SIGNATURE_ALGORITHM_MISMATCH',
  'PAYLOAD_TOO_LARGE',
  'BODY_HASH_MISMATCH',
  'SIGNATURE_INVALID',
  'SIGNATURE_NONCE_REPLAYED',
  'SCOPE_MISSING',
];
const partnerOf = (ctx: Context) => ctx.state.partner!.credentials;
const tags = ['open API'];

/** `/open/v1` routes for partner platforms; signed, scoped, in the partner's dialect (gateway.ts). */
export function openApiRoutes({ catalog, cases, feed }: OpenRouteDeps): AnyRouteDef[] {
  return [
    openRoute(
      { scope: 'catalog:read', responseDoc: 'catalogPage' },
      defineRoute({
        method: 'get',
        path: openPaths.catalogItems,
        summary: 'Catalogue sync: items changed since the cursor (incremental), with their standard codes',
        tags,
        security: 'partner',
        query: OpenCatalogQuerySchema,
        response: OpenCatalogPageSchema,
        errors: [...SIGNED, 'CURSOR_INVALID'],
        handler: ({ query }) => catalog.changesSincePayload(query.cursor, query.limit),
      }),
    ),
    openRoute(
      { scope: 'cases:write', requestDoc: 'submitRequest', responseDoc: 'submitResponse' },
      defineRoute({
        method: 'post',
        path: openPaths.cases,
        summary: "Submit a case on a citizen's behalf; idempotent by the partner's serial number (申办流水号)",
        description: 'The citizen is identified by a trusted issuer token (mutual recognition) or, with identity:attest, by the identity the partner checked. The same serialNo with the same body answers the existing case (created: false); with another body → 409 PARTNER_SERIAL_CONFLICT.',
        tags,
        security: 'partner',
        body: OpenSubmitRequestSchema,
        response: OpenSubmitResponseSchema,
        errors: [
          ...SIGNED,
          'MALFORMED_JSON',
          'PARTNER_SERIAL_CONFLICT',
          'PARTNER_SERIAL_IN_PROGRESS',
          'ITEM_NOT_FOUND',
          'ITEM_DISABLED',
          'IDENTITY_LEVEL_REQUIRED',
          'FORM_INVALID',
          'MATERIAL_MISSING',
          'MATERIAL_UNKNOWN',
          'MATERIAL_CONTENT_INVALID',
          'FILE_TOO_LARGE',
          'FILE_TYPE_NOT_ALLOWED',
          'FILE_TYPE_MISMATCH',
          'DELIVERY_OPTION_UNAVAILABLE',
          'TOKEN_MALFORMED',
          'TOKEN_UNKNOWN_ISSUER',
          'TOKEN_SIGNATURE_INVALID',
          'TOKEN_EXPIRED',
          'TOKEN_AUDIENCE_INVALID',
          'TOKEN_CLAIMS_INVALID',
          'TOKEN_REPLAYED',
        ],
        handler: ({ body }, ctx) => cases.submit(partnerOf(ctx), body),
      }),
    ),
    openRoute(
      { scope: 'cases:read', responseDoc: 'caseStatus' },
      defineRoute({
        method: 'get',
        path: pattern(openPaths.caseBySerial(':serialNo')),
        summary: "A case's status and timeline by the partner's serial number",
        tags,
        security: 'partner',
        params: OpenSerialParamsSchema,
        response: OpenCaseStatusSchema,
        errors: [...SIGNED, 'APPLICATION_NOT_FOUND'],
        handler: ({ params }, ctx) => cases.statusBySerial(partnerOf(ctx).appId, params.serialNo),
      }),
    ),
    openRoute(
      { scope: 'cases:read', responseDoc: 'caseStatus' },
      defineRoute({
        method: 'get',
        path: pattern(openPaths.case(':caseNo')),
        summary: "A case's status and timeline by our case number (only cases this partner submitted)",
        tags,
        security: 'partner',
        params: OpenCaseParamsSchema,
        response: OpenCaseStatusSchema,
        errors: [...SIGNED, 'APPLICATION_NOT_FOUND'],
        handler: ({ params }, ctx) => cases.status(partnerOf(ctx).appId, params.caseNo),
      }),
    ),
    openRoute(
      { scope: 'cases:write', requestDoc: 'supplyMaterialRequest', responseDoc: 'caseStatus' },
      defineRoute({
        method: 'post',
        path: pattern(openPaths.caseMaterials(':caseNo')),
        summary: 'Supply a material promised at submission (容缺受理); supplying it again changes nothing',
        tags,
        security: 'partner',
        params: OpenCaseParamsSchema,
        body: OpenSupplyMaterialRequestSchema,
        response: OpenCaseStatusSchema,
        errors: [...SIGNED, 'MALFORMED_JSON', 'APPLICATION_NOT_FOUND', 'PENDING_MATERIAL_NOT_FOUND', 'CASE_TRANSITION_ILLEGAL', 'MATERIAL_CONTENT_INVALID', 'FILE_TOO_LARGE', 'FILE_TYPE_NOT_ALLOWED', 'FILE_TYPE_MISMATCH'],
        handler: ({ params, body }, ctx) => cases.supplyMaterial(partnerOf(ctx), params.caseNo, body),
      }),
    ),
    openRoute(
      { scope: 'cases:read', responseDoc: 'eventPage' },
      defineRoute({
        method: 'get',
        path: openPaths.events,
        summary: 'The event feed: every status change of this partner’s cases after the cursor, in order (the same events the webhooks push)',
        tags,
        security: 'partner',
        query: OpenEventQuerySchema,
        response: OpenEventPageSchema,
        errors: [...SIGNED, 'CURSOR_INVALID'],
        handler: ({ query }, ctx) => feed.events(partnerOf(ctx).appId, query.cursor, query.limit),
      }),
    ),
  ];
}

export { OPEN_API_PREFIX };
