/**
 * The mapping engine: canonical open-API payloads ↔ a platform's dialect, as a profile
 * (profile.ts) describes, and the response envelope. Pure functions of JSON data; inputs are
 * never mutated.
 *
 * Way out (toDialect): implied fields are added, hooks run, then every value is recoded (codes,
 * dates) and written at its dialect place. Way in (fromDialect): every dialect value is read back
 * to its canonical place and recoded, then hooks undo their work and implied fields are checked
 * and removed. A value the profile cannot map is a MappingError naming the field — the dialect
 * field on the way in (the BFF answers 400 VALIDATION_FAILED with it), the canonical one on the
 * way out (a profile gap: a 500 is right).
 */
import type { HookContext } from './hooks';
import { compileProfile, type CompiledDocument, type CompiledProfile, type CompiledTable, type MappingProfile } from './profile';
import {
  ARRAY,
  childPattern,
  cloneJson,
  concretePath,
  elementPattern,
  FORBIDDEN_KEYS,
  forEachObject,
  hasOwn,
  isPlainObject,
  patternOf,
  tokens,
  type Token,
} from './paths';

export type DocumentType = 'catalogPage' | 'submitRequest' | 'submitResponse' | 'caseStatus' | 'event' | 'eventPage' | 'supplyMaterialRequest';

export class MappingError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

// ---- documents ----

export function toDialect(profile: MappingProfile, doc: DocumentType, canonical: unknown): unknown {
  const compiled = compileProfile(profile);
  const cd = compiled.documents[doc];
  if (!cd) return cloneJson(canonical);
  if (!isPlainObject(canonical)) throw new MappingError(`${doc}: expected an object`, '');
  // implied fields and hooks work on a copy; the walk itself only reads
  const source = cd.implied.length > 0 || cd.hooks.length > 0 ? cloneJson(canonical) : canonical;

  for (const imp of cd.implied) {
    forEachObject(source, imp.parent, (node) => {
      if (hasOwn(node, imp.key)) return;
      if (imp.when && !Object.entries(imp.when).every(([k, v]) => node[k] === v)) return;
      node[imp.key] = imp.value;
    });
  }
  for (const h of cd.hooks) {
    forEachObject(source, h.at, (node, indices) => h.hook.toDialect(node, h.params, hookContext(compiled, (key) => concretePath(tokens(childPattern(h.at, key)), indices))));
  }

  const out: Record<string, unknown> = {};
  new Walker(compiled, cd, 'out').run(source, out);
  return out;
}

export function fromDialect(profile: MappingProfile, doc: DocumentType, dialect: unknown): unknown {
  const compiled = compileProfile(profile);
  const cd = compiled.documents[doc];
  if (!cd) return cloneJson(dialect);
  if (!isPlainObject(dialect)) throw new MappingError(`${doc}: expected a JSON object`, '');

  const out: Record<string, unknown> = {};
  new Walker(compiled, cd, 'in').run(dialect, out);

  const dialectField = (pattern: string, indices: readonly number[]) => concretePath(cd.loc(cd.consumedBy.get(pattern) ?? pattern), indices);
  for (const h of [...cd.hooks].reverse()) {
    forEachObject(out, h.at, (node, indices) => h.hook.fromDialect(node, h.params, hookContext(compiled, (key) => dialectField(childPattern(h.at, key), indices))));
  }
  for (const imp of cd.implied) {
    forEachObject(out, imp.parent, (node, indices) => {
      if (!hasOwn(node, imp.key)) return;
      if (node[imp.key] !== imp.value) {
        const field = dialectField(imp.pattern, indices);
        const tables = [cd.codes.get(imp.pattern), ...(cd.consumedTables.get(imp.pattern) ?? [])];
        const expected = tables.map((t) => t?.out.get(String(imp.value))).find((c) => c !== undefined) ?? imp.value;
        throw new MappingError(`${field}: only ${JSON.stringify(expected)} is accepted here`, field);
      }
      delete node[imp.key];
    });
  }
  return out;
}

