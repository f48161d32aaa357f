import { z } from 'zod';
import { keysOf } from './labels';
import { LICENCE_COLOURS, LICENCE_FIELDS, LICENCE_STATUS_NAMES, LICENCE_TYPES, PRESENTATION_PURPOSES, RELYING_PARTY_TYPES } from './licence-labels';
import { pageOf, PagingQuerySchema } from './paging';

/*
 * Electronic licences (电子证照): the citizen's wallet, presentations (亮证) as short-lived signed
 * QR tokens, online verification by relying parties, grants (授权使用) and usage records.
 */

export const LicenceTypeSchema = z.enum(keysOf(LICENCE_TYPES));
export const LicenceStatusSchema = z.enum(keysOf(LICENCE_STATUS_NAMES));
export const LicenceColourSchema = z.enum(keysOf(LICENCE_COLOURS));
export const LicenceFieldSchema = z.enum(keysOf(LICENCE_FIELDS));
export const PresentationPurposeSchema = z.enum(keysOf(PRESENTATION_PURPOSES));
export const RelyingPartyTypeSchema = z.enum(keysOf(RELYING_PARTY_TYPES));

/**
 * A GB/T 36904 licence identifier: `1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}`,
 * the check character by ISO 7064 MOD 37,36 over the identifier's letters and digits before it.
 */
export const LicenceIdSchema = z.string().regex(/^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]{1,24}\.\d{3}\.[0-9A-Z]$/, 'licenceId: a GB/T 36904 licence identifier');
export const LicenceParamsSchema = z.object({ licenceId: LicenceIdSchema });

/** Field values by field key (only the fields a licence type carries). */
export const LicenceFieldValuesSchema = z.partialRecord(LicenceFieldSchema, z.string());
export type LicenceFieldValues = z.infer<typeof LicenceFieldValuesSchema>;

/** A licence as the wallet lists it: GB/T 36903 metadata, personal data masked. */
export const LicenceSummarySchema = z
  .object({
    licenceId: LicenceIdSchema,
    type: LicenceTypeSchema,
    typeName: z.string(),
    typeCode: z.string(),
    /** 证照编号, masked. */
    number: z.string(),
    /** 持证主体, masked. */
    holderName: z.string(),
    issuer: z.string(),
    issuerCode: z.string(),
    issueDate: z.string(),
    validFrom: z.string().nullable(),
    validUntil: z.string().nullable(),
    status: LicenceStatusSchema,
    statusName: z.string(),
    /** Why it is abnormal or revoked (e.g. 累积记分已满12分, 已换领新证). */
    statusNote: z.string().nullable(),
    colour: LicenceColourSchema,
  })
  .meta({ id: 'LicenceSummary' });
export type LicenceSummary = z.infer<typeof LicenceSummarySchema>;

export const LicenceListSchema = z.object({ licences: z.array(LicenceSummarySchema), syncedAt: z.string() }).meta({ id: 'LicenceList' });
export type LicenceList = z.infer<typeof LicenceListSchema>;

export const LicenceDetailSchema = LicenceSummarySchema.extend({
  /** Masked, unless this is the answer of the reveal endpoint. */
  fields: LicenceFieldValuesSchema,
  masked: z.boolean(),
}).meta({ id: 'LicenceDetail' });
export type LicenceDetail = z.infer<typeof LicenceDetailSchema>;

// ---- presentations (亮证) ----

export const CreatePresentationRequestSchema = z.object({
  purpose: PresentationPurposeSchema,
  /** Only for `custom`: the fields the citizen chooses to disclose. */
  fields: z.array(LicenceFieldSchema).max(20).optional(),
});
export type CreatePresentationRequest = z.input<typeof CreatePresentationRequestSchema>;

export const PresentationSchema = z
  .object({
    tokenId: z.string(),
    /** The compact JWS to render as the QR code. */
    token: z.string(),
    licenceId: LicenceIdSchema,
    purpose: PresentationPurposeSchema,
    purposeName: z.string(),
    /** The fields the token discloses (names only; the values are in the token). */
    fields: z.array(LicenceFieldSchema),
    expiresAt: z.string(),
    expiresInSeconds: z.number().int(),
  })
  .meta({ id: 'Presentation' });
export type Presentation = z.infer<typeof PresentationSchema>;

/** The payload of a presentation token (JWS, ES256 or EdDSA, `kid` in its header, `typ` ov-licence+jwt). */
export const PresentationClaimsSchema = z.object({
  iss: z.string(),
  jti: z.string().min(16).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
  /** The licence's GB/T 36904 identifier. */
  sub: LicenceIdSchema,
  lt: LicenceTypeSchema,
  pur: PresentationPurposeSchema,
  /** The disclosed field values. */
  fld: LicenceFieldValuesSchema,
  /**
   * The licence's status when the QR code was made: only valid or abnormal licences can be shown.
   * An offline verifier shows abnormal in red; the online API checks the status at verification.
   */
  st: z.enum(['valid', 'abnormal']),
});
export type PresentationClaims = z.infer<typeof PresentationClaimsSchema>;

