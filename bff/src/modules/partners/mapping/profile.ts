/**
 * Mapping profiles: how one government platform's dialect of the open API differs from our
 * canonical payloads (shared-types/src/partners.ts). A profile is data — a JSON file in
 * ./profiles or in the operators' directory (registry.ts) — validated here when it loads:
 * the shape by zod, then the meaning (every path is a field of the document, code tables are
 * bijective, two fields never land on one dialect field, arrays stay arrays …). A bad profile
 * throws an Error naming the file and the field.
 *
 * Example (a document of a profile):
 *
 *   "caseStatus": {
 *     "fields": { "caseNo": "bjbh", "state": "bjzt", "timeline": "lcxx", "timeline[].at": "lcxx[].clsj" },
 *     "codes": { "state": "caseState", "timeline[].state": "caseState" },
 *     "dates": ["createdAt", "timeline[].at"],
 *     "calendarDates": ["pendingMaterials[].promisedBy"]
 *   }
 *
 * Semantics (engine.ts applies them):
 * - `fields`: canonical path → dialect path. A renamed object or array takes its unmapped children
 *   along under their own names; a child may also be mapped anywhere else (flattening
 *   `applicant.name` → `sqrxm`, or nesting). Both paths have the same number of `[]`, and the
 *   elements of one canonical array stay elements of one dialect array (its mapped location).
 *   Fields not mapped pass through unchanged — unless the document says `dropUnmapped`, which
 *   keeps only the paths the document lists (fields, passThrough, codes, dates, …) with their
 *   subtrees, both ways.
 * - `passThrough`: subtrees deliberately kept with their canonical key names (the node itself
 *   may still be renamed in `fields`). Documentation, coverage and `dropUnmapped`.
 * - `codes`: canonical path of a value → name of a code table (`x[]` for an array of codes).
 *   Tables are bijective, and cover every value of an enum field (every CaseState…); a table
 *   whose keys are exactly "true" and "false" maps booleans. On the way in an unknown code is a
 *   MappingError naming the dialect field; on the way out too, for free values (form data).
 * - `dates`: ISO-8601 timestamps, written in the profile's `dateFormat` (non-ISO formats are
 *   Asia/Shanghai wall time, UTC+8, seconds precision); `calendarDates`: `yyyy-MM-dd` dates,
 *   written in `calendarDateFormat`. null stays null.
 * - `implied`: a field our payload implies but does not carry (every attested applicant holds
 *   a resident ID, 证件类型 居民身份证): added on the way out (where `when` holds), and on the
 *   way in checked (must equal `value` when present) and removed.
 * - `hooks`: named code (hooks.ts) for what data cannot express.
 * - `extends`: start from another document's mapping (submitResponse = caseStatus + created);
 *   `embeds`: another document's mapping under a path (eventPage `events[]` ← event).
 */
import { z } from 'zod';
import { errorStatus, type ErrorCode } from '@onevisit/shared-types';
import { canonicalPaths, enumValues, kindOf, type NodeKind } from './canonical';
import type { DocumentType } from './engine';
import { MAPPING_HOOKS, type MappingHook } from './hooks';
import {
  ancestors,
  ARRAY,
  arrayCount,
  CANONICAL_PATH_PATTERN,
  childPattern,
  DIALECT_PATH_PATTERN,
  isWithin,
  MAX_CACHED_PATTERNS,
  patternOf,
  prefixBeforeArray,
  splitPattern,
  tokens,
  type Token,
} from './paths';

export const DOCUMENT_TYPES = [
  'catalogPage',
  'submitRequest',
  'submitResponse',
  'caseStatus',
  'event',
  'eventPage',
  'supplyMaterialRequest',
] as const satisfies readonly DocumentType[];
// Every DocumentType is listed (a compile error here means DOCUMENT_TYPES lacks one).
const _allDocumentTypes: Exclude<DocumentType, (typeof DOCUMENT_TYPES)[number]> extends never ? true : never = true;
void _allDocumentTypes;