function hookContext(compiled: CompiledProfile, fieldOf: (key: string) => string): HookContext {
  const table = (name: string) => {
    const t = compiled.tables.get(name);
    if (!t) throw new Error(`mapping profile ${compiled.profile.id}: no code table ${name}`);
    return t;
  };
  return {
    encode: (name, canonical) => table(name).out.get(canonical),
    decode: (name, code) => (typeof code === 'string' || typeof code === 'number' ? table(name).in.get(String(code)) : undefined),
    codes: (name) => table(name).codes,
    fail(key, message) {
      const field = fieldOf(key);
      throw new MappingError(`${field}: ${message}`, field);
    },
  };
}

/** What the walker knows about one path of the side being read; built once per document and direction. */
interface WalkNode {
  /** The path on the side being read (dialect on the way in), for messages. */
  readonly source: Token[];
  readonly canonical: string;
  /** Where its value goes on the side being written. */
  readonly target: Token[];
  /** Recodes a value (code table, date); null for values passed as they are. */
  readonly convert: ((value: unknown) => unknown) | null;
  /** Nothing below is listed: an object or array here is copied whole. */
  readonly whole: boolean;
  readonly isElement: boolean;
  readonly children: Map<string, WalkNode | null>;
  element?: WalkNode;
}

/** Children remembered per node: dialect input may carry any keys, so the memory is bounded. */
const MAX_CHILDREN = 500;
const walkRoots = new WeakMap<CompiledDocument, { out?: WalkNode; in?: WalkNode }>();

/** A value the profile cannot map; the walker adds the field and throws a MappingError. */
class ValueProblem extends Error {}

/**
 * Walks one document: reads the source side (canonical on the way out, dialect on the way in)
 * and writes each value at its place on the other side, with the array indices met on the way.
 */
class Walker {
  private readonly root: WalkNode;

  constructor(
    private readonly compiled: CompiledProfile,
    private readonly cd: CompiledDocument,
    private readonly direction: 'out' | 'in',
  ) {
    let roots = walkRoots.get(cd);
    if (!roots) walkRoots.set(cd, (roots = {}));
    this.root = roots[direction] ??= this.node([], '', false);
  }

  run(source: Record<string, unknown>, to: Record<string, unknown>): void {
    this.object(source, this.root, [], to);
  }

  private node(source: Token[], canonical: string, isElement: boolean): WalkNode {
    const out = this.direction === 'out';
    return {
      source,
      canonical,
      target: out ? this.cd.loc(canonical) : tokens(canonical),
      convert: this.converter(canonical),
      whole: canonical !== '' && !this.cd.listedBelow.has(canonical),
      isElement,
      children: new Map(),
    };
  }

  private child(parent: WalkNode, key: string): WalkNode | null {
    const cached = parent.children.get(key);
    if (cached !== undefined) return cached;
    let made: WalkNode | null = null;
    if (!FORBIDDEN_KEYS.has(key)) {
      const source = [...parent.source, key];
      // on the way in, a dialect key standing where a listed field of ours would go has no place
      const canonical = this.direction === 'out' ? childPattern(parent.canonical, key) : this.cd.canon(patternOf(source));
      if (canonical !== undefined && (!this.cd.keep || this.cd.keep(canonical))) made = this.node(source, canonical, false);
    }
    if (parent.children.size < MAX_CHILDREN) parent.children.set(key, made);
    return made;
  }

  private elementOf(array: WalkNode): WalkNode {
    return (array.element ??= this.node([...array.source, ARRAY], elementPattern(array.canonical), true));
  }

