import Router from '@koa/router';
import {
  AddressIdParamsSchema,
  AddressListSchema,
  AddressSchema,
  apiPaths,
  CaseNoParamsSchema,
  consolePaths,
  CreateAddressRequestSchema,
  OPEN_API_PREFIX,
  openPaths,
  SaveAddressRequestSchema,
  SetCaseAddressRequestSchema,
  ShipmentSchema,
} from '@onevisit/shared-types';
import type { Context } from 'koa';
import { COURIER_PUSH_REFUSALS, parseCourierPush, verifyCourierPush, type CourierPushCredentials } from '../../adapters/courier';
import { readRawBody } from '../../http/rawBody';
import { defineRoute, pattern, type AnyRouteDef } from '../../http/route';
import type { Kv } from '../../kv';
import type { AddressBook } from './addresses';
import type { DeliveryService, PushOutcome } from './service';

const me = (ctx: Context) => ctx.state.citizen!.userId;
const MAX_PUSH_BYTES = 64 * 1024;

/** The citizen's address book and a case's delivery under /api/v1. */
export function deliveryRoutes(addresses: AddressBook, delivery: DeliveryService): AnyRouteDef[] {
  const base = { tags: ['delivery'], security: 'citizen' as const };
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: apiPaths.meAddresses,
      summary: 'My saved postal addresses, the default first (recipient name and phone masked)',
      response: AddressListSchema,
      handler: async (_input, ctx) => ({ items: await addresses.list(me(ctx)) }),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: apiPaths.meAddresses,
      summary: 'Save a postal address (at most 20); idempotent by idempotencyKey',
      description: 'Every problem of the address is reported on its own field (`body.phone`, `body.district` …). The first address is the default.',
      body: CreateAddressRequestSchema,
      response: AddressSchema,
      errors: ['ADDRESS_LIMIT_REACHED', 'IDEMPOTENCY_KEY_REUSED', 'CONFLICT'],
      handler: async ({ body }, ctx) => {
        const result = await addresses.create(me(ctx), body);
        ctx.status = result.created ? 201 : 200;
        return result.address;
      },
    }),
    defineRoute({
      ...base,
      method: 'put',
      path: pattern(apiPaths.meAddress(':addressId')),
      summary: 'Replace one of my addresses; isDefault true makes it the default',
      params: AddressIdParamsSchema,
      body: SaveAddressRequestSchema,
      response: AddressSchema,
      errors: ['ADDRESS_NOT_FOUND'],
      handler: ({ params, body }, ctx) => addresses.update(me(ctx), params.addressId, body),
    }),
    defineRoute({
      ...base,
      method: 'delete',
      path: pattern(apiPaths.meAddress(':addressId')),
      summary: 'Delete one of my addresses; the book as it is afterwards',
      description: 'Cases already posted to it keep their own copy. Deleting the default makes the newest remaining address the default.',
      params: AddressIdParamsSchema,
      response: AddressListSchema,
      errors: ['ADDRESS_NOT_FOUND', 'CONFLICT'],
      handler: async ({ params }, ctx) => ({ items: await addresses.remove(me(ctx), params.addressId) }),
    }),
    defineRoute({
      ...base,
      method: 'put',
      path: pattern(apiPaths.applicationAddress(':caseNo')),
      summary: 'Post the result of my case to one of my saved addresses (until the parcel is booked)',
      description: 'A copy of the address is kept with the case. A case already in production is booked with the courier at once.',
      params: CaseNoParamsSchema,
      body: SetCaseAddressRequestSchema,
      response: ShipmentSchema,
      errors: ['APPLICATION_NOT_FOUND', 'ADDRESS_NOT_FOUND', 'DELIVERY_NOT_POSTAL', 'SHIPMENT_ALREADY_BOOKED', 'CASE_TRANSITION_ILLEGAL', 'CONFLICT'],
      handler: ({ params, body }, ctx) => delivery.setAddress(me(ctx), params.caseNo, body.addressId),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: pattern(apiPaths.applicationShipment(':caseNo')),
      summary: 'The parcel of my case: recipient (masked), waybill and tracking',
      params: CaseNoParamsSchema,
      response: ShipmentSchema,
      errors: ['APPLICATION_NOT_FOUND', 'SHIPMENT_NOT_FOUND'],
      handler: ({ params }, ctx) => delivery.shipmentFor(me(ctx), params.caseNo),
    }),
  ];
}

/** A case's parcel in the console. */
export function deliveryConsoleRoutes(delivery: DeliveryService): AnyRouteDef[] {
  return [
    defineRoute({
      tags: ['console: cases'],
      security: 'staff',
      method: 'get',
      path: pattern(consolePaths.caseShipment(':caseNo')),
      summary: 'The parcel of a case: recipient masked (street detail included), waybill and tracking',
      permission: 'cases:read',
      params: CaseNoParamsSchema,
      response: ShipmentSchema,
      errors: ['APPLICATION_NOT_FOUND', 'SHIPMENT_NOT_FOUND'],
      handler: ({ params }) => delivery.shipmentForStaff(params.caseNo),
    }),
  ];
}

const PUSH_STATUS: Record<PushOutcome, number> = { applied: 200, duplicate: 200, ignored: 200, unknown_waybill: 404 };

/**
 * `POST /open/v1/courier/push`: the courier's tracking events, signed with its push credentials
 * over the raw body (mounted before the JSON parser). A missing or wrong signature, an unknown key,
 * a clock skew over 300 s or a nonce seen before: 401 and nothing changes. Answers in the courier
 * gateway's `{code, message}` form; anything but 2xx makes the courier retry.
 */
export function courierPushRouter(delivery: DeliveryService, credentials: () => CourierPushCredentials[], kv: Kv): Router {
  const router = new Router({ prefix: OPEN_API_PREFIX });
  router.post(openPaths.courierPush, async (ctx) => {
    const raw = await readRawBody(ctx, MAX_PUSH_BYTES);
    const verdict = await verifyCourierPush(raw, ctx.headers, credentials(), async (appKey, nonce, ttlSeconds) => !(await kv.set(`courier:nonce:${appKey}:${nonce}`, '1', { ttlMs: ttlSeconds * 1000, ifAbsent: true })), {
      path: ctx.originalUrl,
      method: 'POST',
    });
    if (!verdict.ok) {
      const refusal = COURIER_PUSH_REFUSALS[verdict.reason];
      ctx.status = refusal.status;
      ctx.body = { code: refusal.code, message: 'push refused' };
      return;
    }
    const parsed = parseCourierPush(raw);
    if (!parsed.ok) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_EVENT', message: parsed.message };
      return;
    }
    const outcome = await delivery.applyEvent(parsed.event);
    ctx.status = PUSH_STATUS[outcome];
    ctx.body = { code: outcome === 'unknown_waybill' ? 'WAYBILL_UNKNOWN' : 'OK', message: outcome };
  });
  return router;
}
