import { z } from 'zod';
import { CalendarDateSchema } from './calendar';
import { BundleCodeParamsSchema, DeliveryOptionSchema, HandlingClassSchema, ItemCodeSchema } from './catalog';
import {
  APPROVAL_DECISION_NAMES,
  BUNDLE_PROGRESS_NAMES,
  CASE_ACTION_NAMES,
  CASE_ACTOR_NAMES,
  CASE_CLOCK_NAMES,
  CASE_STATE_NAMES,
  keysOf,
  MATERIAL_MIMES_ALLOWED,
  NOTIFICATION_CHANNEL_NAMES,
  STAFF_CASE_ACTIONS,
  UPSTREAM_DELIVERY_NAMES,
  UPSTREAM_SYSTEM_NAMES,
} from './labels';
import { pageOf, PagingQuerySchema } from './paging';

// ---- applications (办件): the citizen API under /api/v1/applications and the console's case desk ----

export const CaseStateSchema = z.enum(keysOf(CASE_STATE_NAMES));
export const CaseActionSchema = z.enum(keysOf(CASE_ACTION_NAMES));
export const CaseActorSchema = z.enum(keysOf(CASE_ACTOR_NAMES));
export const CaseClockSchema = z.enum(keysOf(CASE_CLOCK_NAMES));
export const UpstreamDeliverySchema = z.enum(keysOf(UPSTREAM_DELIVERY_NAMES));
export const UpstreamSystemCodeSchema = z.enum(keysOf(UPSTREAM_SYSTEM_NAMES));
export const ApprovalDecisionSchema = z.enum(keysOf(APPROVAL_DECISION_NAMES));
export const NotificationChannelSchema = z.enum(keysOf(NOTIFICATION_CHANNEL_NAMES));
export const StaffCaseActionSchema = z.enum(STAFF_CASE_ACTIONS);

/** 办件编号: implementation code + yyyyMMdd + a daily sequence of 4 or more digits. */
export const CaseNoSchema = z.string().regex(/^[0-9A-Z]{10,40}\d{12,14}$/, 'caseNo: item code + yyyyMMdd + sequence');
export const CaseNoParamsSchema = z.object({ caseNo: CaseNoSchema });

/**
 * A client-chosen key that makes a write safe to retry: the same key returns the first result; the
 * same key with a different request is IDEMPOTENCY_KEY_REUSED. A UUID fits.
 */
export const IdempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'idempotencyKey: 16–64 letters, digits, - or _');

const note = (max: number) => z.string().trim().min(1).max(max);
export const MaterialNameSchema = note(100);

/** A file the citizen uploaded, not yet (or already) attached to a case. */
export const UploadSchema = z
  .object({
    uploadId: z.string(),
    /** A display name made safe (no path parts); never used to store the file. */
    fileName: z.string(),
    contentType: z.enum(MATERIAL_MIMES_ALLOWED),
    bytes: z.number().int(),
    /** Lower-case hex SHA-256 of the content. */
    sha256: z.string(),
    uploadedAt: z.string(),
  })
  .meta({ id: 'Upload' });
export type Upload = z.infer<typeof UploadSchema>;

/** A material of the item's list, supplied by an upload. */
export const MaterialRefSchema = z.object({ materialName: MaterialNameSchema, uploadId: z.string().min(1).max(64) });
export type MaterialRef = z.infer<typeof MaterialRefSchema>;

/** 容缺受理: a material allowed late (`lateAllowed`), promised by a date. */
export const PendingMaterialDeclarationSchema = z.object({ materialName: MaterialNameSchema, promisedBy: CalendarDateSchema });
export type PendingMaterialDeclaration = z.infer<typeof PendingMaterialDeclarationSchema>;

const FormDataSchema = z.record(z.string().max(40), z.unknown());

export const CreateApplicationRequestSchema = z.object({
  itemCode: ItemCodeSchema,
  idempotencyKey: IdempotencyKeySchema,
  formData: FormDataSchema,
  materials: z.array(MaterialRefSchema).max(30).default([]),
  pendingMaterials: z.array(PendingMaterialDeclarationSchema).max(10).default([]),
  deliveryOption: DeliveryOptionSchema,
  /** Asks for the item's green channel (e.g. exam candidates); staff or upstream check eligibility. */
  greenChannel: z.boolean().default(false),
  /** false saves a draft; true (the default) submits at once. */
  submit: z.boolean().default(true),
});
export type CreateApplicationRequest = z.input<typeof CreateApplicationRequestSchema>;

