/**
 * docs/open-api.md § Relying parties stays true to the e-licence contract:
 *
 * - `<!-- licence-table: relying-parties | types | fields | purposes -->` + a table: the tables of
 *   shared-types/src/licence-labels.ts, row by row (codes in `code spans`);
 * - the example token (in the VerifyLicenceRequest example) is genuine: it verifies offline with
 *   the Jwks example, decodes to the PresentationClaims example and the documented header, and the
 *   VerifyLicenceResponse and LicenceUsage examples are what the BFF would answer and record for it;
 * - `<!-- licence-id-example -->` + a block: the worked GB/T 36904 check character, step by step;
 * - the verification steps are documented in the order service.ts checks them, and the Refusals
 *   table says "spent" exactly for the refusals after the single-use step.
 */
import {
  GrantParamsSchema,
  isValidLicenceId,
  iso7064Mod37_36,
  JWKS_PATH,
  LICENCE_COLOURS,
  LICENCE_FIELD_KEYS,
  LICENCE_FIELDS,
  LICENCE_STATUS_NAMES,
  LICENCE_TYPE_FIELDS,
  LICENCE_TYPES,
  licenceColour,
  licenceTypeOfCode,
  OpenGrantReadQuerySchema,
  openPaths,
  parseLicenceId,
  PRESENTATION_MAX_SECONDS,
  PRESENTATION_PURPOSES,
  PRESENTATION_TOKEN_TYPE,
  RELYING_PARTY_FIELDS,
  RELYING_PARTY_TYPES,
  VERIFIER_PAGE_PATH,
  type LicenceField,
  type LicenceUsage,
  type OpenGrantedLicence,
  type PresentationClaims,
  type VerifyLicenceRequest,
  type VerifyLicenceResponse,
} from '@onevisit/shared-types';
import type { JWK } from 'jose';
import { OfflineVerifier } from '../licence-verifier/verifier';
import { parseErrorRows, parseExamples, readDoc } from './docBlocks';
import { canonicalQuery } from './signing';

const doc = readDoc();
const START = doc.indexOf('## Relying parties');
const section = doc.slice(START);

const spans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** The rows (cells, trimmed) of the table right after `<!-- licence-table: name -->`. */
function table(name: string): string[][] {
  const marker = `<!-- licence-table: ${name} -->\n`;
  const at = section.indexOf(marker);
  if (at < 0) throw new Error(`no licence-table: ${name}`);
  const lines = section.slice(at + marker.length).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
}

function example<T>(schema: string): T {
  const found = parseExamples(section).filter((e) => e.schema === schema);
  expect(found).toHaveLength(1);
  return found[0].value as T;
}

