import { randomBytes } from 'node:crypto';
import { PiiCipher } from './pii';

const key = () => randomBytes(32);

describe('PiiCipher', () => {
  const k1 = key();
  const k2 = key();
  const blind = key();
  const old = new PiiCipher(new Map([['k1', k1]]), 'k1', blind);
  const rotated = new PiiCipher(new Map([['k1', k1], ['k2', k2]]), 'k2', blind);

  it('round-trips and never stores the plain text', () => {
    const stored = old.encrypt('idNumber', '43010219900101123X');
    expect(stored).toMatch(/^v1\.k1\./);
    expect(stored).not.toContain('43010219900101123X');
    expect(old.decrypt('idNumber', stored)).toBe('43010219900101123X');
    expect(old.encrypt('idNumber', '43010219900101123X')).not.toBe(stored); // fresh IV each time
  });

  it('reads rows of an old key after rotation and writes new ones under the active key', () => {
    const before = old.encrypt('phone', '13812345678');
    expect(rotated.decrypt('phone', before)).toBe('13812345678');
    expect(rotated.encrypt('phone', '13812345678')).toMatch(/^v1\.k2\./);
  });

  it('refuses tampered ciphertext, a value moved to another field, and unknown keys', () => {
    const stored = old.encrypt('name', '张三');
    const parts = stored.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    expect(() => old.decrypt('name', [...parts.slice(0, 4), flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => old.decrypt('phone', stored)).toThrow();
    expect(() => old.decrypt('name', stored.replace('v1.k1.', 'v1.k9.'))).toThrow(/key k9/);
  });

  it('blind-indexes equal values equally, per kind, case-insensitively for the X of an ID', () => {
    expect(old.blindIndex('idNumber', '43010219900101123x')).toBe(rotated.blindIndex('idNumber', '43010219900101123X'));
    expect(old.blindIndex('idNumber', '43010219900101123X')).not.toBe(old.blindIndex('phone', '43010219900101123X'));
    expect(old.blindIndex('phone', '13812345678')).toMatch(/^[0-9a-f]{64}$/);
  });
});
