import {
  CaseNoParamsSchema,
  CaseUnmaskRequestSchema,
  CaseUnmaskResponseSchema,
  CaseQueueQuerySchema,
  consolePaths,
  StaffCaseActionRequestSchema,
  StaffCaseDetailSchema,
  StaffCasePageSchema,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import { z } from 'zod';
import { defineRoute, pattern, StreamPayload, type AnyRouteDef } from '../../http/route';
import type { CaseDesk } from './desk';

const staff = (ctx: Context) => ctx.state.staff!;
const meta = (ctx: Context) => ({ requestId: ctx.state.requestId, ip: ctx.ip });

const MaterialParamsSchema = CaseNoParamsSchema.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** The approver's case desk under /console/api/cases. */
export function caseDeskRoutes(desk: CaseDesk): AnyRouteDef[] {
  const tags = ['console: cases'];
  const base = { tags, security: 'staff' as const };
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: consolePaths.cases,
      summary: 'Cases: the in-house to-do queue by deadline, or all cases; by case number or state',
      permission: 'cases:read',
      query: CaseQueueQuerySchema,
      response: StaffCasePageSchema,
      handler: ({ query }) => desk.queue(query.view, { caseNo: query.caseNo, state: query.state }, query.page, query.pageSize),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(consolePaths.case(':caseNo')),
      summary: 'One case in full, personal data masked; the actions staff may take now',
      permission: 'cases:read',
      params: CaseNoParamsSchema,
      response: StaffCaseDetailSchema,
      errors: ['APPLICATION_NOT_FOUND'],
      handler: ({ params }) => desk.detail(params.caseNo),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(consolePaths.caseActions(':caseNo')),
      summary: 'Decide on an in-house case (accept, supplement, approve, reject …); idempotent by actionId',
      permission: 'cases:review',
      params: CaseNoParamsSchema,
      body: StaffCaseActionRequestSchema,
      response: StaffCaseDetailSchema,
      errors: ['APPLICATION_NOT_FOUND', 'CASE_TRANSITION_ILLEGAL', 'APPROVAL_DEPARTMENT_INVALID', 'MATERIAL_NOT_LATE_ALLOWED', 'CONFLICT'],
      handler: ({ params, body }, ctx) => desk.act(params.caseNo, body, staff(ctx)),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(consolePaths.caseUnmask(':caseNo')),
      summary: 'The form and applicant unmasked; needs a reason and is audited before the read',
      permission: 'citizen:unmask',
      params: CaseNoParamsSchema,
      body: CaseUnmaskRequestSchema,
      response: CaseUnmaskResponseSchema,
      errors: ['APPLICATION_NOT_FOUND', 'UNMASK_REASON_REQUIRED'],
      handler: ({ params, body }, ctx) => desk.unmask(params.caseNo, body.reason, staff(ctx), meta(ctx)),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(consolePaths.caseMaterial(':caseNo', ':sha256')),
      summary: 'A material of the case (image or PDF); every read is audited',
      permission: 'cases:read',
      params: MaterialParamsSchema,
      response: z.unknown().meta({ description: 'the file, with its sniffed content type' }),
      errors: ['APPLICATION_NOT_FOUND'],
      handler: async ({ params }, ctx) => {
        const file = await desk.material(params.caseNo, params.sha256, staff(ctx), meta(ctx));
        return new StreamPayload(file.body, file.contentType, file.bytes, file.fileName);
      },
    }),
  ];
}
