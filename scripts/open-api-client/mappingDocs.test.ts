/**
 * docs/open-api.md § Mapping profiles stays true to the profiles the BFF ships
 * (bff/src/modules/partners/mapping/profiles/*.json) and to its mapping engine:
 *
 * - `<!-- mapping-example: <profile> <kind> -->` + a ```json block: a worked example. Documents
 *   (`{profile, document, canonical, dialect}`) must map exactly both ways; answers
 *   (`{profile, document, canonical, status, envelope}`) and errors
 *   (`{profile, error, status, envelope}`) must be exactly what the engine's envelope gives.
 * - `<!-- mapping-fields: <document> -->` + a table: canonical field → each profile's dialect
 *   path, with the marks `codes`, `time`, `date`, `implied`, `joined` after a ` · `.
 * - `<!-- mapping-codes: <document> <path>, … -->` + a table: a code table, our value → each
 *   profile's code (a JSON literal), or `as is` where the profile does not recode those fields.
 * - `<!-- mapping-errors -->` + a table: our code, its HTTP status, each profile's error code.
 * - `<!-- mapping-envelopes -->` + a table: each profile's envelope and date formats.
 *
 * Table cells hold their value in the first `code span`; the profile columns are found by the
 * header (a profile id per column).
 */
import { CASE_ACTOR_NAMES, CASE_STATE_NAMES, errorStatus, type ErrorCode } from '@onevisit/shared-types';
import { CANONICAL_SCHEMAS, kindOf } from '../../bff/src/modules/partners/mapping/canonical';
import { envelopeError, envelopeSuccess, fromDialect, toDialect, unwrapResponse, type DocumentType } from '../../bff/src/modules/partners/mapping/engine';
import { compileProfile, DOCUMENT_TYPES, type CompiledDocument, type CompiledTable, type MappingProfile } from '../../bff/src/modules/partners/mapping/profile';
import { patternOf } from '../../bff/src/modules/partners/mapping/paths';
import { builtInProfiles } from '../../bff/src/modules/partners/mapping/registry';
import { parseErrorRows, readDoc } from './docBlocks';

const doc = readDoc();
const START = doc.indexOf('## Mapping profiles');
const section = doc.slice(START, doc.indexOf('\n## ', START + 1));
const lineOf = (index: number) => doc.slice(0, index).split('\n').length;

const profiles = new Map(builtInProfiles().map((p) => [p.id, p]));
const DIALECTS = [...profiles.keys()].filter((id) => id !== 'canonical');
const profile = (id: string): MappingProfile => {
  const p = profiles.get(id);
  if (!p) throw new Error(`no built-in profile "${id}"`);
  return p;
};
const compiled = (id: string, d: DocumentType): CompiledDocument => {
  const cd = compileProfile(profile(id)).documents[d];
  if (!cd) throw new Error(`profile ${id} does not map ${d}`);
  return cd;
};

// ---- reading the blocks ----

