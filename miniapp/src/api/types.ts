import type {
  FaceCompleteRequestSchema,
  FaceStartRequestSchema,
  SmsLoginRequestSchema,
  SmsSendResponseSchema,
} from '@onevisit/shared-types/client';

/**
 * Contract types shared-types declares only as schemas. `typeof Schema['parse']` gives the parsed
 * shape without importing zod (the schemas themselves are type-only imports here).
 */
type Parsed<S extends { parse: (input: unknown) => unknown }> = ReturnType<S['parse']>;

export type SmsSendResponse = Parsed<typeof SmsSendResponseSchema>;
export type SmsLoginRequest = Parsed<typeof SmsLoginRequestSchema>;
export type FaceStartRequest = Parsed<typeof FaceStartRequestSchema>;
export type FaceCompleteRequest = Parsed<typeof FaceCompleteRequestSchema>;
