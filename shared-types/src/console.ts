import { z } from 'zod';
import { PERMISSIONS, STAFF_ROLES, UNMASKABLE_FIELDS } from './labels';
import { IdNumberSchema, IdentityLevelValueSchema, LinkedIdentitySchema, MobileSchema } from './identity';
import { pageOf, PagingQuerySchema } from './paging';

// ---- the console's API (/console/api): staff sessions are cookies, writes need X-CSRF-Token ----

export const StaffRoleSchema = z.enum(STAFF_ROLES);
export const PermissionSchema = z.enum(PERMISSIONS);
export const UsernameSchema = z.string().trim().regex(/^[a-z][a-z0-9._-]{2,31}$/, 'username: 3–32 lower-case letters, digits, . _ -');
/** At least 12 characters with letters and digits; no upper bound below 128 (passphrases welcome). */
export const NewPasswordSchema = z
  .string()
  .min(12, 'password: at least 12 characters')
  .max(128)
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'password: letters and digits');

export const StaffSchema = z
  .object({
    staffId: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: StaffRoleSchema,
    status: z.enum(['active', 'disabled']),
    lockedUntil: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Staff' });
export type Staff = z.infer<typeof StaffSchema>;

export const ConsoleLoginRequestSchema = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(128) });
export const ConsoleSessionSchema = z.object({
  staff: StaffSchema,
  permissions: z.array(PermissionSchema),
  /** Send back as the X-CSRF-Token header on every POST, PATCH, PUT and DELETE. */
  csrfToken: z.string(),
});
export type ConsoleSession = z.infer<typeof ConsoleSessionSchema>;

export const CitizenSearchQuerySchema = z
  .object({ phone: MobileSchema.optional(), idNumber: IdNumberSchema.optional() })
  .refine((q) => Boolean(q.phone) !== Boolean(q.idNumber), 'give exactly one of phone or idNumber');
export const CitizenSummarySchema = z
  .object({
    userId: z.string(),
    name: z.string().nullable(),
    idNumber: z.string().nullable(),
    phone: z.string().nullable(),
    level: IdentityLevelValueSchema,
    createdAt: z.string(),
  })
  .meta({ id: 'CitizenSummary' });
export type CitizenSummary = z.infer<typeof CitizenSummarySchema>;
export const CitizenSearchResponseSchema = z.object({ citizens: z.array(CitizenSummarySchema) });
export const CitizenDetailSchema = CitizenSummarySchema.extend({
  linked: z.array(LinkedIdentitySchema),
  realNameVerifiedAt: z.string().nullable(),
  faceValidUntil: z.string().nullable(),
}).meta({ id: 'CitizenDetail' });
export type CitizenDetail = z.infer<typeof CitizenDetailSchema>;

export const UserIdParamsSchema = z.object({ userId: z.string().min(1).max(64) });
export const UnmaskRequestSchema = z.object({
  field: z.enum(UNMASKABLE_FIELDS),
  /**
   * Why staff needs the full value (e.g. the caller asked to confirm their ID); kept in the audit
   * log. At least 4 characters, else UNMASK_REASON_REQUIRED.
   */
  reason: z.string().trim().max(200).optional(),
});
export const UnmaskResponseSchema = z.object({ field: z.enum(UNMASKABLE_FIELDS), value: z.string(), auditId: z.string() });

export const StaffCreateRequestSchema = z.object({
  username: UsernameSchema,
  displayName: z.string().trim().min(1).max(40),
  role: StaffRoleSchema,
  password: NewPasswordSchema,
});
export const StaffUpdateRequestSchema = z
  .object({ role: StaffRoleSchema.optional(), status: z.enum(['active', 'disabled']).optional(), unlock: z.literal(true).optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export const StaffPasswordRequestSchema = z.object({ password: NewPasswordSchema });
export const StaffIdParamsSchema = z.object({ staffId: z.string().min(1).max(64) });
export const StaffListResponseSchema = z.object({ staff: z.array(StaffSchema) });

export const AuditEntrySchema = z
  .object({
    auditId: z.string(),
    at: z.string(),
    actorType: z.enum(['staff', 'citizen', 'partner', 'system']),
    actorId: z.string(),
    actorName: z.string(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    reason: z.string().nullable(),
    requestId: z.string(),
    ip: z.string().nullable(),
    /** Context for an investigator (e.g. which field was unmasked); never a personal value. */
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditQuerySchema = PagingQuerySchema.extend({
  actorId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  subjectId: z.string().max(64).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});
export const AuditListResponseSchema = pageOf(AuditEntrySchema);