  private object(source: Record<string, unknown>, node: WalkNode, indices: number[], to: Record<string, unknown>): void {
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (value === undefined) continue;
      const child = this.child(node, key);
      if (child) this.value(value, child, indices, to);
    }
  }

  private value(value: unknown, node: WalkNode, indices: number[], to: Record<string, unknown>): void {
    if (node.convert) {
      this.put(to, node, indices, this.convert(node, value, indices));
    } else if (Array.isArray(value)) {
      if (node.whole && !this.occupied(to, node.target, indices)) return this.put(to, node, indices, cloneJson(value));
      this.put(to, node, indices, [], true);
      const element = this.elementOf(node);
      for (let i = 0; i < value.length; i++) this.value(value[i], element, [...indices, i], to);
    } else if (isPlainObject(value)) {
      // nothing inside is mapped: the subtree keeps its keys (form schemas, form data), copied whole
      if (node.whole && !this.occupied(to, node.target, indices)) return this.put(to, node, indices, cloneJson(value));
      // An object appears where its fields land; only an empty one (or an array element, to keep
      // positions) is written itself — so an object whose fields are all mapped elsewhere
      // (flattened) leaves no empty husk behind.
      if (node.isElement || Object.keys(value).length === 0) this.put(to, node, indices, {}, true);
      this.object(value, node, indices, to);
    } else {
      this.put(to, node, indices, value);
    }
  }

  private converter(canonical: string): ((value: unknown) => unknown) | null {
    const out = this.direction === 'out';
    const profile = this.compiled.profile;
    const table = this.cd.codes.get(canonical);
    if (table) return out ? (v) => encode(table, v) : (v) => decode(table, v);
    if (this.cd.dates.has(canonical)) return out ? (v) => timestampOut(v, profile.dateFormat) : (v) => timestampIn(v, profile.dateFormat);
    if (this.cd.calendarDates.has(canonical)) {
      const format = profile.calendarDateFormat ?? 'yyyy-MM-dd';
      return out ? (v) => calendarOut(v, format) : (v) => calendarIn(v, format);
    }
    return null;
  }

  private convert(node: WalkNode, value: unknown, indices: readonly number[]): unknown {
    if (value === null || !node.convert) return value;
    try {
      return node.convert(value);
    } catch (err) {
      if (!(err instanceof ValueProblem)) throw err;
      const field = concretePath(node.source, indices);
      throw new MappingError(`${field}: ${err.message}`, field);
    }
  }

  /** Whether something is already written at the concrete path. */
  private occupied(root: Record<string, unknown>, toks: readonly Token[], indices: readonly number[]): boolean {
    let cur: unknown = root;
    let j = 0;
    for (const t of toks) {
      const key = t === ARRAY ? String(indices[j++]) : t;
      if (cur === null || typeof cur !== 'object' || !hasOwn(cur, key)) return false;
      cur = (cur as Record<string, unknown>)[key];
    }
    return true;
  }

  /**
   * Writes `value` at the node's target; containers on the way are created. A container written
   * where the same kind of container already is merges; anything else already there is two fields
   * on one place (a MappingError naming the field being read).
   */
  private put(root: Record<string, unknown>, node: WalkNode, indices: readonly number[], value: unknown, container = false): void {
    const toks = node.target;
    if (toks.length === 0) return; // the root itself
    let cur: Record<string | number, unknown> = root;
    let j = 0;
    for (let t = 0; t < toks.length; t++) {
      const key: string | number = toks[t] === ARRAY ? indices[j++] : toks[t];
      if (key === undefined) throw new Error(`mapping: no index for ${concretePath(toks, indices)}`);
      const existing = hasOwn(cur, String(key)) ? cur[key] : undefined;
      if (t === toks.length - 1) {
        if (existing === undefined) cur[key] = value;
        else if (!(container && (Array.isArray(value) ? Array.isArray(existing) : isPlainObject(existing)))) this.clash(node, indices);
        return;
      }
      const wantArray = toks[t + 1] === ARRAY;
      if (existing === undefined) cur[key] = wantArray ? [] : {};
      else if (wantArray ? !Array.isArray(existing) : !isPlainObject(existing)) this.clash(node, indices);
      cur = cur[key] as Record<string | number, unknown>;
    }
  }

  private clash(node: WalkNode, indices: readonly number[]): never {
    const field = concretePath(node.source, indices);
    const other = this.direction === 'out' ? 'dialect' : 'canonical';
    throw new MappingError(`${field}: two fields of the ${other} payload land on ${concretePath(node.target, indices)}`, field);
  }
}

