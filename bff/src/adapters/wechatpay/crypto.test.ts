import { X509Certificate } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import { generateWechatPayKeys } from '../../sim/wechatpay';
import {
  buildAuthorization,
  createWechatPayVerifier,
  decryptResource,
  encryptResource,
  parseAuthorization,
  requestSignMessage,
  rsaVerify,
  signAsWechatPay,
  signRequestPayment,
  verifyRequestPayment,
  WechatPayDecryptError,
} from './crypto';

const keys = generateWechatPayKeys({ appId: 'wx0123456789abcdef' });
const c = keys.credentials;
const now = 1_760_000_000;

function library(): Pay {
  return new Pay({
    appid: c.appId,
    mchid: c.mchId,
    serial_no: c.merchantSerialNo,
    publicKey: Buffer.from(c.merchantPublicKey),
    privateKey: Buffer.from(c.merchantPrivateKey),
    key: c.apiV3Key,
  });
}

describe('request signatures (Authorization)', () => {
  it('accepts what wechatpay-node-v3 builds, over path, query and exact body', () => {
    const params = { appid: c.appId, mchid: c.mchId, description: '出入境证件工本费', amount: { total: 8000, currency: 'CNY' } };
    const url = 'https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi';
    const header = (library() as unknown as { buildAuthorization(m: string, u: string, p?: unknown): string }).buildAuthorization('POST', url, params);
    const auth = parseAuthorization(header);
    expect(auth).toMatchObject({ mchid: c.mchId, serial_no: c.merchantSerialNo });
    const message = requestSignMessage('POST', '/v3/pay/transactions/jsapi', auth!.timestamp, auth!.nonce_str, JSON.stringify(params));
    expect(rsaVerify(message, auth!.signature, c.merchantPublicKey)).toBe(true);
    expect(rsaVerify(message.replace('8000', '1'), auth!.signature, c.merchantPublicKey)).toBe(false);

    const get = (library() as unknown as { buildAuthorization(m: string, u: string): string }).buildAuthorization('GET', `https://api.mch.weixin.qq.com/v3/bill/tradebill?bill_date=2025-01-01&bill_type=ALL`);
    const g = parseAuthorization(get)!;
    expect(rsaVerify(`GET\n/v3/bill/tradebill?bill_date=2025-01-01&bill_type=ALL\n${g.timestamp}\n${g.nonce_str}\n\n`, g.signature, c.merchantPublicKey)).toBe(true);
  });

  it('builds and parses the header in any field order, refusing malformed ones', () => {
    const h = buildAuthorization({ mchId: c.mchId, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey, method: 'GET', pathAndQuery: '/v3/x', timestamp: now, nonce: 'N1' });
    expect(parseAuthorization(h)).toMatchObject({ mchid: c.mchId, nonce_str: 'N1', timestamp: String(now) });
    const reordered = 'WECHATPAY2-SHA256-RSA2048 serial_no="S",timestamp="1",signature="c2ln",nonce_str="n",mchid="1"';
    expect(parseAuthorization(reordered)).toEqual({ mchid: '1', nonce_str: 'n', signature: 'c2ln', timestamp: '1', serial_no: 'S' });
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization('Bearer x')).toBeUndefined();
    expect(parseAuthorization(reordered.replace(',mchid="1"', ''))).toBeUndefined();
    expect(parseAuthorization(`${reordered},mchid="2"`)).toBeUndefined();
    expect(parseAuthorization(`${reordered} trailing`)).toBeUndefined();
  });
});

describe('wx.requestPayment paySign', () => {
  it('signs appId, timeStamp, nonceStr and package with the merchant key', () => {
    const p = signRequestPayment({ appId: c.appId, prepayId: 'wx26112221580621e9b071c00d9e093b0000', privateKey: c.merchantPrivateKey, timestamp: now, nonce: 'ABC' });
    expect(p).toMatchObject({ appId: c.appId, timeStamp: String(now), nonceStr: 'ABC', package: 'prepay_id=wx26112221580621e9b071c00d9e093b0000', signType: 'RSA' });
    expect(rsaVerify(`${c.appId}\n${now}\nABC\nprepay_id=wx26112221580621e9b071c00d9e093b0000\n`, p.paySign, c.merchantPublicKey)).toBe(true);
    expect(verifyRequestPayment(p, c.merchantPublicKey)).toBe(true);
    expect(verifyRequestPayment({ ...p, package: 'prepay_id=other' }, c.merchantPublicKey)).toBe(false);
    expect(verifyRequestPayment(p, c.platformPublicKey)).toBe(false);
  });
});

