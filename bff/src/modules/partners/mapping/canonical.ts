/**
 * The canonical documents a profile maps, and every path in them, read from the zod schemas of
 * shared-types — so a profile naming a field that does not exist (`timeline[].att`) is refused at
 * load, and tests can check that a profile covers every field.
 */
import type { z } from 'zod';
import {
  OpenCaseEventSchema,
  OpenCaseStatusSchema,
  OpenCatalogPageSchema,
  OpenEventPageSchema,
  OpenSubmitRequestSchema,
  OpenSubmitResponseSchema,
  OpenSupplyMaterialRequestSchema,
} from '@onevisit/shared-types';
import type { DocumentType } from './engine';
import { ancestors, childPattern, elementPattern } from './paths';

export const CANONICAL_SCHEMAS: Readonly<Record<DocumentType, z.ZodType>> = {
  catalogPage: OpenCatalogPageSchema,
  submitRequest: OpenSubmitRequestSchema,
  submitResponse: OpenSubmitResponseSchema,
  caseStatus: OpenCaseStatusSchema,
  event: OpenCaseEventSchema,
  eventPage: OpenEventPageSchema,
  supplyMaterialRequest: OpenSupplyMaterialRequestSchema,
};

/**
 * leaf: a string, number, boolean or enum (maybe null). object, array: containers. record: an
 * object with free keys (form data); any: unknown content. Below a record or `any`, every path exists.
 */
export type NodeKind = 'leaf' | 'object' | 'array' | 'record' | 'any';

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): ZodDefLike => (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'lazy']);

function walk(schema: z.ZodType, pattern: string, out: Map<string, NodeKind>, values: Map<string, Set<string>>): void {
  const def = defOf(schema);
  const set = (kind: NodeKind) => {
    const before = out.get(pattern);
    out.set(pattern, before === undefined || before === kind ? kind : 'any');
  };
  if (WRAPPERS.has(def.type) && def.innerType) return walk(def.innerType, pattern, out, values);
  switch (def.type) {
    case 'pipe':
      return def.in ? walk(def.in, pattern, out, values) : set('any');
    case 'object':
      set('object');
      for (const [key, child] of Object.entries(def.shape ?? {})) walk(child, childPattern(pattern, key), out, values);
      return;
    case 'array':
      set('array');
      if (def.element) walk(def.element, elementPattern(pattern), out, values);
      return;
    case 'union':
      for (const option of def.options ?? []) walk(option, pattern, out, values);
      return;
    case 'record':
      return set('record');
    case 'unknown':
    case 'any':
      return set('any');
    case 'enum':
    case 'literal':
    case 'boolean': {
      const known = values.get(pattern) ?? new Set<string>();
      const list = def.type === 'enum' ? Object.values(def.entries ?? {}) : def.type === 'literal' ? (def.values ?? []) : [true, false];
      for (const v of list) known.add(String(v));
      values.set(pattern, known);
      return set('leaf');
    }
    default:
      return set('leaf');
  }
}

const cache = new Map<DocumentType, { paths: ReadonlyMap<string, NodeKind>; values: ReadonlyMap<string, ReadonlySet<string>> }>();

function described(doc: DocumentType) {
  let entry = cache.get(doc);
  if (!entry) {
    const paths = new Map<string, NodeKind>();
    const values = new Map<string, Set<string>>();
    walk(CANONICAL_SCHEMAS[doc], '', paths, values);
    // a path that is an enum in one union option and free text in another has no closed value set
    for (const p of values.keys()) if (paths.get(p) !== 'leaf') values.delete(p);
    entry = { paths, values };
    cache.set(doc, entry);
  }
  return entry;
}

/** Every path of the document's schema (the root '' included) and what is there. */
export function canonicalPaths(doc: DocumentType): ReadonlyMap<string, NodeKind> {
  return described(doc).paths;
}

/** The closed set of values of an enum, literal or boolean path (as strings); undefined for free values. */
export function enumValues(doc: DocumentType, pattern: string): ReadonlySet<string> | undefined {
  return described(doc).values.get(pattern);
}

/** What is at `pattern` in the document: a schema path, or anything below a record; undefined if nothing. */
export function kindOf(doc: DocumentType, pattern: string): NodeKind | undefined {
  const paths = canonicalPaths(doc);
  const known = paths.get(pattern);
  if (known) return known;
  for (const a of ancestors(pattern)) {
    const k = paths.get(a);
    if (k === 'record' || k === 'any') return 'any';
    if (k !== undefined) return undefined;
  }
  return undefined;
}
