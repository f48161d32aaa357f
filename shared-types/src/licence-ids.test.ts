import { iso7064Mod37_36, isValidLicenceId, LICENCE_ID_PREFIX, licenceTypeOfCode, makeLicenceId, parseLicenceId } from './licence-ids';
import { LICENCE_TYPES } from './licence-labels';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/*
 * ISO/IEC 7064 MOD 37,36 (hybrid, M = 36): p = 36; for each character value c:
 * s = (p + c) mod 36 (36 when 0), p = 2s mod 37; check = (37 − p) mod 36. The standard accepts
 * a string (check last) when the last step's sum s ≡ 1 (mod 36): (p + check) mod 36 = 1 — which
 * is exactly what check = (37 − p) mod 36 gives, since p ∈ 1..36 (37 is prime, so 2s mod 37 ≠ 0).
 * (The product after the check step is then 2·1 mod 37 = 2; it is the sum that is ≡ 1.)
 */
describe('iso7064Mod37_36', () => {
  it.each([
    // '' — no step: p = 36; check = (37 − 36) mod 36 = 1 → '1'.
    ['', '1'],
    // '0' — c=0: s = 36 mod 36 = 0 → 36, p = 72 mod 37 = 35; check = (37 − 35) = 2 → '2'.
    //   accept: (35 + 2) mod 36 = 1 ✓
    ['0', '2'],
    // 'Z' — c=35: s = 71 mod 36 = 35, p = 70 mod 37 = 33; check = 4 → '4'. accept: 37 mod 36 = 1 ✓
    ['Z', '4'],
    // 'J' — c=19: s = 55 mod 36 = 19, p = 38 mod 37 = 1; check = 36 mod 36 = 0 → '0'. accept: 1 + 0 = 1 ✓
    ['J', '0'],
    // 'A1' — A=10: s = 46 mod 36 = 10, p = 20; '1': s = 21, p = 42 mod 37 = 5; check = 32 → 'W'.
    //   accept: (5 + 32) mod 36 = 1 ✓
    ['A1', 'W'],
    // The GRid standard's published example A1-2425G-ABC1234002-M (GRid uses MOD 37,36):
    //   A(10) s=10 p=20 · 1 s=21 p=5 · 2 s=7 p=14 · 4 s=18 p=36 · 2 s=2 p=4 · 5 s=9 p=18 ·
    //   G(16) s=34 p=31 · A(10) s=5 p=10 · B(11) s=21 p=5 · C(12) s=17 p=34 · 1 s=35 p=33 ·
    //   2 s=35 p=33 · 3 s=36 p=35 · 4 s=3 p=6 · 0 s=6 p=12 · 0 s=12 p=24 · 2 s=26 p=15;
    //   check = (37 − 15) mod 36 = 22 → 'M'. accept: (15 + 22) mod 36 = 1 ✓
    ['A12425GABC1234002', 'M'],
  ])('check character of %j is %s', (input, check) => {
    expect(iso7064Mod37_36(input)).toBe(check);
  });

  it('leaves the running sum at 1 for any input once the check character is appended', () => {
    for (const input of ['X', '9Z', 'HELLO0WORLD', '12156300052111000000000133', ALPHABET]) {
      const full = input + iso7064Mod37_36(input);
      let p = 36;
      let s = 0;
      for (const ch of full) {
        s = (p + ALPHABET.indexOf(ch)) % 36 || 36;
        p = (2 * s) % 37;
      }
      expect(s).toBe(1);
    }
  });

  it('refuses characters outside 0-9A-Z', () => {
    expect(() => iso7064Mod37_36('a')).toThrow();
    expect(() => iso7064Mod37_36('1.2')).toThrow();
    expect(() => iso7064Mod37_36('长')).toThrow();
  });

  it('has the hybrid systems’ known blind spot: some transpositions of neighbouring values', () => {
    // 'J' brings p to 1; then H(17), I(18): s = 18 → p = 36, s = (36 + 18) mod 36 = 18 → p = 36;
    // swapped, I then H: s = 19 → p = 1, s = 18 → p = 36. Same state, same check character.
    expect(iso7064Mod37_36('JHI')).toBe(iso7064Mod37_36('JIH'));
  });
});

const ISSUER = '11430100MB1C45878U';
const sample = makeLicenceId({ typeCode: LICENCE_TYPES.driving_licence.typeCode, issuerCode: ISSUER, serial: '7K3P0Q2R9', version: 1 });

