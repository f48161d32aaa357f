import { z } from 'zod';
import { CalendarDateSchema } from './calendar';
import { CaseNoSchema, CaseActionSchema, CaseActorSchema, CaseStateSchema, MaterialNameSchema } from './applications';
import { DeliveryOptionSchema, ItemCodeSchema, ServiceItemSchema } from './catalog';
import { RelyingPartyTypeSchema } from './licences';
import { PagingQuerySchema, pageOf } from './paging';
import { PARTNER_SCOPES, SIGNATURE_ALGORITHMS, WEBHOOK_DELIVERY_STATUSES } from './labels';

/*
 * The standardized open API (`/open/v1`) for government platforms and relying parties, and the
 * console's management of the partners that call it. These are the canonical payloads: a
 * partner's mapping profile renames, recodes and re-envelopes them into its platform's dialect
 * (docs/open-api.md § Mapping profiles).
 */

export const SignatureAlgorithmSchema = z.enum(SIGNATURE_ALGORITHMS);
export const PartnerScopeSchema = z.enum(PARTNER_SCOPES);

/** The partner's own serial number (申办流水号): the idempotency key of a submission. */
export const PartnerSerialNoSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'serialNo: 6–64 letters, digits, - or _');
export const OpaqueCursorSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'cursor: the opaque string a previous page returned');

// ---- catalogue sync ----

export const OpenCatalogQuerySchema = z.object({
  /** Omitted: from the beginning. Otherwise the `nextCursor` of the previous page. */
  cursor: OpaqueCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type OpenCatalogQuery = z.input<typeof OpenCatalogQuerySchema>;

/** An item as partners sync it: its standard code (实施编码) and what a submission needs. */
export const OpenCatalogItemSchema = ServiceItemSchema.pick({
  itemCode: true,
  name: true,
  domain: true,
  itemType: true,
  department: true,
  handlingMode: true,
  handlingClass: true,
  identityLevel: true,
  legalLimitDays: true,
  promisedLimitDays: true,
  fee: true,
  deliveryOptions: true,
  materials: true,
  formSchema: true,
  enabled: true,
  updatedAt: true,
}).meta({ id: 'OpenCatalogItem' });
export type OpenCatalogItem = z.infer<typeof OpenCatalogItemSchema>;

/** Items changed since the cursor, oldest change first. Keep `nextCursor` for the next sync. */
export const OpenCatalogPageSchema = z
  .object({ items: z.array(OpenCatalogItemSchema), nextCursor: OpaqueCursorSchema, hasMore: z.boolean() })
  .meta({ id: 'OpenCatalogPage' });
export type OpenCatalogPage = z.infer<typeof OpenCatalogPageSchema>;

// ---- submission on a citizen's behalf ----

/** A material sent inline (base64): at most 10 MB decoded, JPG/PNG/HEIC/PDF checked from the bytes. */
export const OpenMaterialFileSchema = z.object({
  materialName: MaterialNameSchema,
  fileName: z.string().trim().min(1).max(120),
  contentType: z.string().max(100),
  contentBase64: z.string().min(4).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'contentBase64: standard base64 without line breaks'),
});
export type OpenMaterialFile = z.infer<typeof OpenMaterialFileSchema>;

/**
 * Who the citizen is: a token of a trusted issuer (mutual recognition: the provincial identity
 * platform or a neighbouring province), or — for partners holding `identity:attest` — the identity
 * the partner checked itself (real name, or real person by face when `level` is L3).
 */
export const OpenApplicantSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('token'), token: z.string().min(20).max(8192) }),
  z.object({
    kind: z.literal('attested'),
    name: z.string().regex(/^[\u4e00-\u9fa5·]{2,30}$/, 'name: 2–30 Chinese characters'),
    idNumber: z.string().regex(/^\d{17}[\dXx]$/, 'idNumber: 18-character resident ID number'),
    phone: z.string().regex(/^1\d{10}$/).optional(),
    level: z.enum(['L2', 'L3']),
    verifiedAt: z.iso.datetime({ offset: true }),
  }),
]);
export type OpenApplicant = z.infer<typeof OpenApplicantSchema>;

export const OpenSubmitRequestSchema = z
  .object({
    serialNo: PartnerSerialNoSchema,
    itemCode: ItemCodeSchema,
    applicant: OpenApplicantSchema,
    formData: z.record(z.string().max(40), z.unknown()),
    deliveryOption: DeliveryOptionSchema,
    greenChannel: z.boolean().default(false),
    materials: z.array(OpenMaterialFileSchema).max(10).default([]),
    /** 容缺受理: materials promised later, supplied through the case's materials endpoint. */
    pendingMaterials: z.array(z.object({ materialName: MaterialNameSchema, promisedBy: CalendarDateSchema })).max(10).default([]),
  })
  .meta({ id: 'OpenSubmitRequest' });
