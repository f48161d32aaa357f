import type { Context } from 'koa';
import {
  AuditListResponseSchema,
  AuditQuerySchema,
  CitizenDetailSchema,
  CitizenSearchQuerySchema,
  CitizenSearchResponseSchema,
  ConsoleLoginRequestSchema,
  ConsoleSessionSchema,
  consolePaths,
  OkSchema,
  StaffCreateRequestSchema,
  StaffIdParamsSchema,
  StaffListResponseSchema,
  StaffPasswordRequestSchema,
  StaffSchema,
  StaffUpdateRequestSchema,
  UnmaskRequestSchema,
  UnmaskResponseSchema,
  UserIdParamsSchema,
} from '@onevisit/shared-types';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../../http/rateLimit';
import { defineRoute, type AnyRouteDef } from '../../http/route';
import type { AuditService } from '../audit/service';
import type { IdentityService } from '../identity/service';
import { CitizenAccess } from './citizenAccess';
import { CONSOLE_COOKIE, StaffService, type RequestMeta } from './staffService';

const meta = (ctx: Context): RequestMeta => ({ requestId: ctx.state.requestId, ip: ctx.ip });

export interface ConsoleDeps {
  staff: StaffService;
  identity: IdentityService;
  citizens: CitizenAccess;
  audit: AuditService;
  loginLimiters: { byIpAndUser: RateLimiterAbstract; byIp: RateLimiterAbstract };
}

/** The console's API (/console/api): staff only, cookie sessions, CSRF on writes, permissions per route. */
export function consoleRoutes({ staff, identity, citizens, audit, loginLimiters }: ConsoleDeps): AnyRouteDef[] {
  const tags = ['console'];
  return [
    defineRoute({
      method: 'post',
      path: consolePaths.login,
      summary: 'Staff login: sets the HttpOnly session cookie and returns the CSRF token',
      tags,
      security: 'public',
      body: ConsoleLoginRequestSchema,
      response: ConsoleSessionSchema,
      errors: ['STAFF_LOGIN_FAILED', 'STAFF_LOCKED'],
      handler: async ({ body }, ctx) => {
        const message = 'too many login attempts; wait and try again';
        await consumeOrRefuse(ctx, loginLimiters.byIp, ctx.ip, message);
        await consumeOrRefuse(ctx, loginLimiters.byIpAndUser, `${ctx.ip}:${body.username.toLowerCase()}`, message);
        const { token, session } = await staff.login(body.username, body.password, meta(ctx));
        ctx.cookies.set(CONSOLE_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/console', overwrite: true });
        return session;
      },
    }),
    defineRoute({
      method: 'get',
      path: consolePaths.session,
      summary: 'The current console session',
      tags,
      security: 'staff',
      response: ConsoleSessionSchema,
      errors: ['SESSION_INVALID'],
      handler: async (_i, ctx) => ctx.state.consoleSession!,
    }),
    defineRoute({
      method: 'post',
      path: consolePaths.logout,
      summary: 'End the console session',
      tags,
      security: 'staff',
      response: OkSchema,
      errors: ['SESSION_INVALID', 'CSRF_TOKEN_INVALID'],
      handler: async (_i, ctx) => {
        await staff.logout(StaffService.tokenOf(ctx)!, ctx.state.staff!, meta(ctx));
        ctx.cookies.set(CONSOLE_COOKIE, null, { path: '/console' });
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: consolePaths.citizens,
      summary: 'Find citizens by phone number or ID number (blind index, exact match; masked results)',
      tags,
      security: 'staff',
      permission: 'citizen:search',
      query: CitizenSearchQuerySchema,
      response: CitizenSearchResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED'],
      handler: async ({ query }, ctx) => ({ citizens: await citizens.search(query, ctx.state.staff!, meta(ctx)) }),
    }),
    defineRoute({
      method: 'get',
      path: '/citizens/:userId',
      summary: 'A citizen, masked',
      tags,
      security: 'staff',
      permission: 'citizen:view',
      params: UserIdParamsSchema,
      response: CitizenDetailSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CITIZEN_NOT_FOUND'],
      handler: ({ params }) => identity.citizenDetail(params.userId),
    }),
    defineRoute({
      method: 'post',
      path: '/citizens/:userId/unmask',
      summary: 'One field in full, with a reason; the read is audited before the value is returned',
      tags,
      security: 'staff',
      permission: 'citizen:unmask',
      params: UserIdParamsSchema,
      body: UnmaskRequestSchema,
      response: UnmaskResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID', 'CITIZEN_NOT_FOUND', 'UNMASK_REASON_REQUIRED'],
      handler: async ({ params, body }, ctx) => {
        ctx.set('Cache-Control', 'no-store');
        return citizens.unmask(params.userId, body.field, body.reason, ctx.state.staff!, meta(ctx));
      },
    }),
    defineRoute({ method: 'get', path: consolePaths.staff, summary: 'Staff accounts', tags, security: 'staff', permission: 'staff:read', response: StaffListResponseSchema, errors: ['SESSION_INVALID', 'PERMISSION_DENIED'], handler: async () => ({ staff: await staff.list() }) }),
    defineRoute({
      method: 'post',
      path: consolePaths.staff,
      summary: 'Create a staff account',
      tags,
      security: 'staff',
      permission: 'staff:manage',
      body: StaffCreateRequestSchema,
      response: StaffSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID', 'USERNAME_TAKEN'],
      handler: ({ body }, ctx) => staff.create(body, ctx.state.staff!, meta(ctx)),
    }),
    defineRoute({
      method: 'patch',
      path: '/staff/:staffId',
      summary: 'Change a staff account’s role or status, or unlock it',
      tags,
      security: 'staff',
      permission: 'staff:manage',
      params: StaffIdParamsSchema,
      body: StaffUpdateRequestSchema,
      response: StaffSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID', 'STAFF_NOT_FOUND', 'CONFLICT'],
      handler: ({ params, body }, ctx) => staff.update(params.staffId, body, ctx.state.staff!, meta(ctx)),
    }),
    defineRoute({
      method: 'post',
      path: '/staff/:staffId/password',
      summary: 'Set a staff account’s password (ends its sessions)',
      tags,
      security: 'staff',
      permission: 'staff:manage',
      params: StaffIdParamsSchema,
      body: StaffPasswordRequestSchema,
      response: StaffSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID', 'STAFF_NOT_FOUND'],
      handler: ({ params, body }, ctx) => staff.setPassword(params.staffId, body.password, ctx.state.staff!, meta(ctx)),
    }),
    defineRoute({
      method: 'get',
      path: consolePaths.audit,
      summary: 'The audit log, newest first (supervisors and admins)',
      tags,
      security: 'staff',
      permission: 'audit:read',
      query: AuditQuerySchema,
      response: AuditListResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED'],
      handler: ({ query }) =>
        audit.list(
          { actorId: query.actorId, action: query.action, subjectId: query.subjectId, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined },
          query.page,
          query.pageSize,
        ),
    }),
  ];
}
