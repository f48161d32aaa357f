import { z } from 'zod';
import {
  DELIVERY_OPTION_NAMES,
  DOMAINS,
  FEE_DUE_NAMES,
  HANDLING_CLASS_NAMES,
  HANDLING_MODE_NAMES,
  IDENTITY_LEVEL_NAMES,
  ITEM_TYPES,
  keysOf,
  MATERIAL_FORM_NAMES,
  SEARCH_MAX_LENGTH,
  type DomainCode,
} from './labels';
import { pageOf, PagingQuerySchema } from './paging';

export const DomainCodeSchema = z.enum(DOMAINS.map((d) => d.code) as [DomainCode, ...DomainCode[]]);
export const ItemTypeSchema = z.enum(keysOf(ITEM_TYPES));
export const HandlingModeSchema = z.enum(keysOf(HANDLING_MODE_NAMES));
export const HandlingClassSchema = z.enum(keysOf(HANDLING_CLASS_NAMES));
export const DeliveryOptionSchema = z.enum(keysOf(DELIVERY_OPTION_NAMES));
export const FeeDueSchema = z.enum(keysOf(FEE_DUE_NAMES));
export const IdentityLevelSchema = z.enum(keysOf(IDENTITY_LEVEL_NAMES));
export const MaterialFormSchema = z.enum(keysOf(MATERIAL_FORM_NAMES));

const text = (max: number) => z.string().trim().min(1).max(max);

export const MaterialSchema = z.object({
  name: text(100),
  required: z.boolean(),
  form: MaterialFormSchema,
  copies: z.number().int().min(1).max(10).default(1),
  /** 容缺受理: may be supplied after acceptance. Key materials never allow this. */
  lateAllowed: z.boolean(),
  /** Where the citizen gets it, or what it must show. */
  note: text(300).optional(),
});
export type Material = z.infer<typeof MaterialSchema>;

export const StepSchema = z.object({ title: text(40), description: text(300) });
export type Step = z.infer<typeof StepSchema>;

export const FormFieldTypeSchema = z.enum([
  'text',
  'textarea',
  'number',
  'date',
  'select',
  'boolean',
  'idNumber',
  'phone',
  'region',
  'plateNumber',
]);
export type FormFieldType = z.infer<typeof FormFieldTypeSchema>;

/** One field of an item's application form; the same schema drives the mini-program and the BFF. */
export const FormFieldSchema = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/),
  label: text(40),
  type: FormFieldTypeSchema,
  required: z.boolean(),
  options: z.array(z.object({ value: text(40), label: text(40) })).optional(),
  maxLength: z.number().int().min(1).max(2000).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  help: text(200).optional(),
});
export type FormField = z.infer<typeof FormFieldSchema>;

export const FeeSchema = z.object({
  /** Integer fen; 0 is a value (free of charge). */
  amountFen: z.number().int().min(0).max(100_000_00),
  due: FeeDueSchema,
  /** 收费依据, e.g. the pricing document. */
  basis: text(200).optional(),
  description: text(200),
});
export type Fee = z.infer<typeof FeeSchema>;

/** 绿色通道: a faster lane for a defined group, with its own deadline in hours. */
export const GreenChannelSchema = z.object({
  name: text(40),
  eligibility: text(200),
  limitHours: z.number().int().min(1).max(240),
  description: text(300),
});
export type GreenChannel = z.infer<typeof GreenChannelSchema>;

export const DepartmentSchema = z.object({
  name: text(60),
  /** 统一社会信用代码 of the implementing agency (GB 32100, 18 characters). */
  creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/),
});
export type Department = z.infer<typeof DepartmentSchema>;

/** Consultation and complaint numbers: landline with area code, mobile, or a hotline (12345, 110…). */
export const ServicePhoneSchema = z.string().regex(/^(\d{3,4}-\d{7,8}|1\d{10}|\d{3,6})$/);

export const ItemCodeSchema = z.string().regex(/^[0-9A-Z]{10,40}$/, 'implementation code: 10–40 digits or capital letters');

