/**
 * WeChat Pay API v3 cryptography, on node:crypto only (no library code on these paths):
 *
 *   Request signature (ours)   SHA256withRSA with the merchant API key over
 *                              `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (GET: empty body),
 *                              sent as `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",
 *                              nonce_str="…",signature="…",timestamp="…",serial_no="…"`.
 *                              wechatpay-node-v3 builds it for our requests; the parser here is
 *                              what the simulator (and tests) check it with.
 *   Response / notification    SHA256withRSA by WeChat Pay over `TIMESTAMP\nNONCE\nBODY\n`, the
 *   signature (theirs)         body as the exact bytes received; headers Wechatpay-Timestamp,
 *                              Wechatpay-Nonce, Wechatpay-Signature, Wechatpay-Serial. The serial
 *                              names the key: a platform certificate's serial number (certificate
 *                              mode) or `PUB_KEY_ID_…` (WeChat Pay public key mode). Refused: an
 *                              unknown serial, a wrong signature (including WeChat's
 *                              `WECHATPAY/SIGNTEST/…` probes), a timestamp more than 5 minutes off.
 *   wx.requestPayment paySign  SHA256withRSA with the merchant key over
 *                              `APPID\nTIMESTAMP\nNONCE\nprepay_id=…\n`.
 *   Resource encryption        AEAD_AES_256_GCM, key = the 32-byte APIv3 key, IV = the resource's
 *                              nonce (12 ASCII bytes), AAD = associated_data, ciphertext base64 with
 *                              the 16-byte tag appended. Decryption checks the tag (`final()`), so
 *                              a changed ciphertext, nonce or associated data throws — unlike the
 *                              library's `decipher_gcm`, which never calls `final()`.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';

export const WECHATPAY_AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** How far a signed timestamp may be from our clock, either way. */
export const WECHATPAY_MAX_SKEW_SECONDS = 300;
export const WECHATPAY_PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';
const TAG_BYTES = 16;

/** A key given as PEM (any common type), with literal `\n` sequences (env vars) tolerated. */
export function privateKeyFrom(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  return createPrivateKey(pem.trim().replace(/\\n/g, '\n'));
}

/** A public key from an SPKI/PKCS#1 PEM or from an X.509 certificate PEM. */
export function publicKeyFrom(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  const text = pem.trim().replace(/\\n/g, '\n');
  if (text.includes('BEGIN CERTIFICATE')) return new X509Certificate(text).publicKey;
  return createPublicKey(text);
}

export function rsaSign(message: string, privateKey: KeyObject | string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyFrom(privateKey), 'base64');
}

/** False for a wrong signature and for anything that is not one (never throws). */
export function rsaVerify(message: string, signature: string, publicKey: KeyObject | string): boolean {
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyFrom(publicKey), signature, 'base64');
  } catch {
    return false;
  }
}

/** A random string for nonces: upper-case hex, as WeChat's own samples. */
export function randomNonce(bytes = 16): string {
  return randomBytes(bytes).toString('hex').toUpperCase();
}

// ---- request signatures (ours) ----

export function requestSignMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

export interface WechatPayAuthorization {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

/** Builds an Authorization header value (tests, and what the simulator checks the library's against). */
export function buildAuthorization(input: {
  mchId: string;
  serialNo: string;
  privateKey: KeyObject | string;
  method: string;
  pathAndQuery: string;
  body?: string;
  timestamp?: number;
  nonce?: string;
}): string {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomNonce();
  const signature = rsaSign(requestSignMessage(input.method, input.pathAndQuery, timestamp, nonce, input.body ?? ''), input.privateKey);
  return `${WECHATPAY_AUTH_SCHEMA} mchid="${input.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${input.serialNo}"`;
}

/** The parts of an Authorization header, or undefined when it is not one (any order, each once). */
export function parseAuthorization(header: string | undefined): WechatPayAuthorization | undefined {
  if (!header || !header.startsWith(`${WECHATPAY_AUTH_SCHEMA} `)) return undefined;
  const rest = header.slice(WECHATPAY_AUTH_SCHEMA.length + 1);
  const parts: Record<string, string> = {};
  const re = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(rest)) !== null) {
    if (m[0].length === 0) break;
    if (parts[m[1]] !== undefined) return undefined;
    parts[m[1]] = m[2];
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) return undefined;
  const { mchid, nonce_str, signature, timestamp, serial_no } = parts;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return undefined;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

// ---- wx.requestPayment ----