describe('makeLicenceId / parseLicenceId / isValidLicenceId', () => {
  it('builds the GB/T 36904 layout with the check character over the characters before it, dots skipped', () => {
    expect(sample.startsWith(`${LICENCE_ID_PREFIX}.11100000000013338W002.${ISSUER}.7K3P0Q2R9.001.`)).toBe(true);
    const body = sample.slice(0, -2);
    expect(sample.slice(-1)).toBe(iso7064Mod37_36(body.replace(/\./g, '')));
    expect(isValidLicenceId(sample)).toBe(true);
  });

  it('parses back what it built, naming the licence type of a known type code', () => {
    expect(parseLicenceId(sample)).toEqual({
      typeCode: '11100000000013338W002',
      issuerCode: ISSUER,
      serial: '7K3P0Q2R9',
      version: 1,
      check: sample.slice(-1),
      type: 'driving_licence',
    });
    const v12 = makeLicenceId({ typeCode: '12100000000000000X001', issuerCode: ISSUER, serial: 'A', version: 12 });
    expect(v12).toMatch(/\.A\.012\.[0-9A-Z]$/);
    expect(parseLicenceId(v12)).toMatchObject({ version: 12, type: null });
    for (const [type, t] of Object.entries(LICENCE_TYPES)) {
      const id = makeLicenceId({ typeCode: t.typeCode, issuerCode: ISSUER, serial: '1', version: 999 });
      expect(parseLicenceId(id)?.type).toBe(type);
      expect(licenceTypeOfCode(t.typeCode)).toBe(type);
    }
  });

  it('detects every single-character substitution of a sample id', () => {
    let tried = 0;
    for (let i = 0; i < sample.length; i++) {
      for (const ch of `${ALPHABET}.`) {
        if (ch === sample[i]) continue;
        const wrong = sample.slice(0, i) + ch + sample.slice(i + 1);
        tried += 1;
        expect([wrong, isValidLicenceId(wrong)]).toEqual([wrong, false]);
      }
    }
    expect(tried).toBe(sample.length * 36);
  });

  it('detects every adjacent transposition of a sample id, in the text and in the checked sequence', () => {
    const swaps = (s: string, i: number, j: number) => s.slice(0, i) + s[j] + s.slice(i + 1, j) + s[i] + s.slice(j + 1);
    let tried = 0;
    for (let i = 0; i + 1 < sample.length; i++) {
      if (sample[i] === sample[i + 1]) continue;
      const wrong = swaps(sample, i, i + 1);
      tried += 1;
      expect([wrong, isValidLicenceId(wrong)]).toEqual([wrong, false]);
    }
    // neighbours once the dots are skipped (e.g. the version's last digit and a digit check character)
    const positions = [...sample].flatMap((c, i) => (c === '.' ? [] : [i]));
    for (let k = 0; k + 1 < positions.length; k++) {
      const [i, j] = [positions[k], positions[k + 1]];
      if (j === i + 1 || sample[i] === sample[j]) continue;
      const wrong = swaps(sample, i, j);
      tried += 1;
      expect([wrong, isValidLicenceId(wrong)]).toEqual([wrong, false]);
    }
    expect(tried).toBeGreaterThan(60);
  });

  it('catches a digit check character swapped with the version digit across the dot', () => {
    // a sample whose check character is a digit other than 1, so the swap still looks well formed
    let id = '';
    for (let n = 0; n < 500 && !id; n++) {
      const candidate = makeLicenceId({ typeCode: LICENCE_TYPES.id_card.typeCode, issuerCode: ISSUER, serial: `S${n}`, version: 1 });
      if (/[02-9]$/.test(candidate)) id = candidate;
    }
    expect(id).toMatch(/\.001\.[02-9]$/);
    const swapped = `${id.slice(0, -5)}00${id.slice(-1)}.1`;
    expect(swapped).toMatch(/^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]{1,24}\.\d{3}\.[0-9A-Z]$/);
    expect(isValidLicenceId(swapped)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['lower case', () => sample.toLowerCase()],
    ['surrounding space', () => ` ${sample}`],
    ['trailing newline', () => `${sample}\n`],
    ['another OID arc', () => sample.replace(/^1\.2\.156\.3005\.2\./, '1.2.156.3005.3.')],
    ['a 20-character type code', () => makeLicenceIdLoose('11100000000013338W00', ISSUER, '7K3P0Q2R9', '001')],
    ['a 17-character issuer code', () => makeLicenceIdLoose('11100000000013338W002', ISSUER.slice(1), '7K3P0Q2R9', '001')],
    ['a 25-character serial', () => makeLicenceIdLoose('11100000000013338W002', ISSUER, 'A'.repeat(25), '001')],
    ['a 2-digit version', () => makeLicenceIdLoose('11100000000013338W002', ISSUER, '7K3P0Q2R9', '01')],
    ['version 000', () => makeLicenceIdLoose('11100000000013338W002', ISSUER, '7K3P0Q2R9', '000')],
    ['a missing check character', () => sample.slice(0, -2)],
    ['an extra part', () => `${sample}.1`],
    ['a doubled dot', () => sample.replace('.001.', '..001.')],
    ['a full-width digit', () => sample.replace('7K3', '７K3')],
  ])('refuses %s', (_label, make) => {
    const id = typeof make === 'function' ? make() : make;
    expect(isValidLicenceId(id)).toBe(false);
    expect(parseLicenceId(id)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(isValidLicenceId(undefined as unknown as string)).toBe(false);
    expect(parseLicenceId(42 as unknown as string)).toBeNull();
  });

  it('refuses malformed parts when building', () => {
    const ok = { typeCode: LICENCE_TYPES.id_card.typeCode, issuerCode: ISSUER, serial: 'X1', version: 1 };
    expect(() => makeLicenceId({ ...ok, typeCode: 'short' })).toThrow(/typeCode/);
    expect(() => makeLicenceId({ ...ok, issuerCode: ISSUER.toLowerCase() })).toThrow(/issuerCode/);
    expect(() => makeLicenceId({ ...ok, serial: '' })).toThrow(/serial/);
    expect(() => makeLicenceId({ ...ok, serial: 'A-1' })).toThrow(/serial/);
    expect(() => makeLicenceId({ ...ok, version: 0 })).toThrow(/version/);
    expect(() => makeLicenceId({ ...ok, version: 1000 })).toThrow(/version/);
    expect(() => makeLicenceId({ ...ok, version: 1.5 })).toThrow(/version/);
  });
});

/** An identifier with a correct check character but parts of any length (to test the structure checks alone). */
function makeLicenceIdLoose(typeCode: string, issuerCode: string, serial: string, version: string): string {
  const body = `${LICENCE_ID_PREFIX}.${typeCode}.${issuerCode}.${serial}.${version}`;
  return `${body}.${iso7064Mod37_36(body.replace(/\./g, ''))}`;
}