describe('docs/open-api.md § Relying parties', () => {
  it('tables the relying-party types with the fields each may receive (RELYING_PARTY_FIELDS)', () => {
    const rows = table('relying-parties');
    expect(rows.map((r) => spans(r[0])[0])).toEqual(Object.keys(RELYING_PARTY_TYPES));
    for (const [cell, name, fields] of rows) {
      const type = spans(cell)[0] as keyof typeof RELYING_PARTY_TYPES;
      expect([type, name]).toEqual([type, RELYING_PARTY_TYPES[type]]);
      expect([type, fields === 'all' ? LICENCE_FIELD_KEYS : spans(fields)]).toEqual([type, [...RELYING_PARTY_FIELDS[type]]]);
    }
  });

  it('tables the licence types, their GB/T 36904 type codes and fields, and the fields with their labels', () => {
    const types = table('types');
    expect(types.map((r) => spans(r[0])[0])).toEqual(Object.keys(LICENCE_TYPES));
    for (const [cell, name, code, fields] of types) {
      const type = spans(cell)[0] as keyof typeof LICENCE_TYPES;
      expect([type, name, spans(code)[0], spans(fields)]).toEqual([type, LICENCE_TYPES[type].name, LICENCE_TYPES[type].typeCode, [...LICENCE_TYPE_FIELDS[type]]]);
    }
    const fields = table('fields');
    expect(fields.map((r) => spans(r[0])[0])).toEqual(LICENCE_FIELD_KEYS);
    for (const [cell, label, pii] of fields) {
      const field = spans(cell)[0] as LicenceField;
      expect([field, label, pii === 'yes']).toEqual([field, LICENCE_FIELDS[field].label, LICENCE_FIELDS[field].pii !== null]);
    }
  });

  it('tables every purpose: its licence types, the fields it discloses, who may receive it (PRESENTATION_PURPOSES)', () => {
    const rows = table('purposes');
    expect(rows.map((r) => spans(r[0])[0])).toEqual(Object.keys(PRESENTATION_PURPOSES));
    for (const [cell, name, types, fields, parties] of rows) {
      const purpose = spans(cell)[0] as keyof typeof PRESENTATION_PURPOSES;
      const p = PRESENTATION_PURPOSES[purpose];
      expect([purpose, name, spans(types), fields === 'the citizen picks' ? [] : spans(fields), spans(parties)]).toEqual([
        purpose,
        p.name,
        [...p.licenceTypes],
        [...p.fields],
        [...p.relyingParties],
      ]);
    }
  });

  it('documents the colours, the token type and lifetime, the JWKS and page paths of the contract', () => {
    for (const [colour, name] of Object.entries(LICENCE_COLOURS)) expect(section).toContain(`| \`${colour}\` | ${name} |`);
    expect(section).toContain(`\`typ\`: always \`${PRESENTATION_TOKEN_TYPE}\``);
    expect(section).toContain(`is **at most ${PRESENTATION_MAX_SECONDS}**`);
    expect(section).toContain(`\`GET https://<deployment host>${JWKS_PATH}\``);
    expect(section).toContain('`Cache-Control: public, max-age=300`');
    expect(section).toContain(`\`https://<deployment host>${VERIFIER_PAGE_PATH}\``);
  });

  it('its example token is genuine: it verifies offline against the Jwks example and decodes to the documented header and claims', async () => {
    const request = example<VerifyLicenceRequest>('VerifyLicenceRequest');
    const claims = example<PresentationClaims>('PresentationClaims');
    const jwks = example<{ keys: JWK[] }>('Jwks');
    const [h, p] = request.token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const documentedHeader = JSON.parse(/### Presentation tokens[\s\S]*?```json\n([\s\S]*?)\n```/.exec(section)![1]);
    expect(header).toEqual(documentedHeader);
    expect(header).toMatchObject({ typ: PRESENTATION_TOKEN_TYPE, kid: jwks.keys[0].kid, alg: jwks.keys[0].alg });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))).toEqual(claims);

    const verifier = new OfflineVerifier({ jwks, issuer: claims.iss });
    const ok = await verifier.verify(request.token, new Date((claims.iat + 10) * 1000));
    expect(ok).toMatchObject({ ok: true, claims, kid: header.kid });
    expect(await verifier.verify(request.token, new Date((claims.exp + 6) * 1000))).toMatchObject({ ok: false, code: 'PRESENTATION_EXPIRED' });
    const [hh, pp, sig] = request.token.split('.');
    const tampered = Buffer.from(pp, 'base64url').toString('utf8').replace('李娜', '王五');
    expect(await verifier.verify(`${hh}.${Buffer.from(tampered).toString('base64url')}.${sig}`, new Date((claims.iat + 10) * 1000))).toMatchObject({ ok: false, code: 'PRESENTATION_SIGNATURE_INVALID' });
  });

  it('its answer and usage-record examples are what a hotel gets and the citizen sees for that token', () => {
    const request = example<VerifyLicenceRequest>('VerifyLicenceRequest');
    const claims = example<PresentationClaims>('PresentationClaims');
    const answer = example<VerifyLicenceResponse>('VerifyLicenceResponse');
    const usage = example<LicenceUsage>('LicenceUsage');
    const hotelFields = Object.fromEntries(Object.entries(claims.fld).filter(([f]) => RELYING_PARTY_FIELDS.hotel.includes(f as LicenceField)));
    expect(answer).toMatchObject({
      licenceId: claims.sub,
      licenceType: claims.lt,
      licenceTypeName: LICENCE_TYPES[claims.lt].name,
      purpose: claims.pur,
      purposeName: PRESENTATION_PURPOSES[claims.pur].name,
      fields: hotelFields,
      statusName: LICENCE_STATUS_NAMES[answer.status],
      colour: licenceColour(answer.status),
    });
    expect(Date.parse(answer.verifiedAt) / 1000).toBeGreaterThan(claims.iat);
    expect(Date.parse(answer.verifiedAt) / 1000).toBeLessThan(claims.exp);
    expect(usage).toMatchObject({
      usageId: answer.usageId,
      licenceId: answer.licenceId,
      licenceTypeName: answer.licenceTypeName,
      via: 'presentation',
      relyingPartyType: 'hotel',
      purpose: answer.purposeName,
      reason: request.reason,
      fields: Object.keys(answer.fields),
      at: answer.verifiedAt,
    });
  });

  it('every licence identifier in the section is valid, of the type it is said to be', () => {
    const ids = [...new Set(section.match(/1\.2\.156\.3005\.2\.[0-9A-Z.]+/g) ?? [])].map((id) => id.replace(/\.$/, ''));
    const complete = ids.filter((id) => /\.\d{3}\.[0-9A-Z]$/.test(id));
    expect(complete.length).toBeGreaterThanOrEqual(2);
    for (const id of complete) expect([id, isValidLicenceId(id)]).toEqual([id, true]);
    const grant = example<OpenGrantedLicence>('OpenGrantedLicence');
    expect(parseLicenceId(grant.licenceId)?.type).toBe(grant.licenceType);
    expect(GrantParamsSchema.safeParse({ grantId: grant.grantId }).success).toBe(true);
  });

  it('works the check character step by step as licence-ids.ts computes it', () => {
    const block = /<!-- licence-id-example -->\n```\n([\s\S]*?)\n```/.exec(section);
    expect(block).not.toBeNull();
    const line = (name: string) => new RegExp(`^${name}\\s+(.*)$`, 'm').exec(block![1])![1].trim();
    const identifier = line('identifier');
    const parsed = parseLicenceId(identifier);
    expect(parsed).not.toBeNull();
    expect(licenceTypeOfCode(parsed!.typeCode)).toBe('id_card');
    const input = identifier.slice(0, -2).replace(/\./g, '');
    expect(line('input')).toBe(input);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let product = 36;
    const products = [...input].map((c) => {
      const s = (product + alphabet.indexOf(c)) % 36 || 36;
      product = (2 * s) % 37;
      return product;
    });
    expect(line('p').split(/\s+/).map(Number)).toEqual(products);
    const check = iso7064Mod37_36(input);
    expect(check).toBe(identifier.slice(-1));
    expect(line('check')).toBe(`(37 − ${product}) mod 36 = ${(37 - product) % 36} → ${check}`);
    expect(section).toContain(`${input.length} letters and digits`);
  });

  it('documents the verification steps in the order the service checks them, and which refusals spend the token', () => {
    const order = ['RELYING_PARTY_TYPE_MISSING', 'PRESENTATION_MALFORMED', 'PRESENTATION_KEY_UNKNOWN', 'PRESENTATION_SIGNATURE_INVALID', 'PRESENTATION_EXPIRED', 'PURPOSE_NOT_ALLOWED', 'LICENCE_NOT_FOUND', 'LICENCE_REVOKED', 'LICENCE_EXPIRED', 'PRESENTATION_USED'];
    const steps = section.slice(section.indexOf('**What we check, in this order**'), section.indexOf('### Refusals'));
    const positions = order.map((code) => steps.indexOf(`\`${code}\``));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const refusals = section.slice(section.indexOf('### Refusals'), section.indexOf('### Single use'));
    const rows = parseErrorRows(refusals);
    const spentCell = (code: string) => new RegExp(`^\\| \`${code}\` \\|[^|]*\\|[^|]*\\| ([^|]+) \\|`, 'm').exec(refusals)![1].trim();
    const used = order.indexOf('PRESENTATION_USED');
    for (const code of order) expect([code, spentCell(code)]).toEqual([code, order.indexOf(code) < used ? 'no' : order.indexOf(code) === used ? 'already' : 'yes']);
    for (const code of ['GRANT_NOT_FOUND', 'GRANT_INACTIVE', 'SCOPE_MISSING', 'VALIDATION_FAILED']) expect(rows.map((r) => r.code)).toContain(code);
  });

  it("the grant read's example request has a valid grant id and a 用证事由 in its query", () => {
    const m = /^GET (\/open\/v1\/licences\/grants\/([^?\s]+))\?(\S+)$/m.exec(section);
    expect(m).not.toBeNull();
    const [, path, grantId, rawQuery] = m!;
    expect(path).toBe(`/open/v1${openPaths.licenceGrant(grantId)}`);
    expect(GrantParamsSchema.safeParse({ grantId }).success).toBe(true);
    expect(canonicalQuery(rawQuery)).toBe(rawQuery); // already canonical: what is signed is what is sent
    expect(OpenGrantReadQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(rawQuery))).success).toBe(true);
  });
});
