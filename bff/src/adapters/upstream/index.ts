/** The police business systems' port, client and callback helpers (see `./client.ts` for the protocol). */
export * from './port';
export { createUpstreamClient, upstreamSystemName, UPSTREAM_AUTH_CODES, type UpstreamClientOptions } from './client';
export {
  parseUpstreamCallback,
  verifyUpstreamCallback,
  UPSTREAM_CALLBACK_REFUSALS,
  type CallbackHeaders,
  type CallbackRequest,
  type NonceSeen,
  type ParsedUpstreamCallback,
  type UpstreamCallbackCredentials,
  type UpstreamCallbackVerdict,
} from './callback';