interface Table {
  marker: string;
  line: number;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

/** Every table right after an `<!-- <kind>… -->` comment (blank lines between are allowed). */
function tables(kind: string): Table[] {
  const out: Table[] = [];
  for (const m of section.matchAll(new RegExp(`<!-- ${kind}(?::\\s*(.*?))? -->\\n`, 'g'))) {
    const at = START + m.index + m[0].length;
    const lines = doc.slice(at).split('\n');
    let i = 0;
    while (lines[i] === '') i++;
    const first = i;
    const body: string[] = [];
    while (lines[i]?.startsWith('|')) body.push(lines[i++]);
    if (body.length < 3) throw new Error(`line ${lineOf(at)}: <!-- ${kind} --> is not followed by a table`);
    const split = (row: string) => row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
    const baseLine = lineOf(at) + first;
    out.push({
      marker: (m[1] ?? '').trim(),
      line: baseLine,
      header: split(body[0]),
      rows: body.slice(2).map((row, k) => ({ line: baseLine + 2 + k, cells: split(row) })),
    });
  }
  return out;
}

/** The first code span of a cell, and the marks after ` · `. */
function cell(text: string): { value?: string; marks: string[] } {
  const m = /`([^`]*)`/.exec(text);
  const after = text.split(' · ')[1];
  return { value: m?.[1], marks: after ? after.split(',').map((s) => s.trim()).filter(Boolean).sort() : [] };
}

/** A code as written: a JSON literal (`"20"`, `3`), else the text itself (field names, formats). */
function literal(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Column index of each dialect profile in a table's header. */
function columns(t: Table): Map<string, number> {
  const cols = new Map<string, number>();
  t.header.forEach((h, i) => {
    if (profiles.has(h)) cols.set(h, i);
  });
  expect([...cols.keys()].sort()).toEqual([...DIALECTS].sort());
  return cols;
}

// ---- what the profiles say ----

/** The dialect path and marks of a canonical field, or `flattened` for an object whose fields all live elsewhere. */
function expectedField(id: string, d: DocumentType, path: string): { value: string; marks: string[] } | 'flattened' {
  const cd = compiled(id, d);
  const marks: string[] = [];
  if (cd.codes.has(path) || cd.codes.has(`${path}[]`)) marks.push('codes');
  if (cd.dates.has(path)) marks.push('time');
  if (cd.calendarDates.has(path)) marks.push('date');
  if (cd.implied.some((i) => i.pattern === path)) marks.push('implied');
  const product = cd.consumedBy.get(path);
  if (product !== undefined) {
    marks.push('joined');
    return { value: patternOf(cd.loc(product)), marks: marks.sort() };
  }
  const at = patternOf(cd.loc(path));
  const flattened = !cd.explicit.has(path) && [...cd.explicit].some(([c, t]) => c.startsWith(`${path}.`) && !patternOf(t).startsWith(`${at}.`));
  return flattened ? 'flattened' : { value: at, marks: marks.sort() };
}

/** Every canonical path a profile says something about in a document (hook products and `x[]` elements aside). */
function listedPaths(id: string, d: DocumentType): string[] {
  const cd = compiled(id, d);
  const products = new Set(cd.consumedBy.values());
  const paths = [...cd.explicit.keys(), ...cd.codes.keys(), ...cd.dates, ...cd.calendarDates, ...cd.implied.map((i) => i.pattern), ...cd.consumedBy.keys()];
  return [...new Set(paths)].filter((p) => !products.has(p) && !p.endsWith('[]'));
}

/** The code table a profile uses for a field (directly, or through a hook such as joinCertificate). */
function tableAt(id: string, d: DocumentType, path: string): CompiledTable | undefined {
  const cd = compiled(id, d);
  return cd.codes.get(path) ?? cd.consumedTables.get(path)?.[0];
}

function parseCodeMarker(marker: string): [DocumentType, string][] {
  return marker.split(',').map((part) => {
    const [d, path, ...rest] = part.trim().split(/\s+/);
    if (!DOCUMENT_TYPES.includes(d as DocumentType) || !path || rest.length) throw new Error(`mapping-codes marker "${marker}": write "<document> <path>, …"`);
    return [d as DocumentType, path];
  });
}

// ---- the tests ----

describe('docs/open-api.md § Mapping profiles', () => {
  it('has no placeholder left and a subsection for every built-in dialect profile', () => {
    expect(section).not.toMatch(/TO BE COMPLETED/);
    for (const id of DIALECTS) expect(section).toContain(`### \`${id}\` — ${profile(id).name}`);
  });

  describe('worked examples', () => {
    const examples = [...section.matchAll(/<!-- mapping-example: ([a-z0-9-]+) (\w+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => ({
      profile: m[1],
      kind: m[2],
      line: lineOf(START + m.index),
      value: JSON.parse(m[3]) as Record<string, unknown>,
    }));

    it('every dialect profile has an event, a request, an answer and an error example', () => {
      const have = new Set(examples.map((e) => `${e.profile} ${e.kind}`));
      for (const id of DIALECTS) for (const kind of ['event', 'submitRequest', 'answer', 'error']) expect(have).toContain(`${id} ${kind}`);
      expect(section.match(/<!-- mapping-example:/g)?.length).toBe(examples.length); // none unparsed
    });

    it.each(examples.map((e) => [`line ${e.line}: ${e.profile} ${e.kind}`, e] as const))('%s', (_name, example) => {
      const v = example.value;
      expect(v.profile).toBe(example.profile);
      const p = profile(example.profile);
      if (example.kind === 'error') {
        const error = v.error as { code: ErrorCode; message: string; requestId: string; details?: unknown };
        expect(v.status).toBe(errorStatus[error.code]);
        const envelope = envelopeError(p, error, v.status as number);
        expect(v.envelope).toEqual(envelope);
        // what a client reading it gets back: our code (or one sharing the profile's code), the message and request id
        const back = unwrapResponse(p, envelope.status, JSON.parse(JSON.stringify(envelope.body)));
        if (back.ok) throw new Error('an error example unwraps as a success');
        expect({ message: back.message, requestId: back.requestId }).toEqual({ message: error.message, requestId: error.requestId });
        const codeOf = (code: string) => (envelopeError(p, { ...error, code }, 400).body as Record<string, unknown>)[p.envelope.kind === 'wrapped' ? p.envelope.codeField : 'code'];
        expect(codeOf(back.code)).toEqual(codeOf(error.code));
        return;
      }
      const d = v.document as DocumentType;
      expect(DOCUMENT_TYPES).toContain(d);
      if (example.kind !== 'answer') expect(d).toBe(example.kind);
      // the canonical side is a complete, valid payload of its schema
      expect(CANONICAL_SCHEMAS[d].parse(v.canonical)).toEqual(v.canonical);
      const dialect = toDialect(p, d, v.canonical);
      if (example.kind === 'answer') {
        if (p.envelope.kind !== 'wrapped') throw new Error('answer examples are for wrapped profiles');
        const body = (v.envelope as { body: Record<string, unknown> }).body;
        const requestId = p.envelope.requestIdField ? (body[p.envelope.requestIdField] as string) : 'unused';
        expect(v.envelope).toEqual(envelopeSuccess(p, dialect, requestId, v.status as number));
        expect(fromDialect(p, d, body[p.envelope.dataField])).toEqual(v.canonical);
        return;
      }
      expect(JSON.parse(JSON.stringify(dialect))).toEqual(v.dialect);
      expect(fromDialect(p, d, v.dialect)).toEqual(v.canonical);
    });
  });

  describe('field tables', () => {
    const found = tables('mapping-fields');

    it('cover the request, answer and event documents', () => {
      expect(found.map((t) => t.marker).sort()).toEqual(['catalogPage', 'event', 'eventPage', 'submitRequest', 'submitResponse', 'supplyMaterialRequest'].sort());
    });

    it.each(found.map((t) => [t.marker, t] as const))('%s: every cell is where the profile puts the field', (_name, t) => {
      const d = t.marker as DocumentType;
      const cols = columns(t);
      const listed = new Set<string>();
      for (const row of t.rows) {
        const path = cell(row.cells[0]).value;
        if (!path) throw new Error(`line ${row.line}: the first cell names no field`);
        listed.add(path);
        const implied = DIALECTS.some((id) => compiled(id, d).implied.some((i) => i.pattern === path));
        if (kindOf(d, path) === undefined && !implied) throw new Error(`line ${row.line}: ${path} is not a field of ${d}`);
        for (const [id, col] of cols) {
          const want = expectedField(id, d, path);
          const got = cell(row.cells[col] ?? '');
          const where = `line ${row.line}, ${path}, ${id}`;
          if (want === 'flattened') expect([where, got.value]).toEqual([where, undefined]);
          else expect([where, got.value, got.marks]).toEqual([where, want.value, want.marks]);
        }
        // caseStatus is submitResponse without `created`: the same places
        if (d === 'submitResponse' && path !== 'created') {
          for (const id of DIALECTS) expect([path, expectedField(id, 'caseStatus', path)]).toEqual([path, expectedField(id, 'submitResponse', path)]);
        }
      }
      // every field a profile names is in the table (an event page's events are the event table's)
      for (const id of DIALECTS) {
        const missing = listedPaths(id, d).filter((p) => !listed.has(p) && !(d === 'eventPage' && p.startsWith('events[].')));
        expect([id, missing]).toEqual([id, []]);
      }
    });
  });

  describe('code tables', () => {
    const found = tables('mapping-codes');

    it.each(found.map((t) => [t.marker, t] as const))('%s: rows are the profiles’ tables', (_name, t) => {
      const fields = parseCodeMarker(t.marker);
      const cols = columns(t);
      const names: Record<string, string> | undefined = fields.some(([, p]) => p === 'state' || p.endsWith('[].state'))
        ? CASE_STATE_NAMES
        : fields.some(([, p]) => p.endsWith('.actor'))
          ? CASE_ACTOR_NAMES
          : undefined;
      const chinese = t.header.indexOf('中文');
      if (names) expect(chinese).toBeGreaterThan(0);
      const keys = t.rows.map((r) => cell(r.cells[0]).value);
      for (const [id, col] of cols) {
        const used = [...new Set(fields.map(([d, p]) => tableAt(id, d, p)).filter((x): x is CompiledTable => x !== undefined))];
        expect([id, used.length <= 1]).toEqual([id, true]); // one table for all the fields listed
        const table = used[0];
        for (const row of t.rows) {
          const got = cell(row.cells[col] ?? '');
          const key = cell(row.cells[0]).value!;
          const where = `line ${row.line}, ${key}, ${id}`;
          if (!table) expect([where, got.value]).toEqual([where, undefined]);
          else expect([where, got.value === undefined ? undefined : literal(got.value)]).toEqual([where, table.out.get(key)]);
          if (names && chinese > 0) expect([where, row.cells[chinese]]).toEqual([where, names[key]]);
        }
        if (table) expect([id, [...keys].sort()]).toEqual([id, [...table.out.keys()].sort()]);
      }
    });

    it('every recoded field of every documented document has its table here', () => {
      // submitResponse is caseStatus + created: a field of one is documented for both
      const same = (d: DocumentType) => (d === 'submitResponse' ? 'caseStatus' : d);
      const documented = new Set(found.flatMap((t) => parseCodeMarker(t.marker).map(([d, p]) => `${same(d)} ${p}`)));
      for (const id of DIALECTS) {
        for (const d of ['submitRequest', 'supplyMaterialRequest', 'submitResponse', 'caseStatus', 'event', 'eventPage', 'catalogPage'] as DocumentType[]) {
          const cd = compiled(id, d);
          const coded = [...cd.codes.keys()].filter((p) => !(d === 'eventPage' && p.startsWith('events[].')));
          expect([id, d, coded.filter((p) => !documented.has(`${same(d)} ${p}`))]).toEqual([id, d, []]);
          // a hook's table (joinCertificate's certificate types) is documented at one of the fields it joins
          for (const [p, hookTables] of cd.consumedTables) {
            const siblings = [...cd.consumedTables.keys()].filter((q) => cd.consumedBy.get(q) === cd.consumedBy.get(p));
            const shown = siblings.filter((q) => documented.has(`${same(d)} ${q}`)).map((q) => tableAt(id, d, q));
            expect([id, p, hookTables.every((t) => shown.includes(t))]).toEqual([id, p, true]);
          }
          if (d === 'caseStatus') for (const p of coded) expect([id, p, tableAt(id, 'submitResponse', p)]).toEqual([id, p, tableAt(id, 'caseStatus', p)]);
        }
      }
    });
  });

  it('the error-code table gives each profile’s code for every code a partner can receive', () => {
    const [t, ...more] = tables('mapping-errors');
    expect(more).toHaveLength(0);
    const cols = columns(t);
    const rows = new Set<string>();
    for (const row of t.rows) {
      const code = cell(row.cells[0]).value as ErrorCode;
      rows.add(code);
      expect([code, Number(row.cells[1])]).toEqual([code, errorStatus[code]]);
      for (const [id, col] of cols) {
        const e = profile(id).envelope;
        if (e.kind !== 'wrapped') throw new Error(`${id} is not wrapped`);
        const listed = e.errorCodes[code];
        const got = cell(row.cells[col] ?? '');
        const where = `line ${row.line}, ${code}, ${id}`;
        expect([where, literal(got.value ?? '')]).toEqual([where, listed ?? e.defaultErrorCode]);
        expect([where, row.cells[col].includes('(default)')]).toEqual([where, listed === undefined]);
      }
    }
    // every code of § Errors, except the two answered before we know the partner (always canonical)
    const errors = doc.slice(doc.indexOf('## Errors'), doc.indexOf('\n## ', doc.indexOf('## Errors') + 1));
    const beforeProfile = ['SIGNATURE_HEADERS_MISSING', 'PARTNER_UNKNOWN'];
    const partnerCodes = [...new Set(parseErrorRows(errors).map((r) => r.code))].filter((c) => !beforeProfile.includes(c));
    expect(partnerCodes.filter((c) => !rows.has(c))).toEqual([]);
    for (const code of beforeProfile) expect(rows.has(code)).toBe(false);
    expect(section).toMatch(/`SIGNATURE_HEADERS_MISSING` and `PARTNER_UNKNOWN`[^.]*always canonical/);
    // codes a profile lists that are not in the table are named in the text
    for (const id of DIALECTS) {
      const e = profile(id).envelope;
      if (e.kind !== 'wrapped') continue;
      const unlisted = Object.keys(e.errorCodes).filter((c) => !rows.has(c) && !section.includes(`\`${c}\``));
      expect([id, unlisted]).toEqual([id, []]);
    }
  });

  it('the envelope table gives each profile’s envelope and date formats', () => {
    const [t, ...more] = tables('mapping-envelopes');
    expect(more).toHaveLength(0);
    const cols = columns(t);
    const read: Record<string, (p: MappingProfile) => unknown> = {
      envelope: (p) => p.envelope.kind,
      'code field': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.codeField : undefined),
      'success code': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.successCode : undefined),
      'success message': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.successMessage : undefined),
      'message field': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.messageField : undefined),
      'data field': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.dataField : undefined),
      'request id field': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.requestIdField : undefined),
      'HTTP status': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.httpStatus : undefined),
      'default error code': (p) => (p.envelope.kind === 'wrapped' ? p.envelope.defaultErrorCode : undefined),
      timestamps: (p) => p.dateFormat,
      'calendar dates': (p) => p.calendarDateFormat,
    };
    expect(t.rows.map((r) => r.cells[0]).sort()).toEqual(Object.keys(read).sort());
    for (const row of t.rows) {
      for (const [id, col] of cols) {
        const where = `line ${row.line}, ${row.cells[0]}, ${id}`;
        const value = cell(row.cells[col]).value;
        const want = read[row.cells[0]](profile(id));
        // codes are JSON literals ("0" vs 200); names and formats are plain text
        expect([where, typeof want === 'string' && !/^(success|default)/.test(row.cells[0]) ? value : literal(value ?? '')]).toEqual([where, want]);
      }
    }
  });
});
