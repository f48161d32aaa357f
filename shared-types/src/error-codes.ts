/**
 * Every error code a client can receive, with its HTTP status. Codes are the stable contract:
 * the mini-program, the console and partners branch on `code`, never on `message`.
 * Later capabilities add their codes here, in one table, so the status mapping stays in one place.
 */
export const errorStatus = {
  // generic request problems
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  // catalogue
  DOMAIN_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  BUNDLE_NOT_FOUND: 404,
  ITEM_CODE_INVALID: 400,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;