// ---- values ----

function encode(table: CompiledTable, value: unknown): string | number {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ValueProblem(`expected a ${table.name} value, got ${describe(value)}`);
  }
  const code = table.out.get(String(value));
  if (code === undefined) throw new ValueProblem(`${JSON.stringify(value)} has no code in table ${table.name}`);
  return code;
}

function decode(table: CompiledTable, value: unknown): string | boolean {
  const known = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? table.in.get(String(value)) : undefined;
  if (known === undefined) {
    const list = table.codes.slice(0, 30).map((c) => JSON.stringify(c)).join(', ');
    throw new ValueProblem(`unknown ${table.name} code ${describe(value)}; expected one of ${list}`);
  }
  return known;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }
  return Array.isArray(value) ? 'an array' : 'an object';
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch ms of a wall time (any offset), or undefined when a component is out of range (2026-02-30, 24:00). */
function wallTimeMs(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMs: number): number | undefined {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (y < 1000 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return ms - offsetMs;
}

function timestampOut(value: unknown, format: MappingProfile['dateFormat']): unknown {
  if (format === 'iso8601') return value;
  const m = typeof value === 'string' ? ISO_TIMESTAMP.exec(value) : null;
  let ms: number | undefined;
  if (m) {
    const zone = m[7].toUpperCase();
    const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60_000;
    ms = wallTimeMs(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] === undefined ? 0 : +m[6], offset);
  }
  if (ms === undefined) throw new ValueProblem(`${describe(value)} is not an ISO-8601 timestamp`);
  const t = new Date(ms + SHANGHAI_OFFSET_MS); // Asia/Shanghai wall time: UTC+8, no daylight saving
  const [y, mo, d, h, mi, s] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()];
  return format === 'yyyy-MM-dd HH:mm:ss'
    ? `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`
    : `${pad(y, 4)}${pad(mo)}${pad(d)}${pad(h)}${pad(mi)}${pad(s)}`;
}

const WALL_FORMATS = {
  'yyyy-MM-dd HH:mm:ss': /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
  yyyyMMddHHmmss: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
} as const;

function timestampIn(value: unknown, format: MappingProfile['dateFormat']): unknown {
  if (format === 'iso8601') return value;
  const m = typeof value === 'string' ? WALL_FORMATS[format].exec(value) : null;
  const ms = m ? wallTimeMs(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], SHANGHAI_OFFSET_MS) : undefined;
  if (ms === undefined) throw new ValueProblem(`${describe(value)} is not a time of the form ${format} (Beijing time)`);
  return new Date(ms).toISOString();
}

type CalendarFormat = NonNullable<MappingProfile['calendarDateFormat']>;
const CALENDAR_FORMATS: Record<CalendarFormat, RegExp> = { 'yyyy-MM-dd': /^(\d{4})-(\d{2})-(\d{2})$/, yyyyMMdd: /^(\d{4})(\d{2})(\d{2})$/ };

function calendarParts(value: unknown, format: CalendarFormat): [number, number, number] | undefined {
  const m = typeof value === 'string' ? CALENDAR_FORMATS[format].exec(value) : null;
  if (!m || wallTimeMs(+m[1], +m[2], +m[3], 0, 0, 0, 0) === undefined) return undefined;
  return [+m[1], +m[2], +m[3]];
}

const formatCalendar = ([y, mo, d]: [number, number, number], format: CalendarFormat) =>
  format === 'yyyy-MM-dd' ? `${pad(y, 4)}-${pad(mo)}-${pad(d)}` : `${pad(y, 4)}${pad(mo)}${pad(d)}`;