describe('AEAD_AES_256_GCM resources', () => {
  const plaintext = JSON.stringify({ out_trade_no: 'OV20250101000001', trade_state: 'SUCCESS', amount: { total: 8000 } });

  it('decrypts what it encrypts, and interoperates with the library in the good case', () => {
    const r = encryptResource(plaintext, c.apiV3Key, 'transaction');
    expect(r.nonce).toHaveLength(12);
    expect(decryptResource(r, c.apiV3Key)).toBe(plaintext);
    expect(library().decipher_gcm(r.ciphertext, r.associated_data, r.nonce, c.apiV3Key)).toEqual(JSON.parse(plaintext));
  });

  it('throws on a tampered ciphertext — where the library decrypts it to garbage silently', () => {
    const r = encryptResource(plaintext, c.apiV3Key, 'transaction');
    const bytes = Buffer.from(r.ciphertext, 'base64');
    bytes[5] ^= 0x01;
    const tampered = { ...r, ciphertext: bytes.toString('base64') };
    expect(() => decryptResource(tampered, c.apiV3Key)).toThrow(WechatPayDecryptError);
    expect(() => library().decipher_gcm(tampered.ciphertext, r.associated_data, r.nonce, c.apiV3Key)).not.toThrow();
    const tag = Buffer.from(r.ciphertext, 'base64');
    tag[tag.length - 1] ^= 0x80;
    expect(() => decryptResource({ ...r, ciphertext: tag.toString('base64') }, c.apiV3Key)).toThrow(WechatPayDecryptError);
  });

  it('throws on wrong associated data, nonce, key, algorithm or a truncated ciphertext', () => {
    const r = encryptResource(plaintext, c.apiV3Key, 'transaction');
    expect(() => decryptResource({ ...r, associated_data: 'refund' }, c.apiV3Key)).toThrow(/tag mismatch/);
    expect(() => decryptResource({ ...r, associated_data: undefined }, c.apiV3Key)).toThrow(WechatPayDecryptError);
    expect(() => decryptResource({ ...r, nonce: 'AAAAAAAAAAAA' }, c.apiV3Key)).toThrow(WechatPayDecryptError);
    expect(() => decryptResource(r, 'x'.repeat(32))).toThrow(WechatPayDecryptError);
    expect(() => decryptResource(r, 'short')).toThrow(/32 bytes/);
    expect(() => decryptResource({ ...r, algorithm: 'AEAD_SM4_GCM' }, c.apiV3Key)).toThrow(/unsupported/);
    expect(() => decryptResource({ ...r, ciphertext: Buffer.alloc(16).toString('base64') }, c.apiV3Key)).toThrow(/too short/);
  });
});

