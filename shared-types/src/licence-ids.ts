/*
 * GB/T 36904 licence identifiers (电子证照标识), zod-free so the mini-program, the console, the BFF
 * and relying parties' tools can all check one:
 *
 *     1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}
 *
 *   1.2.156.3005.2  the OID arc of national e-licences
 *   type code       21 characters: the issuing ministry's 18-character unified social credit code
 *                   + a 3-digit sequence (LICENCE_TYPES[…].typeCode)
 *   issuer code     18 characters: the issuing authority's unified social credit code
 *   serial          1–24 characters of 0-9A-Z, the issuer's serial of the licence
 *   version         3 digits: 001 for a first issue, one more at each reissue (换发/补发)
 *   check           one character of 0-9A-Z
 *
 * The check character (our reading of the standard, documented here so every party computes
 * the same one): ISO/IEC 7064 MOD 37,36 — the hybrid system with M = 36, M + 1 = 37 over the
 * alphabet 0-9A-Z (values 0–35) — computed over the letters and digits of everything before the
 * check character in order, the dots skipped (the fixed prefix `1.2.156.3005.2` contributes "12156300052").
 * Only upper-case letters are valid.
 *
 * MOD 37,36 detects every single-character substitution, and every adjacent transposition except
 * a pair of characters whose values differ by exactly 1 (mod 36) at a position where the running
 * sum lands on 18/19 — 36 of the 22 680 (state, pair) combinations, a property of the hybrid
 * systems (see licence-ids.test.ts).
 */
import { LICENCE_TYPES, type LicenceType } from './licence-labels';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;

/** The fixed OID arc every GB/T 36904 licence identifier starts with. */
export const LICENCE_ID_PREFIX = '1.2.156.3005.2';

const ID_PATTERN = /^1\.2\.156\.3005\.2\.([0-9A-Z]{21})\.([0-9A-Z]{18})\.([0-9A-Z]{1,24})\.(\d{3})\.([0-9A-Z])$/;

/**
 * The ISO/IEC 7064 MOD 37,36 check character of `chars` (0-9A-Z only, upper case):
 *
 *     p = 36
 *     for each character c (value 0–35):  s = (p + c) mod 36, taken as 36 when 0;  p = 2s mod 37
 *     check = (37 − p) mod 36
 *
 * so that one more step with the check character leaves the running sum s ≡ 1 (mod 36) — the
 * standard's acceptance condition (equivalently, the final product p = 2).
 * Throws on a character outside the alphabet.
 */
export function iso7064Mod37_36(chars: string): string {
  let p = M;
  for (let i = 0; i < chars.length; i++) {
    const value = ALPHABET.indexOf(chars[i]);
    if (value < 0) throw new Error(`iso7064Mod37_36: invalid character at ${i}`);
    let s = (p + value) % M;
    if (s === 0) s = M;
    p = (2 * s) % (M + 1);
  }
  return ALPHABET[(M + 1 - p) % M];
}

/** True when `chars` (check character last) satisfies ISO/IEC 7064 MOD 37,36. */
function mod37_36Holds(chars: string): boolean {
  return chars.length > 1 && iso7064Mod37_36(chars.slice(0, -1)) === chars[chars.length - 1];
}

export interface LicenceIdParts {
  /** 21 characters: ministry credit code + 3-digit sequence. */
  typeCode: string;
  /** 18 characters: the issuer's unified social credit code. */
  issuerCode: string;
  /** 1–24 characters of 0-9A-Z. */
  serial: string;
  /** 1–999. */
  version: number;
}

export interface ParsedLicenceId extends LicenceIdParts {
  /** The licence type of the type code, or null for a type this platform does not know. */
  type: LicenceType | null;
  check: string;
}

const TYPE_BY_CODE: ReadonlyMap<string, LicenceType> = new Map(
  (Object.entries(LICENCE_TYPES) as [LicenceType, { typeCode: string }][]).map(([type, t]) => [t.typeCode, type]),
);

/** The licence type a GB/T 36904 type code stands for, or null. */
export function licenceTypeOfCode(typeCode: string): LicenceType | null {
  return TYPE_BY_CODE.get(typeCode) ?? null;
}

/** Letters and digits of an identifier (or its part before the check character), dots skipped. */
function checkInput(body: string): string {
  return body.replace(/\./g, '');
}

/** Builds an identifier with its check character; throws on a malformed part. */
export function makeLicenceId({ typeCode, issuerCode, serial, version }: LicenceIdParts): string {
  if (!/^[0-9A-Z]{21}$/.test(typeCode)) throw new Error('makeLicenceId: typeCode must be 21 characters of 0-9A-Z');
  if (!/^[0-9A-Z]{18}$/.test(issuerCode)) throw new Error('makeLicenceId: issuerCode must be 18 characters of 0-9A-Z');
  if (!/^[0-9A-Z]{1,24}$/.test(serial)) throw new Error('makeLicenceId: serial must be 1–24 characters of 0-9A-Z');
  if (!Number.isInteger(version) || version < 1 || version > 999) throw new Error('makeLicenceId: version must be an integer 1–999');
  const body = `${LICENCE_ID_PREFIX}.${typeCode}.${issuerCode}.${serial}.${String(version).padStart(3, '0')}`;
  return `${body}.${iso7064Mod37_36(checkInput(body))}`;
}

/** The parts of a well-formed identifier whose check character holds; null otherwise. */
export function parseLicenceId(id: string): ParsedLicenceId | null {
  if (typeof id !== 'string' || id.length > 120) return null;
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  const [, typeCode, issuerCode, serial, versionText, check] = m;
  const version = Number(versionText);
  if (version < 1) return null;
  if (!mod37_36Holds(checkInput(id))) return null;
  return { typeCode, issuerCode, serial, version, check, type: licenceTypeOfCode(typeCode) };
}

/** A well-formed GB/T 36904 identifier (structure, version 001–999, check character). */
export function isValidLicenceId(id: string): boolean {
  return parseLicenceId(id) !== null;
}
