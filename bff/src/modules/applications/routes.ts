import {
  AnswerSupplementRequestSchema,
  apiPaths,
  ApplicationDetailSchema,
  ApplicationListQuerySchema,
  ApplicationPageSchema,
  BundleApplicationSchema,
  BundleCaseNoParamsSchema,
  CaseNoParamsSchema,
  CreateApplicationRequestSchema,
  CreateBundleApplicationRequestSchema,
  SupplyPendingMaterialRequestSchema,
  UpdateDraftRequestSchema,
  UploadSchema,
  WithdrawRequestSchema,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../../http/rateLimit';
import { defineRoute, pattern, type AnyRouteDef } from '../../http/route';
import type { BundleApplications } from './bundles';
import type { ApplicationService } from './service';
import type { MaterialUploads } from './uploads';

const me = (ctx: Context) => ctx.state.citizen!.userId;

/** 201 for a new case, 200 when an idempotency key brought back the first answer. */
function created<T>(ctx: Context, result: { created: boolean }, body: T): T {
  ctx.status = result.created ? 201 : 200;
  return body;
}

export interface ApplicationRouteDeps {
  cases: ApplicationService;
  bundles: BundleApplications;
  uploads: MaterialUploads;
  /** Uploads per citizen per hour: materials are photos, not a file store. */
  uploadLimiter: RateLimiterAbstract;
}

/** The citizen's applications under /api/v1: thin routes over the service. */
export function applicationRoutes({ cases, bundles, uploads, uploadLimiter }: ApplicationRouteDeps): AnyRouteDef[] {
  const tags = ['applications'];
  const base = { tags, security: 'citizen' as const };
  return [
    defineRoute({
      ...base,
      method: 'post',
      path: apiPaths.uploads,
      summary: 'Upload one material (multipart/form-data, field "file": JPG, PNG, HEIC or PDF)',
      description: 'The type is decided from the file content, not its name; the answer carries the upload id to name in an application.',
      response: UploadSchema,
      errors: ['FILE_TOO_LARGE', 'FILE_TYPE_NOT_ALLOWED', 'FILE_TYPE_MISMATCH', 'FILE_EMPTY', 'MULTIPART_INVALID', 'UNSUPPORTED_MEDIA_TYPE'],
      handler: async (_input, ctx) => {
        await consumeOrRefuse(ctx, uploadLimiter, me(ctx), 'too many uploads; try again later');
        ctx.status = 201;
        return uploads.receive(me(ctx), ctx.req);
      },
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: apiPaths.applications,
      summary: 'Apply for an item (submit at once, or save a draft); idempotent by idempotencyKey',
      body: CreateApplicationRequestSchema,
      response: ApplicationDetailSchema,
      errors: ['ITEM_NOT_FOUND', 'ITEM_DISABLED', 'IDENTITY_LEVEL_REQUIRED', 'FORM_INVALID', 'MATERIAL_UNKNOWN', 'MATERIAL_MISSING', 'MATERIAL_NOT_LATE_ALLOWED', 'UPLOAD_NOT_FOUND', 'DELIVERY_OPTION_UNAVAILABLE', 'GREEN_CHANNEL_UNAVAILABLE', 'IDEMPOTENCY_KEY_REUSED'],
      handler: async ({ body }, ctx) => {
        const result = await cases.create(me(ctx), body);
        return created(ctx, result, result.detail);
      },
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: apiPaths.applications,
      summary: 'My applications, newest first',
      query: ApplicationListQuerySchema,
      response: ApplicationPageSchema,
      handler: ({ query }, ctx) => cases.list(me(ctx), query.status, query.page, query.pageSize),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(apiPaths.application(':caseNo')),
      summary: 'One of my applications: state, deadline, materials, timeline',
      params: CaseNoParamsSchema,
      response: ApplicationDetailSchema,
      errors: ['APPLICATION_NOT_FOUND'],
      handler: ({ params }, ctx) => cases.detailFor(me(ctx), params.caseNo),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.applicationSubmit(':caseNo')),
      summary: 'Update a draft and submit it (a retried submit answers with the case as it is)',
      params: CaseNoParamsSchema,
      body: UpdateDraftRequestSchema,
      response: ApplicationDetailSchema,
      errors: ['APPLICATION_NOT_FOUND', 'CASE_TRANSITION_ILLEGAL', 'FORM_INVALID', 'MATERIAL_MISSING'],
      handler: ({ params, body }, ctx) => cases.submitDraft(me(ctx), params.caseNo, body),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.applicationWithdraw(':caseNo')),
      summary: 'Withdraw an application that is not yet accepted (idempotent)',
      params: CaseNoParamsSchema,
      body: WithdrawRequestSchema,
      response: ApplicationDetailSchema,
      errors: ['APPLICATION_NOT_FOUND', 'CASE_TRANSITION_ILLEGAL'],
      handler: ({ params, body }, ctx) => cases.withdraw(me(ctx), params.caseNo, body.reason),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.applicationSupplement(':caseNo')),
      summary: 'Answer a supplement request (补正) with materials and a note (idempotent per request)',
      params: CaseNoParamsSchema,
      body: AnswerSupplementRequestSchema,
      response: ApplicationDetailSchema,
      errors: ['APPLICATION_NOT_FOUND', 'SUPPLEMENT_NOT_OPEN', 'CASE_TRANSITION_ILLEGAL', 'UPLOAD_NOT_FOUND', 'MATERIAL_UNKNOWN', 'FORM_INVALID'],
      handler: ({ params, body }, ctx) => cases.answerSupplement(me(ctx), params.caseNo, body),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.applicationPendingMaterials(':caseNo')),
      summary: 'Supply a material accepted as pending (容缺受理)',
      params: CaseNoParamsSchema,
      body: SupplyPendingMaterialRequestSchema,
      response: ApplicationDetailSchema,
      errors: ['APPLICATION_NOT_FOUND', 'PENDING_MATERIAL_NOT_FOUND', 'UPLOAD_NOT_FOUND', 'CASE_TRANSITION_ILLEGAL'],
      handler: ({ params, body }, ctx) => cases.supplyPending(me(ctx), params.caseNo, body),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: apiPaths.bundleApplications,
      summary: 'Apply for a life-event bundle (一件事): one form, one case per item; idempotent by idempotencyKey',
      body: CreateBundleApplicationRequestSchema,
      response: BundleApplicationSchema,
      errors: ['BUNDLE_NOT_FOUND', 'IDENTITY_LEVEL_REQUIRED', 'FORM_INVALID', 'MATERIAL_MISSING', 'MATERIAL_UNKNOWN', 'DELIVERY_OPTION_UNAVAILABLE', 'IDEMPOTENCY_KEY_REUSED'],
      handler: async ({ body }, ctx) => {
        const result = await bundles.create(me(ctx), body);
        return created(ctx, result, result.bundle);
      },
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(apiPaths.bundleApplication(':bundleCaseNo')),
      summary: 'A bundle application: progress per item and overall',
      params: BundleCaseNoParamsSchema,
      response: BundleApplicationSchema,
      errors: ['BUNDLE_APPLICATION_NOT_FOUND'],
      handler: ({ params }, ctx) => bundles.get(me(ctx), params.bundleCaseNo),
    }),
  ];
}