describe('WeChat Pay signature verifier', () => {
  const body = '{"prepay_id":"wx26112221580621e9b071c00d9e093b0000"}';
  const certSigner = { serial: c.platformSerialNo, privateKey: keys.platformCertificatePrivateKey };
  const pubSigner = { serial: c.publicKeyId, privateKey: keys.platformPublicKeyPrivateKey };
  const msg = (h: Record<string, string>, b = body) => ({ timestamp: h['Wechatpay-Timestamp'], nonce: h['Wechatpay-Nonce'], signature: h['Wechatpay-Signature'], serial: h['Wechatpay-Serial'], body: b });
  const certMode = createWechatPayVerifier({ platformCertificates: [c.platformCertificate] });
  const keyMode = createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });

  it('the simulated platform certificate is a real X.509 certificate with its serial', () => {
    const cert = new X509Certificate(c.platformCertificate);
    expect(cert.serialNumber).toBe(c.platformSerialNo);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject).toContain('Tenpay.com');
    expect(c.publicKeyId).toMatch(/^PUB_KEY_ID_/);
  });

  it('verifies in certificate mode and in public key mode', () => {
    expect(certMode.verify(msg(signAsWechatPay(body, certSigner, now)), now)).toEqual({ ok: true, serial: c.platformSerialNo, mode: 'certificate' });
    expect(keyMode.verify(msg(signAsWechatPay(body, pubSigner, now)), now)).toEqual({ ok: true, serial: c.publicKeyId, mode: 'public_key' });
    // serials compared as WeChat prints them, whatever the case
    const lower = signAsWechatPay(body, { ...certSigner, serial: c.platformSerialNo.toLowerCase() }, now);
    expect(certMode.verify(msg(lower), now).ok).toBe(true);
    const both = createWechatPayVerifier({ platformCertificates: [c.platformCertificate], publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });
    expect(both.serials().sort()).toEqual([c.platformSerialNo, c.publicKeyId].sort());
    expect(both.verify(msg(signAsWechatPay(body, pubSigner, now)), now).ok).toBe(true);
    expect(both.verify(msg(signAsWechatPay(body, certSigner, now)), now).ok).toBe(true);
  });

  it('refuses an unknown serial, a wrong signature, a probe and a skewed clock', () => {
    expect(certMode.verify(msg(signAsWechatPay(body, pubSigner, now)), now)).toEqual({ ok: false, reason: 'unknown_serial' });
    expect(keyMode.verify(msg(signAsWechatPay(body, certSigner, now)), now)).toEqual({ ok: false, reason: 'unknown_serial' });
    // the right serial, the other key
    expect(keyMode.verify(msg(signAsWechatPay(body, { ...certSigner, serial: c.publicKeyId }, now)), now)).toEqual({ ok: false, reason: 'bad_signature' });
    const h = signAsWechatPay(body, pubSigner, now);
    expect(keyMode.verify(msg(h, body.replace('wx26', 'wx27')), now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(keyMode.verify(msg(h, `${body} `), now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(keyMode.verify({ ...msg(h), signature: 'WECHATPAY/SIGNTEST/Zm9v' }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(keyMode.verify({ ...msg(h), timestamp: String(now + 1) }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(keyMode.verify({ ...msg(h), signature: '' }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(keyMode.verify(msg(h), now + 301)).toEqual({ ok: false, reason: 'clock_skew' });
    expect(keyMode.verify(msg(h), now - 301)).toEqual({ ok: false, reason: 'clock_skew' });
    expect(keyMode.verify(msg(h), now + 300).ok).toBe(true);
  });

  it('agrees with the library verifySign where the library can verify (certificate mode, raw body)', async () => {
    const pay = library();
    (Pay as unknown as { certificates: Record<string, string> }).certificates[c.platformSerialNo] = new X509Certificate(c.platformCertificate).publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const h = signAsWechatPay(body, certSigner);
    const args = { timestamp: h['Wechatpay-Timestamp'], nonce: h['Wechatpay-Nonce'], signature: h['Wechatpay-Signature'], serial: h['Wechatpay-Serial'] };
    expect(await pay.verifySign({ ...args, body })).toBe(true);
    expect(await pay.verifySign({ ...args, body: body.replace('wx26', 'wx27') })).toBe(false);
    expect(certMode.verify(msg(h)).ok).toBe(true);
  });

  it('refuses to be built without keys or with a malformed public key id', () => {
    expect(() => createWechatPayVerifier({})).toThrow(/needs platform certificates/);
    expect(() => createWechatPayVerifier({ publicKey: { id: 'KEY_1', pem: c.platformPublicKey } })).toThrow(/PUB_KEY_ID_/);
    expect(() => createWechatPayVerifier({ platformCertificates: ['not a certificate'] })).toThrow();
  });

  it('adds a platform certificate later (rotation)', () => {
    const v = createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });
    expect(v.verify(msg(signAsWechatPay(body, certSigner, now)), now)).toEqual({ ok: false, reason: 'unknown_serial' });
    expect(v.addPlatformCertificate(c.platformCertificate)).toBe(c.platformSerialNo);
    expect(v.verify(msg(signAsWechatPay(body, certSigner, now)), now).ok).toBe(true);
  });
});