export type OpenSubmitRequest = z.input<typeof OpenSubmitRequestSchema>;

export const OpenTimelineEntrySchema = z
  .object({
    eventId: z.string(),
    at: z.string(),
    action: CaseActionSchema,
    actionName: z.string(),
    state: CaseStateSchema,
    stateName: z.string(),
    actor: CaseActorSchema,
    note: z.string().nullable(),
  })
  .meta({ id: 'OpenTimelineEntry' });
export type OpenTimelineEntry = z.infer<typeof OpenTimelineEntrySchema>;

export const OpenCaseStatusSchema = z
  .object({
    caseNo: CaseNoSchema,
    serialNo: PartnerSerialNoSchema,
    itemCode: ItemCodeSchema,
    itemName: z.string(),
    state: CaseStateSchema,
    stateName: z.string(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    deadlineAt: z.string().nullable(),
    updatedAt: z.string(),
    pendingMaterials: z.array(z.object({ materialName: z.string(), promisedBy: z.string(), suppliedAt: z.string().nullable() })),
    timeline: z.array(OpenTimelineEntrySchema),
  })
  .meta({ id: 'OpenCaseStatus' });
export type OpenCaseStatus = z.infer<typeof OpenCaseStatusSchema>;

/** The answer to a submission; `created` false when the serial number was seen before (a retry). */
export const OpenSubmitResponseSchema = OpenCaseStatusSchema.extend({ created: z.boolean() }).meta({ id: 'OpenSubmitResponse' });
export type OpenSubmitResponse = z.infer<typeof OpenSubmitResponseSchema>;

export const OpenCaseParamsSchema = z.object({ caseNo: CaseNoSchema });
export const OpenSerialParamsSchema = z.object({ serialNo: PartnerSerialNoSchema });

/** A material supplied after submission (a 容缺 material promised at submission). */
export const OpenSupplyMaterialRequestSchema = OpenMaterialFileSchema.meta({ id: 'OpenSupplyMaterialRequest' });
export type OpenSupplyMaterialRequest = z.input<typeof OpenSupplyMaterialRequestSchema>;

// ---- events: the pull feed and the webhook body are the same object ----

export const OPEN_EVENT_TYPES = ['case.status_changed'] as const;
export const OpenCaseEventSchema = z
  .object({
    /** Unique per event and stable across retries and the feed: de-duplicate on it. */
    eventId: z.string(),
    type: z.enum(OPEN_EVENT_TYPES),
    occurredAt: z.string(),
    caseNo: CaseNoSchema,
    serialNo: PartnerSerialNoSchema,
    itemCode: ItemCodeSchema,
    action: CaseActionSchema,
    actionName: z.string(),
    state: CaseStateSchema,
    stateName: z.string(),
    note: z.string().nullable(),
  })
  .meta({ id: 'OpenCaseEvent' });
export type OpenCaseEvent = z.infer<typeof OpenCaseEventSchema>;

export const OpenEventQuerySchema = z.object({
  cursor: OpaqueCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OpenEventQuery = z.input<typeof OpenEventQuerySchema>;
export const OpenEventPageSchema = z
  .object({ events: z.array(OpenCaseEventSchema), nextCursor: OpaqueCursorSchema, hasMore: z.boolean() })
  .meta({ id: 'OpenEventPage' });
export type OpenEventPage = z.infer<typeof OpenEventPageSchema>;

// ---- console: the partner registry ----

export const PartnerAppIdSchema = z.string().regex(/^[a-z][a-z0-9-]{2,31}$/, 'appId: 3–32 lower-case letters, digits or -, starting with a letter');
export const PartnerParamsSchema = z.object({ appId: PartnerAppIdSchema });

const IpRuleSchema = z
  .string()
  .trim()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/, 'an IPv4/IPv6 address or CIDR range');

/** The settings without defaults: an update changes exactly the fields it carries. */
const PartnerSettingsFields = z.object({
  name: z.string().trim().min(2).max(60),
  algorithm: SignatureAlgorithmSchema,
  scopes: z.array(PartnerScopeSchema).min(1),
  /** Empty: any address. Otherwise the caller's address must fall in one of these. */
  ipAllowList: z.array(IpRuleSchema).max(50),
  rateLimitPerMinute: z.number().int().min(1).max(100_000),
  /** Where status changes are pushed (https in production); null: the partner only pulls. */
  webhookUrl: z.url().max(500).nullable(),
  /** A mapping profile id (GET partner-profiles lists them). */
  profileId: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  enabled: z.boolean(),
  /** For relying parties (scope licences:verify): what kind, which decides what they may see. */
  relyingPartyType: RelyingPartyTypeSchema.nullable(),
});
export const PartnerSettingsSchema = PartnerSettingsFields.extend({
  ipAllowList: PartnerSettingsFields.shape.ipAllowList.default([]),
  rateLimitPerMinute: PartnerSettingsFields.shape.rateLimitPerMinute.default(600),
  webhookUrl: PartnerSettingsFields.shape.webhookUrl.default(null),
  profileId: PartnerSettingsFields.shape.profileId.default('canonical'),
  enabled: PartnerSettingsFields.shape.enabled.default(true),
  relyingPartyType: PartnerSettingsFields.shape.relyingPartyType.default(null),
});
export const CreatePartnerRequestSchema = PartnerSettingsSchema.extend({ appId: PartnerAppIdSchema });
export type CreatePartnerRequest = z.input<typeof CreatePartnerRequestSchema>;
export const UpdatePartnerRequestSchema = PartnerSettingsFields.partial();
export type UpdatePartnerRequest = z.input<typeof UpdatePartnerRequestSchema>;

export const PartnerSecretInfoSchema = z.object({
  slot: z.enum(['current', 'previous']),
  /** The last four characters, to tell secrets apart. */
  hint: z.string(),
  createdAt: z.string(),
});
export const PartnerSchema = z
  .object({
    appId: PartnerAppIdSchema,
    name: z.string(),
    algorithm: SignatureAlgorithmSchema,
    scopes: z.array(PartnerScopeSchema),
    ipAllowList: z.array(z.string()),
    rateLimitPerMinute: z.number().int(),
    webhookUrl: z.string().nullable(),
    profileId: z.string(),
    enabled: z.boolean(),
    relyingPartyType: RelyingPartyTypeSchema.nullable(),
    secrets: z.array(PartnerSecretInfoSchema),
    webhookSecretHint: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Partner' });
export type Partner = z.infer<typeof PartnerSchema>;
export const PartnerListSchema = z.object({ partners: z.array(PartnerSchema) });
export type PartnerList = z.infer<typeof PartnerListSchema>;

/** A newly issued secret: shown once, never again (only its hint). */
export const PartnerSecretIssuedSchema = z
  .object({ partner: PartnerSchema, secret: z.string().optional(), webhookSecret: z.string().optional() })
  .meta({ id: 'PartnerSecretIssued' });
export type PartnerSecretIssued = z.infer<typeof PartnerSecretIssuedSchema>;

export const MappingProfileSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  envelope: z.enum(['canonical', 'wrapped']),
});
export type MappingProfileSummary = z.infer<typeof MappingProfileSummarySchema>;
export const MappingProfileListSchema = z.object({ profiles: z.array(MappingProfileSummarySchema) });
export type MappingProfileList = z.infer<typeof MappingProfileListSchema>;

// ---- console: webhook deliveries ----

export const WebhookDeliveryStatusSchema = z.enum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatusSchema>;
export const WebhookDeliverySchema = z
  .object({
    deliveryId: z.string(),
    appId: z.string(),
    eventId: z.string(),
    caseNo: z.string(),
    state: CaseStateSchema,
    status: WebhookDeliveryStatusSchema,
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export const WebhookDeliveryQuerySchema = PagingQuerySchema.extend({
  appId: PartnerAppIdSchema.optional(),
  status: WebhookDeliveryStatusSchema.optional(),
  caseNo: CaseNoSchema.optional(),
});
export type WebhookDeliveryQuery = z.input<typeof WebhookDeliveryQuerySchema>;
export const WebhookDeliveryPageSchema = pageOf(WebhookDeliverySchema);
export const WebhookDeliveryParamsSchema = z.object({ deliveryId: z.string().min(1).max(64) });

// ---- console: evidence of every open-API call ----

export const PartnerCallSchema = z
  .object({
    requestId: z.string(),
    appId: z.string().nullable(),
    method: z.string(),
    path: z.string(),
    bodySha256: z.string(),
    /** `ok`, or the error code the signature check refused with. */
    signatureResult: z.string(),
    status: z.number().int(),
    latencyMs: z.number().int(),
    ip: z.string(),
    at: z.string(),
  })
  .meta({ id: 'PartnerCall' });
export type PartnerCall = z.infer<typeof PartnerCallSchema>;
export const PartnerCallQuerySchema = PagingQuerySchema.extend({
  appId: z.string().max(32).optional(),
  requestId: z.string().max(64).optional(),
  /** Path prefix, e.g. /open/v1/cases. */
  path: z.string().max(200).optional(),
  result: z.enum(['ok', 'refused']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type PartnerCallQuery = z.input<typeof PartnerCallQuerySchema>;
export const PartnerCallPageSchema = pageOf(PartnerCallSchema);