/** Updates a draft, then (with `submit`) submits it. */
export const UpdateDraftRequestSchema = CreateApplicationRequestSchema.omit({ itemCode: true, idempotencyKey: true });
export type UpdateDraftRequest = z.input<typeof UpdateDraftRequestSchema>;

export const WithdrawRequestSchema = z.object({ reason: note(200).optional() });
export type WithdrawRequest = z.input<typeof WithdrawRequestSchema>;

/** 补正: the answer to the open supplement request `supplementId`; answering twice is a no-op. */
export const AnswerSupplementRequestSchema = z.object({
  supplementId: z.string().min(1).max(64),
  note: note(500).optional(),
  materials: z.array(MaterialRefSchema).max(30).default([]),
  formData: FormDataSchema.optional(),
});
export type AnswerSupplementRequest = z.input<typeof AnswerSupplementRequestSchema>;

/** Supplies a material pending under 容缺受理. */
export const SupplyPendingMaterialRequestSchema = MaterialRefSchema;
export type SupplyPendingMaterialRequest = z.input<typeof SupplyPendingMaterialRequestSchema>;

export const CaseMaterialSchema = z
  .object({
    materialName: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    bytes: z.number().int(),
    sha256: z.string(),
    attachedAt: z.string(),
    /** Which step brought it: the submission, a supplement answer, a pending material. */
    source: z.enum(['submission', 'supplement', 'pending']),
  })
  .meta({ id: 'CaseMaterial' });
export type CaseMaterial = z.infer<typeof CaseMaterialSchema>;

export const PendingMaterialSchema = z.object({ materialName: z.string(), promisedBy: z.string(), suppliedAt: z.string().nullable() });
export type PendingMaterial = z.infer<typeof PendingMaterialSchema>;

export const SupplementSchema = z
  .object({
    supplementId: z.string(),
    reasons: z.array(z.string()),
    requestedAt: z.string(),
    answeredAt: z.string().nullable(),
    answerNote: z.string().nullable(),
  })
  .meta({ id: 'Supplement' });
export type Supplement = z.infer<typeof SupplementSchema>;

