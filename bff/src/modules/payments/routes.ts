import Router from '@koa/router';
import {
  apiPaths,
  CaseNoParamsSchema,
  consolePaths,
  CreatePaymentRequestSchema,
  CreatePaymentResponseSchema,
  OPEN_API_PREFIX,
  openPaths,
  OrderNoParamsSchema,
  PaymentChannelSchema,
  PaymentOrderSchema,
  PaymentResultReportSchema,
  ReconciliationPageSchema,
  ReconciliationQuerySchema,
  ReconciliationMismatchSchema,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import { z } from 'zod';
import { readRawBody } from '../../http/rawBody';
import { defineRoute, pattern, type AnyRouteDef } from '../../http/route';
import type { AuditService } from '../audit/service';
import type { PaymentService } from './service';

const me = (ctx: Context) => ctx.state.citizen!.userId;
const MAX_NOTICE_BYTES = 64 * 1024;

/** The citizen's payments under /api/v1. */
export function paymentRoutes(payments: PaymentService): AnyRouteDef[] {
  const base = { tags: ['payments'], security: 'citizen' as const };
  return [
    defineRoute({
      ...base,
      method: 'post',
      path: apiPaths.payments,
      summary: 'Pay a case: creates (or resumes) its order and returns what the platform payment API needs',
      description: 'The amount is the item fee plus postage for a posted result, computed here; the client sends none.',
      body: CreatePaymentRequestSchema,
      response: CreatePaymentResponseSchema,
      errors: ['APPLICATION_NOT_FOUND', 'PAYMENT_NOT_DUE', 'PAYMENT_CHANNEL_UNAVAILABLE', 'PAYMENT_PAYER_UNKNOWN', 'UPSTREAM_UNAVAILABLE'],
      handler: ({ body }, ctx) => payments.pay(me(ctx), body, ctx.ip),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(apiPaths.payment(':orderNo')),
      summary: 'One of my payment orders, with its refunds',
      params: OrderNoParamsSchema,
      response: PaymentOrderSchema,
      errors: ['PAYMENT_NOT_FOUND'],
      handler: ({ params }, ctx) => payments.order(me(ctx), params.orderNo),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: pattern(apiPaths.paymentResult(':orderNo')),
      summary: 'Report how the payment sheet ended; "success" or "unknown" makes the BFF ask the channel now',
      params: OrderNoParamsSchema,
      body: PaymentResultReportSchema,
      response: PaymentOrderSchema,
      errors: ['PAYMENT_NOT_FOUND', 'UPSTREAM_UNAVAILABLE'],
      handler: ({ params, body }, ctx) => payments.report(me(ctx), params.orderNo, body.outcome),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(apiPaths.applicationPayments(':caseNo')),
      summary: 'The payment orders and refunds of one of my cases',
      params: CaseNoParamsSchema,
      response: z.object({ orders: z.array(PaymentOrderSchema) }),
      errors: ['APPLICATION_NOT_FOUND'],
      handler: async ({ params }, ctx) => ({ orders: await payments.ordersOfCase(me(ctx), params.caseNo) }),
    }),
  ];
}

/** Payments in the console: reconciliation findings, and running a day again. */
export function paymentConsoleRoutes(payments: PaymentService, audit: AuditService): AnyRouteDef[] {
  const base = { tags: ['console: payments'], security: 'staff' as const };
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: consolePaths.reconciliation,
      summary: 'Differences between our orders and the channels’ daily bills',
      permission: 'cases:read',
      query: ReconciliationQuerySchema,
      response: ReconciliationPageSchema,
      handler: ({ query }) => payments.mismatches(query.billDate, query.page, query.pageSize),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(consolePaths.casePayments(':caseNo')),
      summary: 'The payment orders and refunds of a case',
      permission: 'cases:read',
      params: CaseNoParamsSchema,
      response: z.object({ orders: z.array(PaymentOrderSchema) }),
      handler: async ({ params }) => ({ orders: await payments.ordersOfCaseForStaff(params.caseNo) }),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: consolePaths.reconciliationRun,
      summary: 'Reconcile one channel’s bill of one day now (the daily job does it at 10:00)',
      permission: 'outbox:manage',
      body: z.object({ channel: PaymentChannelSchema, billDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
      response: z.object({ mismatches: z.array(ReconciliationMismatchSchema) }),
      errors: ['PAYMENT_CHANNEL_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
      handler: async ({ body }, ctx) => {
        // A re-run replaces the day's findings: who did it is on record.
        const staff = ctx.state.staff!;
        await audit.record({ actor: { type: 'staff', id: staff.staffId, name: staff.displayName }, action: 'payments.reconcile', subject: { type: 'bill', id: `${body.channel}:${body.billDate}` }, requestId: ctx.state.requestId, ip: ctx.ip });
        return { mismatches: await payments.reconcile(body.channel, body.billDate) };
      },
    }),
  ];
}

/**
 * Notifications from WeChat Pay and Alipay, read as raw bytes (signatures cover them), so mounted
 * before any body parser. The answer is what each channel expects; a refused one is retried by it.
 */
export function paymentNoticeRouter(payments: PaymentService): Router {
  const router = new Router({ prefix: OPEN_API_PREFIX });
  const receive = (channel: 'wechat' | 'alipay') => async (ctx: Context) => {
    const raw = await readRawBody(ctx, MAX_NOTICE_BYTES);
    const answer = await payments.onNotice(channel, raw, ctx.headers);
    ctx.status = answer.status;
    ctx.type = answer.type;
    ctx.body = answer.body;
  };
  router.post(openPaths.wechatPayNotify, receive('wechat'));
  router.post(openPaths.alipayNotify, receive('alipay'));
  return router;
}
