import type { Context } from 'koa';
import {
  CalendarDayDeleteResponseSchema,
  CalendarDayParamsSchema,
  CalendarDayUpsertRequestSchema,
  CalendarDayUpsertResponseSchema,
  CalendarYearQuerySchema,
  CalendarYearResponseSchema,
  calendarPaths,
} from '@onevisit/shared-types';
import { defineRoute, type AnyRouteDef } from '../../http/route';
import type { CalendarEditor, CalendarRequestMeta, CalendarService } from './service';

export interface CalendarDeps {
  calendar: CalendarService;
}

const editor = (ctx: Context): CalendarEditor => ({ staffId: ctx.state.staff!.staffId, displayName: ctx.state.staff!.displayName });
const meta = (ctx: Context): CalendarRequestMeta => ({ requestId: ctx.state.requestId, ip: ctx.ip });

/** The working-day calendar in the console API (/console/api/calendar): admins only. */
export function calendarRoutes({ calendar }: CalendarDeps): AnyRouteDef[] {
  const tags = ['calendar'];
  return [
    defineRoute({
      method: 'get',
      path: calendarPaths.calendar,
      summary: 'A year’s official holidays and make-up workdays, and whether the year falls back to Monday–Friday',
      tags,
      security: 'staff',
      permission: 'catalog:manage',
      query: CalendarYearQuerySchema,
      response: CalendarYearResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED'],
      handler: ({ query }) => calendar.listYear(query.year),
    }),
    defineRoute({
      method: 'put',
      path: '/calendar/days/:date',
      summary: 'Set a day: a holiday (isOffDay true) or a make-up workday (false); idempotent, audited',
      tags,
      security: 'staff',
      permission: 'catalog:manage',
      params: CalendarDayParamsSchema,
      body: CalendarDayUpsertRequestSchema,
      response: CalendarDayUpsertResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID'],
      handler: ({ params, body }, ctx) => calendar.setDay(params.date, body, editor(ctx), meta(ctx)),
    }),
    defineRoute({
      method: 'delete',
      path: '/calendar/days/:date',
      summary: 'Remove a day’s entry: the date is back to Monday–Friday; idempotent, audited',
      tags,
      security: 'staff',
      permission: 'catalog:manage',
      params: CalendarDayParamsSchema,
      response: CalendarDayDeleteResponseSchema,
      errors: ['SESSION_INVALID', 'PERMISSION_DENIED', 'CSRF_TOKEN_INVALID'],
      handler: ({ params }, ctx) => calendar.removeDay(params.date, editor(ctx), meta(ctx)),
    }),
  ];
}
