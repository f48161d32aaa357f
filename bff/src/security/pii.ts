import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * Personal data at rest: AES-256-GCM under a key id, plus keyed blind indexes for exact look-up.
 *
 * Ciphertext format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id travels
 * with each value, so a new key can be made active while rows written under old keys stay
 * readable; nothing is re-encrypted at deploy time. The field name is bound as additional
 * authenticated data, so a ciphertext copied into another column does not decrypt.
 * Blind index: HMAC-SHA256(blindKey, kind ‖ normalised value), hex — equal inputs give equal
 * indexes, nothing else is learnt. The blind key does not rotate (rotating it means re-indexing).
 */
/** `address`: the street part of a saved address; `recipient`: a shipment's whole recipient snapshot (JSON). */
export type PiiKind = 'idNumber' | 'phone' | 'name' | 'caseForm' | 'address' | 'recipient' | 'partnerSecret' | 'licence';

export class PiiCipher {
  constructor(
    private readonly keys: Map<string, Buffer>,
    private readonly activeKeyId: string,
    private readonly blindKey: Buffer,
  ) {
    if (!keys.has(activeKeyId)) throw new Error(`PII active key ${activeKeyId} is not among the keys`);
  }

  encrypt(kind: PiiKind, plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(kind));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', this.activeKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(kind: PiiKind, stored: string): string {
    const [version, keyId, iv, tag, ct] = stored.split('.');
    const key = this.keys.get(keyId);
    if (version !== 'v1' || !key || !iv || !tag || ct === undefined) throw new Error(`unreadable ${kind} ciphertext (key ${keyId})`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(kind));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  blindIndex(kind: PiiKind, value: string): string {
    return createHmac('sha256', this.blindKey).update(`${kind}\u0000${normalise(kind, value)}`).digest('hex');
  }
}

function normalise(kind: PiiKind, value: string): string {
  return kind === 'idNumber' ? value.trim().toUpperCase() : value.trim();
}

function parseKeys(spec: string): Map<string, Buffer> {
  return new Map(spec.split(',').map((pair) => [pair.split(':')[0], Buffer.from(pair.split(':')[1], 'base64')]));
}

/**
 * Keys from the environment; on a developer machine (embedded default, not production) missing
 * keys are generated once into DATA_DIR/keys.json (mode 0600) so `npm start` needs nothing.
 */
export function createPiiCipher(config: Pick<Config, 'pii' | 'env' | 'dataDir'>): PiiCipher {
  const { keys, activeKeyId, blindIndexKey } = config.pii;
  if (keys && blindIndexKey) {
    const parsed = parseKeys(keys);
    return new PiiCipher(parsed, activeKeyId ?? [...parsed.keys()].at(-1)!, Buffer.from(blindIndexKey, 'base64'));
  }
  if (config.env === 'production') throw new Error('config error: PII_KEYS and BLIND_INDEX_KEY are required in production');
  const file = path.join(config.dataDir, 'keys.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const generated = { piiKeys: `dev1:${randomBytes(32).toString('base64')}`, blindIndexKey: randomBytes(32).toString('base64') };
    fs.writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { piiKeys: string; blindIndexKey: string };
  const parsed = parseKeys(stored.piiKeys);
  return new PiiCipher(parsed, [...parsed.keys()].at(-1)!, Buffer.from(stored.blindIndexKey, 'base64'));
}