export const ApprovalSchema = z.object({
  department: z.string(),
  decision: ApprovalDecisionSchema,
  note: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const TimelineEventSchema = z
  .object({
    at: z.string(),
    action: CaseActionSchema,
    /** The state the case reached. */
    state: CaseStateSchema,
    actor: CaseActorSchema,
    /** 申请人, a staff member's display name, 户政业务系统 … */
    actorName: z.string(),
    note: z.string().nullable(),
    /** Always true in the citizen API (others are not sent); the console shows both. */
    visibleToCitizen: z.boolean(),
  })
  .meta({ id: 'TimelineEvent' });
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const CaseDeadlineSchema = z.object({
  /** ISO instant the case is due. */
  dueAt: z.string(),
  clock: CaseClockSchema,
  /** The limit that applies: working days from acceptance, or hours (urgent / green channel). */
  limitWorkingDays: z.number().int().nullable(),
  limitHours: z.number().int().nullable(),
  /** Years whose calendar was missing and fell back to Monday–Friday. */
  fallbackYears: z.array(z.number().int()),
});
export type CaseDeadline = z.infer<typeof CaseDeadlineSchema>;

export const ApplicationSummarySchema = z
  .object({
    caseNo: CaseNoSchema,
    itemCode: z.string(),
    itemName: z.string(),
    state: CaseStateSchema,
    handlingClass: HandlingClassSchema,
    greenChannel: z.boolean(),
    bundleCaseNo: z.string().nullable(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    /** null until acceptance starts the clock, and after a decision. */
    deadline: CaseDeadlineSchema.nullable(),
    upstream: UpstreamDeliverySchema,
    updatedAt: z.string(),
  })
  .meta({ id: 'ApplicationSummary' });
export type ApplicationSummary = z.infer<typeof ApplicationSummarySchema>;

export const ApplicationDetailSchema = ApplicationSummarySchema.extend({
  /** The form as filled in, identity and phone numbers masked. */
  formData: z.record(z.string(), z.unknown()),
  deliveryOption: DeliveryOptionSchema,
  materials: z.array(CaseMaterialSchema),
  pendingMaterials: z.array(PendingMaterialSchema),
  supplement: SupplementSchema.nullable(),
  approvals: z.array(ApprovalSchema),
  timeline: z.array(TimelineEventSchema),
  /** What the viewer may do now (the citizen: withdraw, answer_supplement, submit a draft). */
  actions: z.array(CaseActionSchema),
}).meta({ id: 'ApplicationDetail' });
export type ApplicationDetail = z.infer<typeof ApplicationDetailSchema>;

export const ApplicationListQuerySchema = PagingQuerySchema.extend({
  /** `open` = not in a final state; `closed` = final. */
  status: z.enum(['all', 'open', 'closed']).default('all'),
});
export const ApplicationPageSchema = pageOf(ApplicationSummarySchema);

// ---- life-event bundles (一件事): one form, one case per item ----

export const CreateBundleApplicationRequestSchema = z.object({
  bundleCode: BundleCodeParamsSchema.shape.bundleCode,
  idempotencyKey: IdempotencyKeySchema,
  formData: FormDataSchema,
  materials: z.array(MaterialRefSchema).max(60).default([]),
  deliveryOption: DeliveryOptionSchema,
});
export type CreateBundleApplicationRequest = z.input<typeof CreateBundleApplicationRequestSchema>;

export const BundleApplicationSchema = z
  .object({
    bundleCaseNo: z.string(),
    bundleCode: z.string(),
    bundleName: z.string(),
    createdAt: z.string(),
    progress: z.enum(keysOf(BUNDLE_PROGRESS_NAMES)),
    /** Cases finished (completed, or approved and waiting only for delivery) out of all. */
    done: z.number().int(),
    total: z.number().int(),
    cases: z.array(ApplicationSummarySchema),
  })
  .meta({ id: 'BundleApplication' });
export type BundleApplication = z.infer<typeof BundleApplicationSchema>;
export const BundleCaseNoParamsSchema = z.object({ bundleCaseNo: z.string().regex(/^[A-Z][A-Z0-9_]{2,39}\d{12,14}$/) });

// ---- notification preferences (/api/v1/me/notifications) ----

export const NotificationPreferencesSchema = z
  .object({ wechat: z.boolean(), alipay: z.boolean(), sms: z.boolean() })
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;
export const NotificationPreferencesUpdateSchema = NotificationPreferencesSchema.partial();

// ---- the console's case desk (/console/api/cases) ----

export const CaseQueueQuerySchema = PagingQuerySchema.extend({
  /** `todo`: in-house cases waiting for an approver, most urgent first. */
  view: z.enum(['todo', 'all']).default('todo'),
  caseNo: CaseNoSchema.optional(),
  state: CaseStateSchema.optional(),
});

export const StaffCaseSummarySchema = ApplicationSummarySchema.extend({
  applicantName: z.string(),
  upstreamSystem: UpstreamSystemCodeSchema.nullable(),
}).meta({ id: 'StaffCaseSummary' });
export type StaffCaseSummary = z.infer<typeof StaffCaseSummarySchema>;
export const StaffCasePageSchema = pageOf(StaffCaseSummarySchema);

export const StaffCaseDetailSchema = ApplicationDetailSchema.extend({
  applicant: z.object({ userId: z.string(), name: z.string(), idNumber: z.string(), phone: z.string().nullable() }),
  upstreamSystem: UpstreamSystemCodeSchema.nullable(),
  upstreamRef: z.string().nullable(),
  /** Departments still to sign in a parallel approval. */
  pendingDepartments: z.array(z.string()),
}).meta({ id: 'StaffCaseDetail' });
export type StaffCaseDetail = z.infer<typeof StaffCaseDetailSchema>;

/**
 * An approver's decision. `actionId` makes it safe to retry (the same id is applied once);
 * `reasons` go with request_supplement, `pendingMaterials` with accept (容缺受理), `department`
 * with approve/reject in a parallel approval.
 */
export const StaffCaseActionRequestSchema = z.object({
  action: StaffCaseActionSchema,
  actionId: IdempotencyKeySchema,
  note: note(500).optional(),
  reasons: z.array(note(200)).max(10).optional(),
  pendingMaterials: z.array(PendingMaterialDeclarationSchema).max(10).optional(),
  department: note(60).optional(),
});
export type StaffCaseActionRequest = z.input<typeof StaffCaseActionRequestSchema>;

/** `POST /console/api/cases/:caseNo/unmask {reason}`: the form and applicant in full, audited first. */
export const CaseUnmaskRequestSchema = z.object({ reason: z.string().trim().max(200).optional() });
export const CaseUnmaskResponseSchema = z.object({
  formData: z.record(z.string(), z.unknown()),
  applicant: z.object({ name: z.string().nullable(), idNumber: z.string().nullable(), phone: z.string().nullable() }),
  auditId: z.string(),
});
export type CaseUnmaskResponse = z.infer<typeof CaseUnmaskResponseSchema>;
