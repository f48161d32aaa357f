/** The provincial licence library's port, client and callback helpers (see `./client.ts` for the protocol). */
export * from './port';
export { createLicenceLibraryClient, LICENCE_LIBRARY_AUTH_CODES, LICENCE_LIBRARY_SYSTEM, type LicenceLibraryClientOptions } from './client';
export {
  LIBRARY_CALLBACK_REFUSALS,
  parseLibraryCallback,
  verifyLibraryCallback,
  type CallbackHeaders,
  type CallbackRequest,
  type LibraryCallbackCredentials,
  type LibraryCallbackVerdict,
  type NonceSeen,
  type ParsedLibraryCallback,
} from './callback';
