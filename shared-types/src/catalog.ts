import { z } from 'zod';
import { pageOf, PagingQuerySchema } from './paging';

/** The ten police service domains (警种/业务领域) of the catalogue. Codes are stable identifiers. */
export const DOMAINS = [
  { code: 'household', name: '户政', description: '户口、身份证、居住证等户籍业务' },
  { code: 'exit_entry', name: '出入境', description: '护照、港澳台通行证及签注' },
  { code: 'traffic', name: '交管', description: '驾驶证、机动车、交通违法与事故' },
  { code: 'public_order', name: '治安', description: '特种行业、公章、枪支、大型活动等治安管理' },
  { code: 'anti_drug', name: '禁毒', description: '易制毒化学品、戒毒与禁毒服务' },
  { code: 'cyber', name: '网安', description: '互联网安全、联网备案与网络犯罪举报' },
  { code: 'detention', name: '监管', description: '看守所、拘留所会见与财物等监管场所服务' },
  { code: 'legal', name: '法制', description: '行政复议、证明开具与执法公开' },
  { code: 'petition', name: '信访', description: '公安信访事项的提交、查询与评价' },
  { code: 'general', name: '综合', description: '移车、报警求助、证明材料等综合服务' },
] as const;
export type DomainCode = (typeof DOMAINS)[number]['code'];
export const DomainCodeSchema = z.enum(DOMAINS.map((d) => d.code) as [DomainCode, ...DomainCode[]]);

/**
 * Item types of the national government-service catalogue (政务服务事项基本目录); the two digits
 * are the type segment of the item's basic code and must match the item's implementation code.
 */
export const ITEM_TYPES = {
  licensing: { digits: '01', name: '行政许可' },
  penalty: { digits: '02', name: '行政处罚' },
  enforcement: { digits: '03', name: '行政强制' },
  levy: { digits: '04', name: '行政征收' },
  benefit: { digits: '05', name: '行政给付' },
  inspection: { digits: '06', name: '行政检查' },
  confirmation: { digits: '07', name: '行政确认' },
  reward: { digits: '08', name: '行政奖励' },
  ruling: { digits: '09', name: '行政裁决' },
  other_power: { digits: '10', name: '其他行政权力' },
  public_service: { digits: '20', name: '公共服务' },
} as const;
export type ItemType = keyof typeof ITEM_TYPES;
export const ItemTypeSchema = z.enum(Object.keys(ITEM_TYPES) as [ItemType, ...ItemType[]]);

/** 全程网办 fully online / 预约办理 by appointment / 最多跑一次 at most one visit. */
export const HandlingModeSchema = z.enum(['online', 'appointment', 'one_visit']);
export type HandlingMode = z.infer<typeof HandlingModeSchema>;
export const HANDLING_MODE_NAMES: Record<HandlingMode, string> = {
  online: '全程网办',
  appointment: '预约办理',
  one_visit: '最多跑一次',
};

/** 立即办 immediate / 限时办 time-limited / 紧急办 urgent. */
export const HandlingClassSchema = z.enum(['immediate', 'time_limited', 'urgent']);
export type HandlingClass = z.infer<typeof HandlingClassSchema>;
export const HANDLING_CLASS_NAMES: Record<HandlingClass, string> = {
  immediate: '立即办',
  time_limited: '限时办',
  urgent: '紧急办',
};

export const DeliveryOptionSchema = z.enum(['window_pickup', 'postal', 'electronic']);
export type DeliveryOption = z.infer<typeof DeliveryOptionSchema>;
export const DELIVERY_OPTION_NAMES: Record<DeliveryOption, string> = {
  window_pickup: '窗口领取',
  postal: '邮政寄递',
  electronic: '电子证照/电子文书',
};

/** When the fee is due: on submission, after approval, or never (free items). */
export const FeeDueSchema = z.enum(['none', 'on_submission', 'after_approval']);
export type FeeDue = z.infer<typeof FeeDueSchema>;

/** Identity assurance an item needs: L1 logged in, L2 real-name, L3 real-person (face). */
export const IdentityLevelSchema = z.enum(['L1', 'L2', 'L3']);
export type IdentityLevel = z.infer<typeof IdentityLevelSchema>;

/** 原件 / 复印件 / 原件和复印件 / 电子材料. */
export const MaterialFormSchema = z.enum(['original', 'copy', 'original_and_copy', 'electronic']);
export type MaterialForm = z.infer<typeof MaterialFormSchema>;

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

export const SEARCH_MAX_LENGTH = 40;
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