// ---- online verification by relying parties (/open/v1/licences/verify) ----

export const VerifyLicenceRequestSchema = z
  .object({
    /** The QR code's text: the presentation token. */
    token: z.string().min(20).max(4096),
    /** 用证事由: why the relying party verifies (e.g. 入住登记 1208 房). */
    reason: z.string().trim().min(2).max(100),
  })
  .meta({ id: 'VerifyLicenceRequest' });
export type VerifyLicenceRequest = z.input<typeof VerifyLicenceRequestSchema>;

export const VerifyLicenceResponseSchema = z
  .object({
    verified: z.literal(true),
    usageId: z.string(),
    licenceId: LicenceIdSchema,
    licenceType: LicenceTypeSchema,
    licenceTypeName: z.string(),
    purpose: PresentationPurposeSchema,
    purposeName: z.string(),
    /** Only what the citizen disclosed AND this relying party's type may receive. */
    fields: LicenceFieldValuesSchema,
    status: LicenceStatusSchema,
    statusName: z.string(),
    statusNote: z.string().nullable(),
    colour: LicenceColourSchema,
    verifiedAt: z.string(),
  })
  .meta({ id: 'VerifyLicenceResponse' });
export type VerifyLicenceResponse = z.infer<typeof VerifyLicenceResponseSchema>;

// ---- usage records (the citizen sees who verified what, when, why) ----

export const LicenceUsageSchema = z
  .object({
    usageId: z.string(),
    licenceId: LicenceIdSchema,
    licenceTypeName: z.string(),
    via: z.enum(['presentation', 'grant']),
    appId: z.string(),
    relyingPartyName: z.string(),
    relyingPartyType: RelyingPartyTypeSchema.nullable(),
    purpose: z.string(),
    reason: z.string(),
    fields: z.array(LicenceFieldSchema),
    at: z.string(),
  })
  .meta({ id: 'LicenceUsage' });
export type LicenceUsage = z.infer<typeof LicenceUsageSchema>;
export const LicenceUsageQuerySchema = PagingQuerySchema.extend({ licenceId: LicenceIdSchema.optional() });
export const LicenceUsagePageSchema = pageOf(LicenceUsageSchema);

// ---- grants (授权使用) ----

export const GRANT_STATUSES = ['active', 'expired', 'revoked'] as const;
export const LicenceGrantSchema = z
  .object({
    grantId: z.string(),
    licenceId: LicenceIdSchema,
    licenceTypeName: z.string(),
    appId: z.string(),
    partnerName: z.string(),
    purpose: z.string(),
    fields: z.array(LicenceFieldSchema),
    status: z.enum(GRANT_STATUSES),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    uses: z.number().int(),
  })
  .meta({ id: 'LicenceGrant' });
export type LicenceGrant = z.infer<typeof LicenceGrantSchema>;
export const LicenceGrantListSchema = z.object({ grants: z.array(LicenceGrantSchema) });
export const GrantParamsSchema = z.object({ grantId: z.string().regex(/^grt_[A-Za-z0-9_-]{10,40}$/) });

export const CreateGrantRequestSchema = z.object({
  licenceId: LicenceIdSchema,
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  appId: z.string().regex(/^[a-z][a-z0-9-]{2,31}$/),
  /** The stated purpose, e.g. 开立个人银行结算账户. */
  purpose: z.string().trim().min(2).max(100),
  fields: z.array(LicenceFieldSchema).min(1).max(20),
  days: z.number().int().min(1).max(365),
});
export type CreateGrantRequest = z.input<typeof CreateGrantRequestSchema>;

/** Partners that accept grants, for the citizen to choose from. */
export const GranteeListSchema = z.object({ partners: z.array(z.object({ appId: z.string(), name: z.string(), relyingPartyType: RelyingPartyTypeSchema.nullable() })) });
export type GranteeList = z.infer<typeof GranteeListSchema>;

/** What a partner fetches with a grant (`GET /open/v1/licences/grants/{grantId}`). */
export const OpenGrantedLicenceSchema = z
  .object({
    grantId: z.string(),
    usageId: z.string(),
    licenceId: LicenceIdSchema,
    licenceType: LicenceTypeSchema,
    licenceTypeName: z.string(),
    purpose: z.string(),
    fields: LicenceFieldValuesSchema,
    status: LicenceStatusSchema,
    colour: LicenceColourSchema,
    expiresAt: z.string(),
  })
  .meta({ id: 'OpenGrantedLicence' });
export type OpenGrantedLicence = z.infer<typeof OpenGrantedLicenceSchema>;
/** 用证事由 of a grant read, recorded in the citizen's usage records. */
export const OpenGrantReadQuerySchema = z.object({ reason: z.string().trim().min(2).max(100) });

/** The platform's public keys for presentation tokens (`/.well-known/jwks.json`). */
export const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
