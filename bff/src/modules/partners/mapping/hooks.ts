/**
 * Named hooks: the rare mapping that renames, code tables and date formats cannot express. A
 * profile references a hook by name, at an object of the document, with parameters:
 *
 *   "hooks": [{ "name": "joinCertificate", "at": "applicant",
 *               "params": { "into": "certificate", "table": "certificateType" } }]
 *
 * A hook works on canonical-shaped objects only: on the way out it runs before the field mapping
 * and turns some fields of the object into others (`consumes` → `produces`, e.g. certificateType
 * + idNumber → certificate); those products are then renamed by the profile's `fields` like any
 * field. On the way in it runs after the field mapping and undoes that. So field names stay data,
 * and a hook is a small pure function of one object. Hooks are looked up when a profile loads: an
 * unknown name or bad parameters refuse the profile.
 *
 * Adding a hook: add an entry to MAPPING_HOOKS with a zod schema of its parameters, and a test
 * that round-trips a value through it (both directions must be exact inverses).
 */
import { z } from 'zod';

export type HookParams = Record<string, unknown>;

export interface HookContext {
  /** The dialect code of a canonical value in one of the profile's code tables; undefined when not there. */
  encode(table: string, canonical: string): string | number | undefined;
  /** The canonical value of a dialect code; undefined when the table does not have it. */
  decode(table: string, code: unknown): string | boolean | undefined;
  /** The dialect codes of a table, for messages. */
  codes(table: string): (string | number)[];
  /**
   * Refuses the value: throws a MappingError naming the field — on the way in the dialect field
   * the partner sent (`key` is a canonical key of the object; the engine finds where it lives).
   */
  fail(key: string, message: string): never;
}

export interface MappingHook<P extends HookParams = HookParams> {
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Keys of the object the hook removes on the way out (and restores on the way in). */
  consumes(params: P): string[];
  /** Keys it adds on the way out: canonical-side names the profile's `fields` may rename. */
  produces(params: P): string[];
  /** Code tables of the profile it needs. */
  tables(params: P): string[];
  toDialect(node: Record<string, unknown>, params: P, ctx: HookContext): void;
  fromDialect(node: Record<string, unknown>, params: P, ctx: HookContext): void;
}

const JoinCertificateParams = z.strictObject({
  /** The certificate-type key of the object (usually an `implied` field, since ours are resident IDs). */
  typeKey: z.string().min(1).default('certificateType'),
  numberKey: z.string().min(1).default('idNumber'),
  /** The combined key the hook produces (rename it in `fields`). */
  into: z.string().min(1),
  /** The profile's code table for certificate types. */
  table: z.string().min(1),
  separator: z.string().min(1).max(3).default('|'),
});
type JoinCertificateParams = z.output<typeof JoinCertificateParams>;

/**
 * Certificate type and number as one field, `"01|430102199001011234"` (type code, separator,
 * number), as some city platforms send the applicant's certificate. Objects without a number
 * (e.g. an applicant identified by a token) are left alone.
 */
const joinCertificate: MappingHook<JoinCertificateParams> = {
  description: 'certificate type code and number joined into one field, e.g. "01|430102199001011234"',
  params: JoinCertificateParams as z.ZodType<JoinCertificateParams>,
  consumes: (p) => [p.typeKey, p.numberKey],
  produces: (p) => [p.into],
  tables: (p) => [p.table],
  toDialect(node, p, ctx) {
    const number = node[p.numberKey];
    if (number === undefined || number === null) return;
    const type = node[p.typeKey];
    if (typeof type !== 'string') return ctx.fail(p.typeKey, `a certificate type is needed to join it with the number (declare it as an implied field)`);
    if (typeof number !== 'string') return ctx.fail(p.numberKey, 'the certificate number must be a string');
    const code = ctx.encode(p.table, type);
    if (code === undefined) ctx.fail(p.typeKey, `"${type}" has no code in table ${p.table}`);
    node[p.into] = `${code}${p.separator}${number}`;
    delete node[p.typeKey];
    delete node[p.numberKey];
  },
  fromDialect(node, p, ctx) {
    if (!Object.prototype.hasOwnProperty.call(node, p.into)) return;
    const joined = node[p.into];
    delete node[p.into];
    if (joined === null) return;
    const at = typeof joined === 'string' ? joined.indexOf(p.separator) : -1;
    if (typeof joined !== 'string' || at <= 0 || at + p.separator.length >= joined.length) {
      return ctx.fail(p.into, `expected "<证件类型代码>${p.separator}<证件号码>", e.g. "${ctx.codes(p.table)[0] ?? '01'}${p.separator}430102199001011234"`);
    }
    const code = joined.slice(0, at);
    const type = ctx.decode(p.table, code);
    if (typeof type !== 'string') ctx.fail(p.into, `unknown certificate type code "${code}"; expected one of ${ctx.codes(p.table).join(', ')}`);
    node[p.typeKey] = type;
    node[p.numberKey] = joined.slice(at + p.separator.length);
  },
};

export const MAPPING_HOOKS: Readonly<Record<string, MappingHook<any>>> = {
  joinCertificate,
};