export const DATE_FORMATS = ['iso8601', 'yyyy-MM-dd HH:mm:ss', 'yyyyMMddHHmmss'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
export const CALENDAR_DATE_FORMATS = ['yyyy-MM-dd', 'yyyyMMdd'] as const;
export type CalendarDateFormat = (typeof CALENDAR_DATE_FORMATS)[number];

const DocumentTypeSchema = z.enum(DOCUMENT_TYPES);
const CanonicalPath = z.string().regex(CANONICAL_PATH_PATTERN, 'a canonical path: field names joined by ".", "[]" after an array (e.g. timeline[].at)');
const DialectPath = z.string().regex(DIALECT_PATH_PATTERN, 'a dialect path: field names joined by ".", "[]" after an array (e.g. lcxx[].clsj)');
const FieldName = z.string().regex(/^[^.[\]\s]+$/, 'a field name (no ".", brackets or spaces)');
const CodeValue = z.union([z.string().min(1), z.number()]);
const Primitive = z.union([z.string(), z.number(), z.boolean()]);
const TableName = z.string().regex(/^[A-Za-z][\w-]{0,63}$/, 'a table name: letters, digits, _ or -');

export const DocumentMappingSchema = z.strictObject({
  extends: DocumentTypeSchema.optional(),
  embeds: z.record(CanonicalPath, DocumentTypeSchema).default({}),
  fields: z.record(CanonicalPath, DialectPath).default({}),
  passThrough: z.array(CanonicalPath).default([]),
  codes: z.record(CanonicalPath, TableName).default({}),
  dates: z.array(CanonicalPath).default([]),
  calendarDates: z.array(CanonicalPath).default([]),
  implied: z
    .array(z.strictObject({ path: CanonicalPath, value: Primitive, when: z.record(FieldName, Primitive).optional() }))
    .default([]),
  hooks: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        at: z.union([z.literal(''), CanonicalPath]).default(''),
        params: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
  dropUnmapped: z.boolean().optional(),
});
export type DocumentMapping = z.output<typeof DocumentMappingSchema>;

const ErrorCodeKey = z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]);

export const EnvelopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('canonical') }),
  z.strictObject({
    kind: z.literal('wrapped'),
    codeField: FieldName,
    messageField: FieldName,
    dataField: FieldName,
    requestIdField: FieldName.optional(),
    successCode: CodeValue,
    successMessage: z.string(),
    /** mirror: our HTTP status; always200: 200 for everything, the outcome only in the code field. */
    httpStatus: z.enum(['mirror', 'always200']),
    /** Our error code → theirs. Several of ours may share one of theirs; reading back, the first listed wins. */
    errorCodes: z.partialRecord(ErrorCodeKey, CodeValue).default({}),
    defaultErrorCode: CodeValue,
  }),
]);
export type Envelope = z.output<typeof EnvelopeSchema>;

export const MappingProfileSchema = z.strictObject({
  /** Optional editor hint (a JSON schema URL); ignored. */
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'id: lower-case letters, digits or -, starting with a letter (2–41)'),
  name: z.string().trim().min(1).max(60),
  description: z.string().trim().min(1).max(500),
  envelope: EnvelopeSchema,
  dateFormat: z.enum(DATE_FORMATS),
  calendarDateFormat: z.enum(CALENDAR_DATE_FORMATS).default('yyyy-MM-dd'),
  codeTables: z.record(TableName, z.record(z.string().min(1), CodeValue)).default({}),
  documents: z
    .strictObject(Object.fromEntries(DOCUMENT_TYPES.map((d) => [d, DocumentMappingSchema.optional()])) as Record<DocumentType, z.ZodOptional<typeof DocumentMappingSchema>>)
    .default({}),
});
export type MappingProfile = z.output<typeof MappingProfileSchema>;
/** What a profile file holds (defaults not yet applied). */
export type MappingProfileInput = z.input<typeof MappingProfileSchema>;

// ---- compiled form ----

export interface CompiledTable {
  readonly name: string;
  /** canonical value (as a string) → dialect code */
  readonly out: ReadonlyMap<string, string | number>;
  /** dialect code (as a string) → canonical value (boolean for a true/false table) */
  readonly in: ReadonlyMap<string, string | boolean>;
  readonly codes: (string | number)[];
}

