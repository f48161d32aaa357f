import { z } from 'zod';
import { IDENTITY_LEVEL_NAMES, keysOf, LOGIN_PLATFORMS, IDENTITY_STEPS, FACE_METHODS } from './labels';
import { isValidIdNumber, isValidMobile } from './validators';

// ---- citizen identity: login, sessions, levels (/api/v1/auth, /api/v1/me) ----

export const LoginPlatformSchema = z.enum(LOGIN_PLATFORMS);
export const IdentityLevelValueSchema = z.enum(keysOf(IDENTITY_LEVEL_NAMES));

export const MobileSchema = z.string().trim().refine(isValidMobile, 'not a mainland mobile number');
export const IdNumberSchema = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => isValidIdNumber(v), 'not a valid resident ID number (GB 11643)');
/** 2–30 characters: Chinese names, and minority names with the middle dot (·). */
export const PersonNameSchema = z
  .string()
  .trim()
  .regex(/^[\u4e00-\u9fa5·]{2,30}$/, 'name: 2–30 Chinese characters (· allowed)');

export const WechatLoginRequestSchema = z.object({ code: z.string().min(8).max(128) });
export const AlipayLoginRequestSchema = z.object({ authCode: z.string().min(8).max(128) });
export const SmsSendRequestSchema = z.object({ phone: MobileSchema });
export const SmsSendResponseSchema = z.object({
  sent: z.literal(true),
  /** Seconds before another code may be requested for this number. */
  resendAfterSeconds: z.number().int(),
  expiresInSeconds: z.number().int(),
});
export const SmsLoginRequestSchema = z.object({ phone: MobileSchema, code: z.string().regex(/^\d{6}$/, 'a 6-digit code') });
/** Mutual recognition: a token from a trusted issuer (provincial platform, neighbouring provinces). */
export const TokenExchangeRequestSchema = z.object({ token: z.string().min(20).max(8192) });
export const RefreshRequestSchema = z.object({ refreshToken: z.string().min(20).max(200) });

export const LinkedIdentitySchema = z.object({
  platform: z.enum(['wechat', 'alipay', 'phone', 'trusted_issuer', 'partner']),
  /** Masked: a phone as 138****5678, an openid shortened, an issuer by its name. */
  label: z.string(),
  linkedAt: z.string(),
});
export type LinkedIdentity = z.infer<typeof LinkedIdentitySchema>;

export const MeSchema = z
  .object({
    userId: z.string(),
    level: IdentityLevelValueSchema,
    /** Masked (张*三), present from L2. */
    name: z.string().nullable(),
    idNumber: z.string().nullable(),
    phone: z.string().nullable(),
    linked: z.array(LinkedIdentitySchema),
    realNameVerifiedAt: z.string().nullable(),
    /** L3 holds until then; after it the level falls back to L2 until the next face check. */
    faceValidUntil: z.string().nullable(),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

export const SessionResponseSchema = z
  .object({
    token: z.string(),
    refreshToken: z.string(),
    /** When the session ends without use (sliding: each use extends it). */
    expiresAt: z.string(),
    me: MeSchema,
  })
  .meta({ id: 'Session' });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

export const RealNameRequestSchema = z.object({ name: PersonNameSchema, idNumber: IdNumberSchema });
export type RealNameRequest = z.input<typeof RealNameRequestSchema>;

export const FaceMethodSchema = z.enum(FACE_METHODS);
export const FaceStartRequestSchema = z.object({
  method: FaceMethodSchema,
  /** H5 only: where the verification page sends the citizen back (same origin). */
  returnUrl: z.string().max(500).optional(),
});
export const FaceStartResponseSchema = z.object({
  certifyId: z.string(),
  method: FaceMethodSchema,
  /** wechat: the values wx.startFacialRecognitionVerify needs (the citizen's own, over TLS). */
  name: z.string().optional(),
  idCardNumber: z.string().optional(),
  /** alipay: the certify URL for my.startAPVerify; h5: the verification page to open. */
  url: z.string().optional(),
});
export type FaceStartResponse = z.infer<typeof FaceStartResponseSchema>;
export const FaceCompleteRequestSchema = z.object({
  certifyId: z.string().min(8).max(128),
  /** wechat: verifyResult from wx.startFacialRecognitionVerify. */
  verifyResult: z.string().max(512).optional(),
});

export const IdentityStepSchema = z.enum(IDENTITY_STEPS);
export const EligibilitySchema = z.object({
  itemCode: z.string(),
  required: IdentityLevelValueSchema,
  current: IdentityLevelValueSchema,
  eligible: z.boolean(),
  /** What the mini-program should lead the citizen to next (null when eligible). */
  nextStep: IdentityStepSchema.nullable(),
});
export type Eligibility = z.infer<typeof EligibilitySchema>;
export const OkSchema = z.object({ ok: z.literal(true) });
