/**
 * docs/open-api.md stays true to the published contract: its JSON examples parse with the
 * shared-types schemas, its error tables carry the right HTTP statuses and every open-API code,
 * its scope and state tables match labels.ts, and § Relying parties matches licence-labels.ts,
 * licence-ids.ts and the BFF's open licence routes (its example token verifies offline).
 */
import * as contract from '@onevisit/shared-types';
import { CASE_STATE_NAMES, errorStatus, OPEN_API_HEADERS, OPEN_API_MAX_SKEW_SECONDS, OPEN_API_PREFIX, PARTNER_SCOPE_NAMES, PARTNER_SCOPES, SIGNATURE_ALGORITHMS, type ErrorCode } from '@onevisit/shared-types';
import { parseErrorRows, parseExamples, parseTestVectors, readDoc } from './docBlocks';
import { NONCE_TTL_SECONDS as CLIENT_NONCE_TTL, MAX_SKEW_SECONDS } from './signing';
import { NONCE_TTL_SECONDS } from '../../bff/src/modules/partners/signature';
import { licenceOpenRoutes } from '../../bff/src/modules/licences/routes';
import type { LicenceService } from '../../bff/src/modules/licences/service';

const doc = readDoc();

describe('docs/open-api.md', () => {
  it('every JSON example parses with its shared-types schema', () => {
    const examples = parseExamples(doc);
    expect(examples.map((e) => e.schema).sort()).toEqual(
      [
        'Error', 'OpenCaseEvent', 'OpenCaseStatus', 'OpenCatalogPage', 'OpenEventPage', 'OpenSubmitRequest', 'OpenSubmitResponse', 'OpenSupplyMaterialRequest',
        'PresentationClaims', 'VerifyLicenceRequest', 'VerifyLicenceResponse', 'LicenceUsage', 'OpenGrantedLicence', 'Jwks',
      ].sort(),
    );
    for (const example of examples) {
      const name = example.schema === 'Error' ? 'ErrorBodySchema' : `${example.schema}Schema`;
      const schema = (contract as unknown as Record<string, { safeParse(v: unknown): { success: boolean; error?: unknown } }>)[name];
      expect(schema).toBeDefined();
      const result = schema.safeParse(example.value);
      if (!result.success) throw new Error(`example ${example.schema} at line ${example.line}: ${String(result.error)}`);
    }
  });

  it('every JSON block is valid JSON', () => {
    for (const m of doc.matchAll(/```json\n([\s\S]*?)\n```/g)) expect(() => JSON.parse(m[1])).not.toThrow();
  });

  it('the error tables give each code its HTTP status', () => {
    const rows = parseErrorRows(doc);
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) {
      expect(row.code in errorStatus).toBe(true);
      expect([row.code, row.status]).toEqual([row.code, errorStatus[row.code as ErrorCode]]);
    }
  });

  it('the error tables list every open-API code and the generic ones partners meet', () => {
    const listed = new Set(parseErrorRows(doc).map((r) => r.code));
    const required: string[] = [
      // signed requests, in the order they are checked
      'SIGNATURE_HEADERS_MISSING', 'PARTNER_UNKNOWN', 'PARTNER_DISABLED', 'IP_NOT_ALLOWED', 'PARTNER_RATE_LIMITED',
      'SIGNATURE_TIMESTAMP_SKEWED', 'SIGNATURE_ALGORITHM_MISMATCH', 'PAYLOAD_TOO_LARGE', 'BODY_HASH_MISMATCH',
      'SIGNATURE_INVALID', 'SIGNATURE_NONCE_REPLAYED', 'SCOPE_MISSING', 'MALFORMED_JSON',
      // submissions and feeds
      'PARTNER_SERIAL_CONFLICT', 'PARTNER_SERIAL_IN_PROGRESS', 'CURSOR_INVALID', 'MATERIAL_CONTENT_INVALID',
      // generic
      'VALIDATION_FAILED', 'ITEM_NOT_FOUND', 'APPLICATION_NOT_FOUND', 'FORM_INVALID', 'IDENTITY_LEVEL_REQUIRED',
      // relying parties: every code the open licence routes declare
      ...licenceOpenRoutes({} as LicenceService).flatMap((route) => route.errors ?? []),
      ...Object.keys(errorStatus).filter((code) => code.startsWith('TOKEN_') || code.startsWith('MATERIAL_')),
    ];
    expect(required.filter((code) => !listed.has(code))).toEqual([]);
  });

  it('the signature refusals are documented in the order the server checks them', () => {
    const order = ['SIGNATURE_HEADERS_MISSING', 'PARTNER_UNKNOWN', 'PARTNER_DISABLED', 'IP_NOT_ALLOWED', 'PARTNER_RATE_LIMITED', 'SIGNATURE_TIMESTAMP_SKEWED', 'SIGNATURE_ALGORITHM_MISMATCH', 'PAYLOAD_TOO_LARGE', 'BODY_HASH_MISMATCH', 'SIGNATURE_INVALID', 'SIGNATURE_NONCE_REPLAYED', 'SCOPE_MISSING', 'MALFORMED_JSON'];
    const section = doc.slice(doc.indexOf('### What we check, in this order'), doc.indexOf('### Worked example'));
    const positions = order.map((code) => section.indexOf(`\`${code}\``));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('scopes, algorithms, headers, states and limits match the contract', () => {
    for (const scope of PARTNER_SCOPES) expect(doc).toContain(`| \`${scope}\` | ${PARTNER_SCOPE_NAMES[scope]} |`);
    for (const algorithm of SIGNATURE_ALGORITHMS) expect(doc).toContain(algorithm);
    for (const header of Object.values(OPEN_API_HEADERS)) expect(doc).toContain(`\`${header}\``);
    for (const [state, name] of Object.entries(CASE_STATE_NAMES)) expect(doc).toContain(`| \`${state}\` | ${name} |`);
    expect(doc).toContain(`\`${OPEN_API_PREFIX}\``);
    expect(doc).toContain(`within **${OPEN_API_MAX_SKEW_SECONDS} s**`);
    expect(MAX_SKEW_SECONDS).toBe(OPEN_API_MAX_SKEW_SECONDS);
    expect(doc).toContain(`within the last ${NONCE_TTL_SECONDS} s`);
    expect(CLIENT_NONCE_TTL).toBe(NONCE_TTL_SECONDS);
  });

  it('the worked example is test vector 1', () => {
    const [v1, v2] = parseTestVectors(doc);
    const worked = doc.slice(doc.indexOf('### Worked example'), doc.indexOf('## Test vectors'));
    expect(worked).toContain(v1.expected.signature);
    expect(worked).toContain(`\n${v1.expected.stringToSign}\n`);
    expect(worked).toContain(v1.expected.canonicalQuery);
    expect(worked).toContain(`${v1.expected.stringToSign.length} bytes`);
    expect(worked).toContain(Buffer.from(v1.expected.signature, 'base64').toString('hex'));
    expect(worked).toContain(`\n${v2.expected.stringToSign}\n`);
    expect(worked).toContain(v2.expected.signature);
    expect(worked).toContain(Buffer.from(v2.expected.signature, 'base64').toString('hex'));
    expect(worked).toContain(`${Buffer.byteLength(v2.body, 'utf8')} UTF-8 bytes`);
    expect(worked).toContain(`printf '%s' "$STS" | openssl dgst -sha256 -hmac '${v1.secret}' -binary | base64\n# ${v1.expected.signature}`);
  });

  it('has the mapping-profile section (checked in mappingDocs.test.ts) and a relying-parties heading', () => {
    expect(doc).toMatch(/^## Mapping profiles/m);
    expect(doc).toMatch(/^## Relying parties/m);
  });
});