export interface CompiledImplied {
  readonly pattern: string;
  readonly parent: string;
  readonly key: string;
  readonly value: string | number | boolean;
  readonly when?: Readonly<Record<string, string | number | boolean>>;
}

export interface CompiledHook {
  readonly name: string;
  readonly hook: MappingHook;
  readonly at: string;
  readonly params: Record<string, unknown>;
}

export interface CompiledDocument {
  readonly doc: DocumentType;
  /** canonical pattern → dialect tokens, as listed */
  readonly explicit: ReadonlyMap<string, Token[]>;
  /** dialect pattern → canonical pattern, of the listed fields */
  readonly inverse: ReadonlyMap<string, string>;
  readonly codes: ReadonlyMap<string, CompiledTable>;
  readonly dates: ReadonlySet<string>;
  readonly calendarDates: ReadonlySet<string>;
  /** Patterns converted as one value (codes, dates): never walked into. */
  readonly values: ReadonlySet<string>;
  /** Patterns with something listed below them; any other object or array is copied whole. */
  readonly listedBelow: ReadonlySet<string>;
  readonly implied: readonly CompiledImplied[];
  readonly hooks: readonly CompiledHook[];
  /** A field a hook consumes → the field it produces (where that value lives in the dialect). */
  readonly consumedBy: ReadonlyMap<string, string>;
  /** A field a hook consumes → the code tables that hook uses (to name a value in messages). */
  readonly consumedTables: ReadonlyMap<string, readonly CompiledTable[]>;
  /** dropUnmapped: whether a canonical pattern is kept; null when everything is. */
  readonly keep: ((pattern: string) => boolean) | null;
  /** Where a canonical pattern lives in the dialect (listed, or its parent's place + its key). */
  loc(pattern: string): Token[];
  /** The canonical pattern of a dialect pattern; undefined for a dialect field that has no place. */
  canon(dialectPattern: string): string | undefined;
}

export interface CompiledProfile {
  readonly profile: MappingProfile;
  readonly tables: ReadonlyMap<string, CompiledTable>;
  readonly documents: Partial<Record<DocumentType, CompiledDocument>>;
  /** their error code (as a string) → ours, first listed wins */
  readonly errorCodesBack: ReadonlyMap<string, string>;
}

// ---- loading ----

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const s = String(p);
      out += /^[A-Za-z_$][\w$]*$/.test(s) ? (out === '' ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    }
  }
  return out || '(profile)';
}

/**
 * Validates a profile (its JSON, parsed) and returns it with defaults applied. `source` names it
 * in errors (the file). Throws an Error listing every problem found.
 */