/** What `wx.requestPayment` (and WeixinJSBridge's getBrandWCPayRequest) takes. */
export interface WechatPayRequestPayment {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export function requestPaymentMessage(p: Pick<WechatPayRequestPayment, 'appId' | 'timeStamp' | 'nonceStr' | 'package'>): string {
  return `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
}

export function signRequestPayment(input: { appId: string; prepayId: string; privateKey: KeyObject | string; timestamp?: number; nonce?: string }): WechatPayRequestPayment {
  const unsigned = {
    appId: input.appId,
    timeStamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    nonceStr: input.nonce ?? randomNonce(),
    package: `prepay_id=${input.prepayId}`,
  };
  return { ...unsigned, signType: 'RSA', paySign: rsaSign(requestPaymentMessage(unsigned), input.privateKey) };
}

/** What WeChat's client checks before it opens the cashier (tests and the simulator). */
export function verifyRequestPayment(p: WechatPayRequestPayment, merchantPublicKey: KeyObject | string): boolean {
  return p.signType === 'RSA' && rsaVerify(requestPaymentMessage(p), p.paySign, merchantPublicKey);
}

// ---- WeChat Pay's signatures (responses and notifications) ----

export function responseSignMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** The four headers WeChat Pay signs with, as received. */
export interface WechatPaySignedMessage {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
  /** The body exactly as received (never a re-serialised object). */
  body: string;
}

export type SignatureRefusal = 'bad_signature' | 'unknown_serial' | 'clock_skew';
export type SignatureVerdict = { ok: true; serial: string; mode: 'certificate' | 'public_key' } | { ok: false; reason: SignatureRefusal };

export interface WechatPayVerifierOptions {
  /**
   * Certificate mode: WeChat Pay platform certificates (X.509 PEM, several during a rotation);
   * each verifies what carries its serial number.
   */
  platformCertificates?: readonly string[];
  /** Public key mode: the WeChat Pay public key (PEM) and its id `PUB_KEY_ID_…`. */
  publicKey?: { id: string; pem: string };
}

export interface WechatPayVerifier {
  /** Verifies a message signed by WeChat Pay; `nowSeconds` defaults to the clock. Never throws. */
  verify(message: WechatPaySignedMessage, nowSeconds?: number): SignatureVerdict;
  /** Adds a platform certificate (e.g. one downloaded from /v3/certificates); returns its serial. */
  addPlatformCertificate(pem: string): string;
  /** The serials (certificate serial numbers and public key ids) this verifier accepts. */
  serials(): string[];
}

/** Certificate serials compared as WeChat prints them: upper-case hex without leading zeros. */
export function normaliseSerial(serial: string): string {
  if (serial.startsWith(WECHATPAY_PUBLIC_KEY_ID_PREFIX)) return serial;
  return serial.trim().toUpperCase().replace(/^0+(?=.)/, '');
}

/**
 * A verifier of WeChat Pay's signatures in certificate mode, public key mode, or both at once
 * (WeChat's migration from platform certificates to the public key signs with either for a while).
 * Throws at construction when given neither, or a key it cannot read.
 */
export function createWechatPayVerifier(options: WechatPayVerifierOptions): WechatPayVerifier {
  const keys = new Map<string, { key: KeyObject; mode: 'certificate' | 'public_key' }>();
  function addPlatformCertificate(pem: string): string {
    const cert = new X509Certificate(pem.trim().replace(/\\n/g, '\n'));
    const serial = normaliseSerial(cert.serialNumber);
    keys.set(serial, { key: cert.publicKey, mode: 'certificate' });
    return serial;
  }
  for (const pem of options.platformCertificates ?? []) addPlatformCertificate(pem);
  if (options.publicKey) {
    const { id, pem } = options.publicKey;
    if (!id.startsWith(WECHATPAY_PUBLIC_KEY_ID_PREFIX)) throw new Error(`wechatpay: a public key id starts with ${WECHATPAY_PUBLIC_KEY_ID_PREFIX}`);
    keys.set(id, { key: publicKeyFrom(pem), mode: 'public_key' });
  }
  if (keys.size === 0) throw new Error('wechatpay: the verifier needs platform certificates or the WeChat Pay public key');

  return {
    verify(message, nowSeconds = Math.floor(Date.now() / 1000)) {
      const { timestamp, nonce, signature, serial, body } = message;
      if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'bad_signature' };
      const entry = keys.get(normaliseSerial(serial));
      if (!entry) return { ok: false, reason: 'unknown_serial' };
      if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_signature' };
      if (!rsaVerify(responseSignMessage(timestamp, nonce, body), signature, entry.key)) return { ok: false, reason: 'bad_signature' };
      if (Math.abs(nowSeconds - Number(timestamp)) > WECHATPAY_MAX_SKEW_SECONDS) return { ok: false, reason: 'clock_skew' };
      return { ok: true, serial: normaliseSerial(serial), mode: entry.mode };
    },
    addPlatformCertificate,
    serials: () => [...keys.keys()],
  };
}

/** Signs a message as WeChat Pay does (the simulator; tests). */
export function signAsWechatPay(body: string, key: { serial: string; privateKey: KeyObject | string }, timestamp?: number, nonce?: string): Record<string, string> {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  const n = nonce ?? randomNonce();
  return {
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': n,
    'Wechatpay-Signature': rsaSign(responseSignMessage(ts, n, body), key.privateKey),
    'Wechatpay-Serial': key.serial,
    'Wechatpay-Signature-Type': WECHATPAY_AUTH_SCHEMA,
  };
}

// ---- AEAD_AES_256_GCM resources ----

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
  original_type?: string;
}

export class WechatPayDecryptError extends Error {
  override readonly name = 'WechatPayDecryptError';
}

function aesKey(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new WechatPayDecryptError('the APIv3 key must be 32 bytes');
  return key;
}

/** Encrypts as WeChat Pay does (the simulator; tests). `nonce` defaults to 12 random characters. */
export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string, nonce = randomBytes(9).toString('base64url')): { algorithm: 'AEAD_AES_256_GCM'; ciphertext: string; associated_data: string; nonce: string } {
  const iv = Buffer.from(nonce, 'utf8');
  const cipher = createCipheriv('aes-256-gcm', aesKey(apiV3Key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: body.toString('base64'), associated_data: associatedData, nonce };
}

/**
 * Decrypts a notification resource (or an encrypted certificate) with the APIv3 key, checking the
 * GCM tag. Throws WechatPayDecryptError on anything that does not authenticate.
 */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new WechatPayDecryptError(`unsupported algorithm ${String(resource.algorithm)}`);
  if (typeof resource.nonce !== 'string' || !resource.nonce || typeof resource.ciphertext !== 'string') throw new WechatPayDecryptError('nonce and ciphertext are required');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= TAG_BYTES) throw new WechatPayDecryptError('ciphertext too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(apiV3Key), Buffer.from(resource.nonce, 'utf8'), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (err) {
    if (err instanceof WechatPayDecryptError) throw err;
    throw new WechatPayDecryptError('the resource does not authenticate (tag mismatch)');
  }
}