function calendarOut(value: unknown, format: CalendarFormat): string {
  const parts = calendarParts(value, 'yyyy-MM-dd');
  if (!parts) throw new ValueProblem(`${describe(value)} is not a date of the form yyyy-MM-dd`);
  return formatCalendar(parts, format);
}

function calendarIn(value: unknown, format: CalendarFormat): string {
  const parts = calendarParts(value, format);
  if (!parts) throw new ValueProblem(`${describe(value)} is not a date of the form ${format}`);
  return formatCalendar(parts, 'yyyy-MM-dd');
}

// ---- envelopes ----

/** A success response in the profile's envelope. */
export function envelopeSuccess(profile: MappingProfile, data: unknown, requestId: string, status?: number): { status: number; body: unknown } {
  const e = profile.envelope;
  const ours = status ?? 200;
  if (e.kind === 'canonical') return { status: ours, body: data };
  const body: Record<string, unknown> = { [e.codeField]: e.successCode, [e.messageField]: e.successMessage, [e.dataField]: data ?? null };
  if (e.requestIdField) body[e.requestIdField] = requestId;
  // A wrapped answer always has a body, so 204 No Content becomes 200.
  return { status: e.httpStatus === 'always200' || ours === 204 ? 200 : ours, body };
}

/** An error (our ErrorBody + its HTTP status) in the profile's envelope. */
export function envelopeError(
  profile: MappingProfile,
  error: { code: string; message: string; requestId: string; details?: unknown },
  status: number,
): { status: number; body: unknown } {
  const e = profile.envelope;
  if (e.kind === 'canonical') {
    const body: Record<string, unknown> = { code: error.code, message: error.message, requestId: error.requestId };
    if (error.details !== undefined) body.details = error.details;
    return { status, body };
  }
  const theirs = (e.errorCodes as Record<string, string | number | undefined> | undefined)?.[error.code] ?? e.defaultErrorCode;
  const body: Record<string, unknown> = { [e.codeField]: theirs, [e.messageField]: error.message, [e.dataField]: error.details ?? null };
  if (e.requestIdField) body[e.requestIdField] = error.requestId;
  return { status: e.httpStatus === 'always200' ? 200 : status, body };
}

/** For clients and simulators reading a response of this profile: the data, or the error with OUR code when it maps back (else theirs). */
export function unwrapResponse(
  profile: MappingProfile,
  status: number,
  body: unknown,
): { ok: true; data: unknown } | { ok: false; code: string; message: string; requestId?: string } {
  const e = profile.envelope;
  const notAnEnvelope = (): { ok: false; code: string; message: string } => ({
    ok: false,
    code: status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED',
    message: `HTTP ${status}: the body is not a response of profile ${profile.id}`,
  });
  if (e.kind === 'canonical') {
    if (status >= 200 && status < 300) return { ok: true, data: body };
    if (!isPlainObject(body) || typeof body.code !== 'string') return notAnEnvelope();
    const out: { ok: false; code: string; message: string; requestId?: string } = {
      ok: false,
      code: body.code,
      message: typeof body.message === 'string' ? body.message : '',
    };
    if (typeof body.requestId === 'string') out.requestId = body.requestId;
    return out;
  }
  if (!isPlainObject(body) || !hasOwn(body, e.codeField)) return notAnEnvelope();
  const code = body[e.codeField];
  if (typeof code !== 'string' && typeof code !== 'number') return notAnEnvelope();
  if (String(code) === String(e.successCode)) return { ok: true, data: hasOwn(body, e.dataField) ? body[e.dataField] : null };
  const out: { ok: false; code: string; message: string; requestId?: string } = {
    ok: false,
    code: compileProfile(profile).errorCodesBack.get(String(code)) ?? String(code),
    message: typeof body[e.messageField] === 'string' ? (body[e.messageField] as string) : '',
  };
  const requestId = e.requestIdField ? body[e.requestIdField] : undefined;
  if (typeof requestId === 'string') out.requestId = requestId;
  return out;
}
