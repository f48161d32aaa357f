/** The postal courier's port, client and push helpers (see `./client.ts` for the protocol). */
export * from './port';
export { createCourierClient, COURIER_AUTH_CODES, COURIER_SYSTEM, type CourierClientOptions } from './client';
export {
  COURIER_PUSH_REFUSALS,
  parseCourierPush,
  verifyCourierPush,
  type CallbackHeaders,
  type CallbackRequest,
  type CourierPushCredentials,
  type CourierPushVerdict,
  type NonceSeen,
  type ParsedCourierPush,
} from './push';