/** A service item (事项) as the catalogue holds it. */
export const ServiceItemSchema = z
  .object({
    itemCode: ItemCodeSchema,
    name: text(60),
    domain: DomainCodeSchema,
    itemType: ItemTypeSchema,
    summary: text(300),
    department: DepartmentSchema,
    handlingMode: HandlingModeSchema,
    handlingClass: HandlingClassSchema,
    /** 到办事现场次数: 0 means nothing to do in person. */
    visitsRequired: z.number().int().min(0).max(2),
    identityLevel: IdentityLevelSchema,
    conditions: z.array(text(300)).min(1),
    materials: z.array(MaterialSchema).min(1),
    steps: z.array(StepSchema).min(1),
    /** 法定办结时限 and 承诺办结时限, in working days (0 = decided on the spot). */
    legalLimitDays: z.number().int().min(0).max(365),
    promisedLimitDays: z.number().int().min(0).max(365),
    fee: FeeSchema,
    deliveryOptions: z.array(DeliveryOptionSchema).min(1),
    formSchema: z.array(FormFieldSchema),
    consultPhone: ServicePhoneSchema,
    complaintPhone: ServicePhoneSchema.optional(),
    greenChannel: GreenChannelSchema.nullable(),
    /** 并联审批: departments that must each sign; one refusal refuses the case. Empty: one decision. */
    parallelApprovals: z.array(text(60)).max(10).default([]),
    legalBasis: z.array(text(200)).min(1),
    /** Other official names (e.g. 身份证挂失补办). */
    aliases: z.array(text(40)),
    /** Everyday phrasing citizens type (e.g. 丢了身份证, 挪车). */
    keywords: z.array(text(40)),
    /** Relative usage, drives "frequently used" ordering. */
    popularity: z.number().int().min(0),
    enabled: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ServiceItem' });
export type ServiceItem = z.infer<typeof ServiceItemSchema>;
/** What seed files and the console write; the catalogue fills `updatedAt`. */
export const ServiceItemInputSchema = ServiceItemSchema.omit({ updatedAt: true });
export type ServiceItemInput = z.input<typeof ServiceItemInputSchema>;

/** The list view of an item. */
export const ItemSummarySchema = ServiceItemSchema.pick({
  itemCode: true,
  name: true,
  domain: true,
  summary: true,
  handlingMode: true,
  handlingClass: true,
  visitsRequired: true,
  promisedLimitDays: true,
})
  .extend({ feeFen: z.number().int(), hasGreenChannel: z.boolean() })
  .meta({ id: 'ItemSummary' });
export type ItemSummary = z.infer<typeof ItemSummarySchema>;

/** A life-event bundle (一件事): several items behind one form. */
export const BundleSchema = z
  .object({
    bundleCode: z.string().regex(/^[A-Z][A-Z0-9_]{2,39}$/),
    name: text(40),
    summary: text(300),
    itemCodes: z.array(ItemCodeSchema).min(2),
    formSchema: z.array(FormFieldSchema).min(1),
    keywords: z.array(text(40)),
    promisedLimitDays: z.number().int().min(0).max(365),
    updatedAt: z.string(),
  })
  .meta({ id: 'Bundle' });
export type Bundle = z.infer<typeof BundleSchema>;
export const BundleInputSchema = BundleSchema.omit({ updatedAt: true });
export type BundleInput = z.input<typeof BundleInputSchema>;

export const BundleDetailSchema = BundleSchema.extend({ items: z.array(ItemSummarySchema) }).meta({
  id: 'BundleDetail',
});
export type BundleDetail = z.infer<typeof BundleDetailSchema>;

export const DomainSummarySchema = z
  .object({ code: DomainCodeSchema, name: z.string(), description: z.string(), itemCount: z.number().int() })
  .meta({ id: 'DomainSummary' });
export type DomainSummary = z.infer<typeof DomainSummarySchema>;

// ---- requests and responses of /api/v1/catalog ----

export const DomainListResponseSchema = z.object({ domains: z.array(DomainSummarySchema) });
export type DomainListResponse = z.infer<typeof DomainListResponseSchema>;

export const ItemListQuerySchema = PagingQuerySchema.extend({
  domain: DomainCodeSchema.optional(),
  handlingMode: HandlingModeSchema.optional(),
  /** Only items with nothing to do in person (visitsRequired = 0). */
  onlineOnly: z.stringbool().optional(),
});
export type ItemListQuery = z.input<typeof ItemListQuerySchema>;
export const ItemListResponseSchema = pageOf(ItemSummarySchema);
export type ItemListResponse = z.infer<typeof ItemListResponseSchema>;

export const SearchQuerySchema = PagingQuerySchema.extend({
  q: z.string().trim().min(1).max(SEARCH_MAX_LENGTH),
  domain: DomainCodeSchema.optional(),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

export const SearchHitSchema = ItemSummarySchema.extend({
  score: z.number(),
  /** Which field matched best: name, alias or keyword. */
  matchedBy: z.enum(['name', 'alias', 'keyword', 'summary']),
  matchedText: z.string(),
}).meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof SearchHitSchema>;
export const SearchResponseSchema = pageOf(SearchHitSchema).extend({
  bundles: z.array(BundleSchema.pick({ bundleCode: true, name: true, summary: true })),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;

export const DomainParamsSchema = z.object({ domain: z.string().min(1).max(32) });
export const ItemCodeParamsSchema = z.object({ itemCode: z.string().min(1).max(64) });
export const BundleCodeParamsSchema = z.object({ bundleCode: z.string().min(1).max(64) });
export const BundleListResponseSchema = z.object({
  bundles: z.array(BundleSchema.pick({ bundleCode: true, name: true, summary: true, promisedLimitDays: true })),
});
export type BundleListResponse = z.infer<typeof BundleListResponseSchema>;
