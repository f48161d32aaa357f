/**
 * The provincial licence library (省电子证照库), fed by the household, exit-entry and traffic
 * systems: every e-licence a resident holds, as GB/T 36903 metadata plus the licence's surface
 * data, and signed status callbacks when one is revoked, reissued, expires or turns abnormal.
 * The real client is `./client.ts` (protocol there); the callback helpers `./callback.ts`; the
 * simulator `sim/licenceLibrary.ts`.
 */
import { z } from 'zod';
import {
  isValidLicenceId,
  LICENCE_TYPE_FIELDS,
  LICENCE_TYPES,
  LicenceIdSchema,
  LicenceStatusSchema,
  LicenceTypeSchema,
  parseLicenceId,
  type LicenceFieldValues,
  type LicenceStatus,
  type LicenceType,
} from '@onevisit/shared-types';

/** 持证主体代码类型 of a natural person. */
export const HOLDER_CODE_TYPE = '公民身份号码';

/** One licence as the library holds it: GB/T 36903 metadata and the surface data. */
export interface LibraryLicence {
  /** GB/T 36904 identifier (version and check character included). */
  licenceId: string;
  type: LicenceType;
  /** GB/T 36904 type code (LICENCE_TYPES[type].typeCode). */
  typeCode: string;
  /** 证照名称, e.g. 机动车驾驶证. */
  name: string;
  /** 证照编号 as printed (the ID number for 居民身份证 and 机动车驾驶证, 户号 for 居民户口簿 …). */
  number: string;
  /** 发证机构, e.g. 长沙市公安局芙蓉分局. */
  issuer: string;
  /** 发证机构代码: its 18-character unified social credit code. */
  issuerCode: string;
  /** 发证日期, YYYY-MM-DD. */
  issueDate: string;
  /** 持证主体 (the holder's name). */
  holder: string;
  /** 持证主体代码 (the holder's resident ID number). */
  holderCode: string;
  holderCodeType: typeof HOLDER_CODE_TYPE;
  /** 有效期起, YYYY-MM-DD. */
  validFrom: string;
  /** 有效期至, YYYY-MM-DD; null for 长期 (no end). */
  validUntil: string | null;
  status: LicenceStatus;
  /** Why it is not valid (e.g. 累积记分已满12分, 已换领新证); null when valid. */
  statusNote: string | null;
  /** 1 for a first issue, one more at each reissue (the identifier's version). */
  version: number;
  /** The licence that replaced this one (set on the old version of a reissued licence), else null. */
  replacedBy: string | null;
  /** Surface data, only the fields LICENCE_TYPE_FIELDS[type] lists. */
  fields: LicenceFieldValues;
}

export interface LicenceLibraryPort {
  /**
   * Every licence of one holder the library knows, of the types this platform handles, including
   * revoked and expired ones (the old version of a reissued licence is there, revoked, with
   * replacedBy). An empty list when the library knows the person but holds nothing.
   */
  licencesOf(holderIdNumber: string): Promise<LibraryLicence[]>;
  /** One licence by its identifier (any version), or null when the library has no such licence. */
  licence(licenceId: string): Promise<LibraryLicence | null>;
}

// Wire schemas: the client checks answers with them, the simulator and the callback route check
// pushed events. Protocol shape only — no business rules.

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const text = (max: number) => z.string().min(1).max(max);

/**
 * A licence as the library sends it. Field values of keys the type does not carry are dropped,
 * and the identifier must agree with the metadata (type code, issuer code, version).
 */
export const LibraryLicenceSchema = z
  .object({
    licenceId: LicenceIdSchema,
    type: LicenceTypeSchema,
    typeCode: z.string().regex(/^[0-9A-Z]{21}$/),
    name: text(100),
    number: text(64),
    issuer: text(100),
    issuerCode: z.string().regex(/^[0-9A-Z]{18}$/),
    issueDate: ymd,
    holder: text(60),
    holderCode: text(18),
    holderCodeType: z.literal(HOLDER_CODE_TYPE),
    validFrom: ymd,
    validUntil: ymd.nullable(),
    status: LicenceStatusSchema,
    statusNote: z.string().max(500).nullable(),
    version: z.number().int().min(1).max(999),
    replacedBy: LicenceIdSchema.nullable().optional(),
    fields: z.record(z.string(), z.string().max(500)),
  })
  .superRefine((l, ctx) => {
    const id = parseLicenceId(l.licenceId);
    if (!id) return ctx.addIssue({ code: 'custom', path: ['licenceId'], message: 'check character does not hold' });
    if (LICENCE_TYPES[l.type].typeCode !== l.typeCode) ctx.addIssue({ code: 'custom', path: ['typeCode'], message: 'is not the type code of type' });
    if (id.typeCode !== l.typeCode || id.issuerCode !== l.issuerCode || id.version !== l.version) {
      ctx.addIssue({ code: 'custom', path: ['licenceId'], message: 'disagrees with typeCode, issuerCode or version' });
    }
    if (l.replacedBy && !isValidLicenceId(l.replacedBy)) ctx.addIssue({ code: 'custom', path: ['replacedBy'], message: 'check character does not hold' });
  })
  .transform(
    (l): LibraryLicence => ({
      ...l,
      replacedBy: l.replacedBy ?? null,
      fields: Object.fromEntries(LICENCE_TYPE_FIELDS[l.type].filter((k) => typeof l.fields[k] === 'string').map((k) => [k, l.fields[k]])),
    }),
  );

/** Type codes this platform handles: the library may hold other ministries' licences too, which the client skips. */
export function isKnownLicenceTypeCode(typeCode: unknown): boolean {
  return typeof typeCode === 'string' && Object.values(LICENCE_TYPES).some((t) => t.typeCode === typeCode);
}

/**
 * A status callback from the library: one licence changed status. On a reissue the old version
 * arrives `revoked` with `replacedBy` (fetch the new one with `licence(replacedBy)`).
 */
export const LicenceLibraryCallbackSchema = z.object({
  /** Unique per event: receivers dedupe on it (a retry may deliver one twice). */
  eventId: text(64),
  licenceId: LicenceIdSchema.refine(isValidLicenceId, 'check character does not hold'),
  status: LicenceStatusSchema,
  statusNote: z.string().max(500).nullable(),
  replacedBy: LicenceIdSchema.refine(isValidLicenceId, 'check character does not hold').nullable().optional(),
  /** When the status changed, ISO 8601 with offset. */
  at: z.iso.datetime({ offset: true }),
});
export type LicenceLibraryEvent = z.infer<typeof LicenceLibraryCallbackSchema>;