export function parseProfile(input: unknown, source: string): MappingProfile {
  const result = MappingProfileSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${issuePath(i.path)}: ${i.message}`);
    throw new Error(`Mapping profile ${source} is invalid:\n${lines.join('\n')}`);
  }
  compileProfile(result.data, source);
  return result.data;
}

const compiledCache = new WeakMap<MappingProfile, CompiledProfile>();

class ProfileProblems {
  readonly lines: string[] = [];
  add(where: string, message: string): void {
    this.lines.push(`  - ${where}: ${message}`);
  }
}

/** The profile prepared for the engine (cached per profile object); throws if its meaning is wrong. */
export function compileProfile(profile: MappingProfile, source: string = `"${profile.id}"`): CompiledProfile {
  const cached = compiledCache.get(profile);
  if (cached) return cached;
  const problems = new ProfileProblems();
  const tables = compileTables(profile, problems);
  const errorCodesBack = compileEnvelope(profile, problems);
  const documents: Partial<Record<DocumentType, CompiledDocument>> = {};
  for (const doc of DOCUMENT_TYPES) {
    if (!profile.documents?.[doc]) continue;
    const flat = flatten(profile, doc, [], problems);
    if (flat) {
      const compiled = compileDocument(profile, doc, flat, tables, problems);
      if (compiled) documents[doc] = compiled;
    }
  }
  if (problems.lines.length > 0) throw new Error(`Mapping profile ${source} is invalid:\n${problems.lines.join('\n')}`);
  const out: CompiledProfile = { profile, tables, documents, errorCodesBack };
  compiledCache.set(profile, out);
  return out;
}

function compileTables(profile: MappingProfile, problems: ProfileProblems): Map<string, CompiledTable> {
  const tables = new Map<string, CompiledTable>();
  for (const [name, table] of Object.entries(profile.codeTables ?? {})) {
    const where = `codeTables.${name}`;
    const entries = Object.entries(table);
    if (entries.length === 0) problems.add(where, 'a code table needs at least one entry');
    const keys = new Set(entries.map(([k]) => k));
    const boolean = keys.size === 2 && keys.has('true') && keys.has('false');
    const out = new Map<string, string | number>();
    const back = new Map<string, string | boolean>();
    const firstWith = new Map<string, string>();
    for (const [canonical, code] of entries) {
      out.set(canonical, code);
      const key = String(code);
      const other = firstWith.get(key);
      if (other !== undefined) {
        problems.add(where, `not bijective: "${other}" and "${canonical}" both map to ${JSON.stringify(code)}, so ${JSON.stringify(code)} could not be mapped back`);
        continue;
      }
      firstWith.set(key, canonical);
      back.set(key, boolean ? canonical === 'true' : canonical);
    }
    tables.set(name, { name, out, in: back, codes: entries.map(([, c]) => c) });
  }
  return tables;
}

function compileEnvelope(profile: MappingProfile, problems: ProfileProblems): Map<string, string> {
  const back = new Map<string, string>();
  const e = profile.envelope;
  if (e.kind !== 'wrapped') return back;
  const fields = [e.codeField, e.messageField, e.dataField, e.requestIdField].filter((f) => f !== undefined);
  if (new Set(fields).size !== fields.length) problems.add('envelope', `codeField, messageField, dataField and requestIdField must differ (got ${fields.join(', ')})`);
  const success = String(e.successCode);
  for (const [ours, theirs] of Object.entries(e.errorCodes ?? {})) {
    if (theirs === undefined) continue;
    if (String(theirs) === success) problems.add(`envelope.errorCodes.${ours}`, `${JSON.stringify(theirs)} is the success code`);
    if (!back.has(String(theirs))) back.set(String(theirs), ours);
  }
  if (String(e.defaultErrorCode) === success) problems.add('envelope.defaultErrorCode', `${JSON.stringify(e.defaultErrorCode)} is the success code`);
  return back;
}

/** A document's mapping with `extends` and `embeds` resolved into one flat mapping. */
function flatten(profile: MappingProfile, doc: DocumentType, stack: DocumentType[], problems: ProfileProblems): DocumentMapping | undefined {
  const own = profile.documents?.[doc];
  if (!own) return undefined;
  const where = `documents.${doc}`;
  if (stack.includes(doc)) {
    problems.add(where, `extends/embeds form a cycle: ${[...stack, doc].join(' → ')}`);
    return undefined;
  }
  const base: DocumentMapping = { embeds: {}, fields: {}, passThrough: [], codes: {}, dates: [], calendarDates: [], implied: [], hooks: [] };
  let merged = base;
  if (own.extends) {
    const parent = profile.documents?.[own.extends] ? flatten(profile, own.extends, [...stack, doc], problems) : undefined;
    if (!profile.documents?.[own.extends]) problems.add(`${where}.extends`, `document ${own.extends} is not mapped in this profile`);
    if (parent) merged = parent;
  }
  merged = {
    embeds: {},
    fields: { ...merged.fields, ...(own.fields ?? {}) },
    passThrough: [...new Set([...merged.passThrough, ...(own.passThrough ?? [])])],
    codes: { ...merged.codes, ...(own.codes ?? {}) },
    dates: [...new Set([...merged.dates, ...(own.dates ?? [])])],
    calendarDates: [...new Set([...merged.calendarDates, ...(own.calendarDates ?? [])])],
    implied: [...merged.implied.filter((i) => !(own.implied ?? []).some((o) => o.path === i.path)), ...(own.implied ?? [])],
    hooks: [...merged.hooks, ...(own.hooks ?? [])],
    dropUnmapped: own.dropUnmapped ?? merged.dropUnmapped,
  };
  for (const [at, embedded] of Object.entries(own.embeds ?? {})) {
    const kind = kindOf(doc, at);
    if (kind !== 'object') {
      problems.add(`${where}.embeds[${JSON.stringify(at)}]`, kind === undefined ? `not a field of ${doc}` : `must be an object (e.g. events[]), not ${kind}`);
      continue;
    }
    if (!profile.documents?.[embedded]) {
      problems.add(`${where}.embeds[${JSON.stringify(at)}]`, `document ${embedded} is not mapped in this profile`);
      continue;
    }
    const sub = flatten(profile, embedded, [...stack, doc], problems);
    if (!sub) continue;
    // Where `at` lives in the dialect, from the embedding document's own fields.
    const dialectAt = patternOf(locate(merged.fields, at));
    const under = (p: string) => childPattern(at, p);
    const underDialect = (d: string) => childPattern(dialectAt, d);
    const pre = <T>(record: Record<string, T>, mapKey: (k: string) => string, mapValue: (v: T) => T) =>
      Object.fromEntries(Object.entries(record).map(([k, v]) => [mapKey(k), mapValue(v)]));
    merged = {
      ...merged,
      fields: { ...pre(sub.fields, under, underDialect), ...merged.fields },
      passThrough: [...new Set([...merged.passThrough, ...sub.passThrough.map(under)])],
      codes: { ...pre(sub.codes, under, (v) => v), ...merged.codes },
      dates: [...new Set([...merged.dates, ...sub.dates.map(under)])],
      calendarDates: [...new Set([...merged.calendarDates, ...sub.calendarDates.map(under)])],
      implied: [...merged.implied, ...sub.implied.map((i) => ({ ...i, path: under(i.path) }))],
      hooks: [...merged.hooks, ...sub.hooks.map((h) => ({ ...h, at: h.at === '' ? at : under(h.at) }))],
    };
  }
  return merged;
}

/** Where a canonical pattern lands given listed fields: the listed place, or the parent's place + the key. */
function locate(fields: Readonly<Record<string, string>>, pattern: string, cache?: Map<string, Token[]>): Token[] {
  if (pattern === '') return [];
  const hit = cache?.get(pattern);
  if (hit) return hit;
  const listed = Object.prototype.hasOwnProperty.call(fields, pattern) ? fields[pattern] : undefined;
  let result: Token[];
  if (listed !== undefined) result = tokens(listed);
  else {
    const { parent, step } = splitPattern(pattern);
    result = [...locate(fields, parent, cache), step];
  }
  if (cache && cache.size < MAX_CACHED_PATTERNS) cache.set(pattern, result);
  return result;
}

function compileDocument(
  profile: MappingProfile,
  doc: DocumentType,
  m: DocumentMapping,
  tables: ReadonlyMap<string, CompiledTable>,
  problems: ProfileProblems,
): CompiledDocument | undefined {
  const before = problems.lines.length;
  const where = `documents.${doc}`;
  const at = (section: string, key?: string) => (key === undefined ? `${where}.${section}` : `${where}.${section}[${JSON.stringify(key)}]`);
  const schemaPaths = canonicalPaths(doc);
  /** Fields the profile adds on the canonical side: implied fields and hook products. */
  const virtual = new Map<string, NodeKind>();
  const kind = (p: string): NodeKind | undefined => (p === '' ? 'object' : (virtual.get(p) ?? kindOf(doc, p)));
  const notAField = (p: string) => {
    const { parent } = splitPattern(p);
    const siblings = [...schemaPaths.keys(), ...virtual.keys()].filter((q) => q !== '' && splitPattern(q).parent === parent && splitPattern(q).step !== ARRAY);
    return `not a field of ${doc}` + (siblings.length > 0 ? ` (fields here: ${siblings.map((q) => splitPattern(q).step).join(', ')})` : '');
  };

  // implied fields
  const implied: CompiledImplied[] = [];
  for (const [i, imp] of m.implied.entries()) {
    const { parent, step } = splitPattern(imp.path);
    const w = `${where}.implied[${i}]`;
    if (step === ARRAY) problems.add(w, `path ${imp.path} must end with a field name`);
    else if (kind(parent) !== 'object') problems.add(w, `${parent || '(root)'} is not an object of ${doc}`);
    else if (kind(imp.path) !== undefined) problems.add(w, `${imp.path} is already a field of ${doc}; implied fields are ones the canonical payload lacks`);
    else {
      for (const k of Object.keys(imp.when ?? {})) if (kind(childPattern(parent, k)) === undefined) problems.add(`${w}.when.${k}`, notAField(childPattern(parent, k)));
      virtual.set(imp.path, 'leaf');
      implied.push({ pattern: imp.path, parent, key: step, value: imp.value, when: imp.when });
    }
  }

  // hooks
  const hooks: CompiledHook[] = [];
  const consumedBy = new Map<string, string>();
  const consumedTables = new Map<string, CompiledTable[]>();
  for (const [i, h] of m.hooks.entries()) {
    const w = `${where}.hooks[${i}]`;
    const hook = Object.prototype.hasOwnProperty.call(MAPPING_HOOKS, h.name) ? MAPPING_HOOKS[h.name] : undefined;
    if (!hook) {
      problems.add(`${w}.name`, `unknown hook "${h.name}" (known: ${Object.keys(MAPPING_HOOKS).join(', ')})`);
      continue;
    }
    if (kind(h.at) !== 'object') {
      problems.add(`${w}.at`, kind(h.at) === undefined ? notAField(h.at) : `${h.at} is not an object of ${doc}`);
      continue;
    }
    const parsed = hook.params.safeParse(h.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.add(`${w}.params${issue.path.length ? `.${issue.path.join('.')}` : ''}`, issue.message);
      continue;
    }
    const params = parsed.data;
    for (const t of hook.tables(params)) if (!tables.has(t)) problems.add(`${w}.params`, `code table "${t}" is not defined in codeTables`);
    const products = hook.produces(params).map((k) => childPattern(h.at, k));
    for (const k of hook.consumes(params)) {
      const p = childPattern(h.at, k);
      if (kind(p) === undefined) problems.add(`${w}.params`, `consumes ${p}, ${notAField(p)}`);
      else {
        consumedBy.set(p, products[0] ?? p);
        consumedTables.set(p, hook.tables(params).flatMap((t) => tables.get(t) ?? []));
      }
    }
    for (const p of products) {
      if (schemaPaths.has(p)) problems.add(`${w}.params`, `produces ${p}, which is already a field of ${doc}`);
      virtual.set(p, 'leaf');
    }
    hooks.push({ name: h.name, hook, at: h.at, params });
  }

  // passThrough
  for (const p of m.passThrough) if (kind(p) === undefined) problems.add(at('passThrough'), `${p}: ${notAField(p)}`);

  // fields
  const explicit = new Map<string, Token[]>();
  const inverse = new Map<string, string>();
  for (const [c, d] of Object.entries(m.fields)) {
    const w = at('fields', c);
    if (c.endsWith(ARRAY)) {
      problems.add(w, `map the array itself (${c.slice(0, -2)}), not its elements`);
      continue;
    }
    if (d.endsWith(ARRAY)) {
      problems.add(w, `the dialect path ${d} must end with a field name`);
      continue;
    }
    if (kind(c) === undefined) {
      problems.add(w, notAField(c));
      continue;
    }
    if (consumedBy.has(c)) {
      problems.add(w, `${c} is consumed by a hook; map what the hook produces (${consumedBy.get(c)}) instead`);
      continue;
    }
    const inside = m.passThrough.find((p) => isWithin(c, p));
    if (inside !== undefined) {
      problems.add(w, `${c} lies inside passThrough ${inside}, whose keys are kept as they are`);
      continue;
    }
    if (arrayCount(c) !== arrayCount(d)) {
      problems.add(w, `${c} is inside ${arrayCount(c)} array(s) but ${d} inside ${arrayCount(d)}; both sides need the same number of []`);
      continue;
    }
    const other = inverse.get(d);
    if (other !== undefined) {
      problems.add(w, `${other} and ${c} both map to ${d}`);
      continue;
    }
    explicit.set(c, tokens(d));
    inverse.set(d, c);
  }

  const locCache = new Map<string, Token[]>();
  const explicitFields = Object.fromEntries([...explicit].map(([c, t]) => [c, patternOf(t)]));
  const loc = (p: string) => locate(explicitFields, p, locCache);

  // arrays stay arrays: the elements of a canonical array are the elements of its dialect array
  for (const [c, d] of explicit) {
    for (let n = 0; n < arrayCount(c); n++) {
      const arrayC = prefixBeforeArray(c, n);
      const arrayD = prefixBeforeArray(patternOf(d), n);
      const placed = patternOf(loc(arrayC));
      if (placed !== arrayD) {
        problems.add(at('fields', c), `puts elements of ${arrayC} into the dialect array ${arrayD}, but ${arrayC} itself lands on ${placed}; map "${arrayC}": "${arrayD}"`);
      }
    }
  }

  // codes, dates
  const codes = new Map<string, CompiledTable>();
  const values = new Set<string>();
  const valueKinds = (p: string) => {
    const k = kind(p);
    return k === 'leaf' || k === 'any';
  };
  for (const [p, tableName] of Object.entries(m.codes)) {
    const w = at('codes', p);
    const table = tables.get(tableName);
    if (kind(p) === undefined) problems.add(w, notAField(p));
    else if (!valueKinds(p)) problems.add(w, `${p} is ${kind(p) === 'array' ? `an array; for its elements write ${p}[]` : `an ${kind(p)}`}; codes apply to values`);
    else if (!table) problems.add(w, `code table "${tableName}" is not defined in codeTables`);
    else {
      const closed = enumValues(doc, p);
      const missing = closed ? [...closed].filter((v) => !table.out.has(v)) : [];
      if (missing.length > 0) problems.add(w, `code table "${tableName}" lacks ${missing.join(', ')} (every value of ${p} needs a code)`);
      codes.set(p, table);
      values.add(p);
    }
  }
  for (const imp of implied) {
    const table = codes.get(imp.pattern);
    if (table && !table.out.has(String(imp.value))) problems.add(at('implied'), `${imp.pattern}: code table "${table.name}" has no code for ${JSON.stringify(imp.value)}`);
  }
  const dateSet = (list: string[], section: 'dates' | 'calendarDates') => {
    const out = new Set<string>();
    for (const p of list) {
      const w = `${at(section)}: ${p}`;
      if (kind(p) === undefined) problems.add(at(section), `${p}: ${notAField(p)}`);
      else if (!valueKinds(p)) problems.add(at(section), `${p} is an ${kind(p)}, not a date value`);
      else if (codes.has(p)) problems.add(w, 'is also in codes');
      else {
        out.add(p);
        values.add(p);
      }
    }
    return out;
  };
  const dates = dateSet(m.dates, 'dates');
  const calendarDates = dateSet(m.calendarDates, 'calendarDates');
  for (const p of dates) if (calendarDates.has(p)) problems.add(at('calendarDates'), `${p} is also in dates`);

  if (problems.lines.length > before) return undefined;

  // no two canonical paths on one dialect path, and no value with something mapped inside it
  const placedBy = new Map<string, string>();
  const allPatterns = [...schemaPaths.keys(), ...virtual.keys()].filter((p) => p !== '' && !consumedBy.has(p));
  for (const p of allPatterns) {
    const d = patternOf(loc(p));
    const other = placedBy.get(d);
    if (other !== undefined) problems.add(where, `${other} and ${p} both land on dialect ${d}; rename one of them in fields`);
    else placedBy.set(d, p);
  }
  for (const [d, p] of placedBy) {
    const k = kind(p);
    if (k !== 'leaf' && !values.has(p)) continue;
    for (const [d2, p2] of placedBy) {
      if (d2 !== d && isWithin(d2, d)) problems.add(where, `${p} is a value at dialect ${d}, but ${p2} is mapped inside it (${d2})`);
    }
  }
  if (problems.lines.length > before) return undefined;

  const canonCache = new Map<string, string | undefined>();
  const canon = (q: string): string | undefined => {
    if (q === '') return '';
    if (canonCache.has(q)) return canonCache.get(q);
    let result: string | undefined;
    const listed = inverse.get(q);
    if (listed !== undefined) result = listed;
    else {
      const { parent, step } = splitPattern(q);
      const cp = canon(parent);
      if (cp === undefined) result = undefined;
      else if (step === ARRAY) result = `${cp}${ARRAY}`;
      else {
        const candidate = childPattern(cp, step);
        // a canonical field listed elsewhere in the dialect: this dialect key is not it
        result = explicit.has(candidate) || consumedBy.has(candidate) ? undefined : candidate;
      }
    }
    if (canonCache.size < MAX_CACHED_PATTERNS) canonCache.set(q, result);
    return result;
  };
  // every canonical path must come back from where it goes
  for (const p of allPatterns) {
    const back = canon(patternOf(loc(p)));
    if (back !== p) problems.add(where, `${p} goes to dialect ${patternOf(loc(p))}, which reads back as ${back ?? 'nothing'}; map its parent explicitly`);
  }
  if (problems.lines.length > before) return undefined;

  const listedBelow = new Set<string>();
  const listedPaths = [
    ...explicit.keys(),
    ...codes.keys(),
    ...dates,
    ...calendarDates,
    ...implied.map((i) => i.pattern),
    ...virtual.keys(),
    ...consumedBy.keys(),
    ...hooks.map((h) => childPattern(h.at, '_')),
  ];
  for (const p of listedPaths) for (const a of ancestors(p)) listedBelow.add(a);

  let keep: ((p: string) => boolean) | null = null;
  if (m.dropUnmapped) {
    const listed = new Set<string>([
      ...explicit.keys(),
      ...m.passThrough,
      ...codes.keys(),
      ...dates,
      ...calendarDates,
      ...implied.map((i) => i.pattern),
      ...virtual.keys(),
      ...consumedBy.keys(),
    ]);
    const containers = new Set<string>();
    for (const p of listed) for (const a of ancestors(p)) containers.add(a);
    const memo = new Map<string, boolean>();
    keep = (p) => {
      let k = memo.get(p);
      if (k === undefined) {
        k = listed.has(p) || containers.has(p) || ancestors(p).some((a) => listed.has(a));
        memo.set(p, k);
      }
      return k;
    };
  }

  return { doc, explicit, inverse, codes, dates, calendarDates, values, listedBelow, implied, hooks, consumedBy, consumedTables, keep, loc, canon };
}

// ---- coverage (for tests and the console) ----

/**
 * Value paths of the document that the profile neither maps nor deliberately passes through:
 * each leaf (and each record, whose keys are free) must be in `fields`, inside a `passThrough`
 * subtree, consumed by a hook, or — for arrays of values — mapped as the array. Empty when the
 * profile covers the whole document.
 */
export function uncoveredFields(profile: MappingProfile, doc: DocumentType): string[] {
  const cd = compileProfile(profile).documents[doc];
  const passThrough = cd ? flattenedPassThrough(profile, doc) : [];
  const out: string[] = [];
  for (const [p, kind] of canonicalPaths(doc)) {
    if (p === '' || (kind !== 'leaf' && kind !== 'record' && kind !== 'any')) continue;
    if (!cd) {
      out.push(p);
      continue;
    }
    const covered =
      cd.explicit.has(p) ||
      cd.consumedBy.has(p) ||
      passThrough.some((t) => t === p || isWithin(p, t)) ||
      (p.endsWith(ARRAY) && cd.explicit.has(p.slice(0, -2)));
    if (!covered) out.push(p);
  }
  return out;
}

function flattenedPassThrough(profile: MappingProfile, doc: DocumentType): string[] {
  const problems = new ProfileProblems();
  return flatten(profile, doc, [], problems)?.passThrough ?? [];
}
