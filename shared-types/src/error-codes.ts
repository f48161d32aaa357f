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
  // outside systems
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_REJECTED: 502,
  // citizen login and sessions
  SESSION_INVALID: 401,
  REFRESH_TOKEN_INVALID: 401,
  LOGIN_CODE_INVALID: 401,
  SMS_SEND_TOO_FREQUENT: 429,
  SMS_CODE_INVALID: 401,
  SMS_CODE_TOO_MANY_ATTEMPTS: 429,
  // mutual recognition (tokens from trusted issuers)
  TOKEN_MALFORMED: 401,
  TOKEN_UNKNOWN_ISSUER: 401,
  TOKEN_SIGNATURE_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_NOT_YET_VALID: 401,
  TOKEN_AUDIENCE_INVALID: 401,
  TOKEN_CLAIMS_INVALID: 401,
  TOKEN_REPLAYED: 401,
  // identity levels
  IDENTITY_ALREADY_LINKED: 409,
  ID_NUMBER_BOUND_ELSEWHERE: 409,
  REAL_NAME_MISMATCH: 422,
  REAL_NAME_REQUIRED: 403,
  FACE_CERTIFY_NOT_FOUND: 404,
  FACE_VERIFICATION_FAILED: 422,
  IDENTITY_LEVEL_REQUIRED: 403,
  // applications and their materials
  CASE_TRANSITION_ILLEGAL: 409,
  FILE_TOO_LARGE: 413,
  FILE_TYPE_NOT_ALLOWED: 415,
  FILE_TYPE_MISMATCH: 415,
  FILE_EMPTY: 400,
  STORAGE_NOT_FOUND: 404,
  // console
  STAFF_LOGIN_FAILED: 401,
  STAFF_LOCKED: 423,
  CSRF_TOKEN_INVALID: 403,
  PERMISSION_DENIED: 403,
  STAFF_NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  CITIZEN_NOT_FOUND: 404,
  UNMASK_REASON_REQUIRED: 400,
  // outbox dead letters (console)
  OUTBOX_ENTRY_NOT_FOUND: 404,
  OUTBOX_ENTRY_NOT_DEAD: 409,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;
