import { generateWechatPayKeys } from '../../sim/wechatpay';
import { createWechatPayVerifier, encryptResource, signAsWechatPay } from './crypto';
import { parsePaymentNotification, WECHATPAY_NOTIFY_REFUSAL } from './notification';

const keys = generateWechatPayKeys({ appId: 'wx0123456789abcdef', mchId: '1900000109' });
const c = keys.credentials;
const now = 1_760_000_000;
const pubSigner = { serial: c.publicKeyId, privateKey: keys.platformPublicKeyPrivateKey };
const certSigner = { serial: c.platformSerialNo, privateKey: keys.platformCertificatePrivateKey };
const verifier = createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });

const transaction = {
  appid: c.appId,
  mchid: c.mchId,
  out_trade_no: 'OV20250101000001',
  transaction_id: '4200000001202501011234567890',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  attach: 'case:430000-2025-000001',
  success_time: '2025-01-01T10:00:00+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 8000, payer_total: 8000, currency: 'CNY', payer_currency: 'CNY' },
};
const refund = {
  mchid: c.mchId,
  transaction_id: '4200000001202501011234567890',
  out_trade_no: 'OV20250101000001',
  refund_id: '50000000382019052709732678859',
  out_refund_no: 'RF20250102000001',
  refund_status: 'SUCCESS',
  success_time: '2025-01-02T10:00:00+08:00',
  user_received_account: '支付用户零钱',
  amount: { total: 8000, refund: 3000, payer_total: 8000, payer_refund: 3000 },
};

function envelope(eventType: string, resource: object, aad: string, over: { key?: string; summary?: string } = {}) {
  return JSON.stringify({
    id: 'EV-2025010110000001',
    create_time: '2025-01-01T10:00:01+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: over.summary ?? '支付成功',
    resource: { original_type: aad, ...encryptResource(JSON.stringify(resource), over.key ?? c.apiV3Key, aad) },
  });
}

const signed = (body: string, signer = pubSigner, ts = now) => ({ body, headers: signAsWechatPay(body, signer, ts) });
const parse = (n: { body: string; headers: Record<string, string> }, over: { verifier?: typeof verifier; key?: string; now?: number } = {}) =>
  parsePaymentNotification(n.body, n.headers, over.verifier ?? verifier, over.key ?? c.apiV3Key, { now: over.now ?? now, mchId: c.mchId, appId: c.appId });

describe('parsePaymentNotification', () => {
  it('reads a TRANSACTION.SUCCESS notification into a typed transaction', () => {
    const n = parse(signed(envelope('TRANSACTION.SUCCESS', transaction, 'transaction')));
    expect(n).toEqual({
      ok: true,
      kind: 'transaction',
      id: 'EV-2025010110000001',
      eventType: 'TRANSACTION.SUCCESS',
      createTime: '2025-01-01T10:00:01+08:00',
      summary: '支付成功',
      serial: c.publicKeyId,
      transaction: {
        appId: c.appId,
        mchId: c.mchId,
        outTradeNo: 'OV20250101000001',
        transactionId: '4200000001202501011234567890',
        tradeType: 'JSAPI',
        tradeState: 'SUCCESS',
        tradeStateDesc: '支付成功',
        bankType: 'OTHERS',
        attach: 'case:430000-2025-000001',
        successTime: '2025-01-01T10:00:00+08:00',
        payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        amount: { totalFen: 8000, payerTotalFen: 8000, currency: 'CNY', payerCurrency: 'CNY' },
      },
    });
  });

  it('reads REFUND.* notifications into a typed refund, from bytes and any header casing', () => {
    const n = signed(envelope('REFUND.SUCCESS', refund, 'refund', { summary: '退款成功' }), certSigner);
    const lower = Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const both = createWechatPayVerifier({ platformCertificates: [c.platformCertificate], publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });
    const r = parsePaymentNotification(Buffer.from(n.body), new Headers(lower), both, c.apiV3Key, { now });
    expect(r).toMatchObject({
      ok: true,
      kind: 'refund',
      eventType: 'REFUND.SUCCESS',
      serial: c.platformSerialNo,
      refund: { mchId: c.mchId, outRefundNo: 'RF20250102000001', status: 'SUCCESS', amount: { totalFen: 8000, refundFen: 3000 } },
    });
    const abnormal = parse(signed(envelope('REFUND.ABNORMAL', { ...refund, refund_status: 'ABNORMAL', success_time: undefined }, 'refund')));
    expect(abnormal).toMatchObject({ ok: true, eventType: 'REFUND.ABNORMAL', refund: { status: 'ABNORMAL' } });
  });

  it('refuses bad signatures, unknown serials and skewed clocks before decrypting', () => {
    const good = signed(envelope('TRANSACTION.SUCCESS', transaction, 'transaction'));
    expect(parse({ ...good, body: good.body.replace('"summary":"支付成功"', '"summary":"支付成功 "') })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(parse({ ...good, headers: { ...good.headers, 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/abc' } })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(parse({ body: good.body, headers: {} })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(parse(signed(good.body, certSigner))).toMatchObject({ ok: false, reason: 'unknown_serial' });
    expect(parse({ ...good, headers: { ...good.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000' } })).toMatchObject({ ok: false, reason: 'unknown_serial' });
    expect(parse(good, { now: now + 301 })).toMatchObject({ ok: false, reason: 'clock_skew' });
  });

  it('refuses a correctly signed envelope whose resource does not decrypt', () => {
    const body = JSON.parse(envelope('TRANSACTION.SUCCESS', transaction, 'transaction'));
    const bytes = Buffer.from(body.resource.ciphertext, 'base64');
    bytes[3] ^= 0xff;
    const tampered = JSON.stringify({ ...body, resource: { ...body.resource, ciphertext: bytes.toString('base64') } });
    expect(parse(signed(tampered))).toMatchObject({ ok: false, reason: 'bad_ciphertext' });
    const wrongAad = JSON.stringify({ ...body, resource: { ...body.resource, associated_data: 'refund' } });
    expect(parse(signed(wrongAad))).toMatchObject({ ok: false, reason: 'bad_ciphertext' });
    expect(parse(signed(envelope('TRANSACTION.SUCCESS', transaction, 'transaction', { key: 'k'.repeat(32) })))).toMatchObject({ ok: false, reason: 'bad_ciphertext' });
  });

  it('refuses malformed envelopes and resources, and resources of another merchant', () => {
    expect(parse(signed('not json'))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parse(signed('{"id":"x","event_type":"TRANSACTION.SUCCESS"}'))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parse(signed(envelope('TRANSACTION.CLOSED', transaction, 'transaction')))).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringContaining('event_type') });
    expect(parse(signed(envelope('TRANSACTION.SUCCESS', { ...transaction, trade_state: 'PAID' }, 'transaction')))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parse(signed(envelope('TRANSACTION.SUCCESS', { ...transaction, amount: { total: 80.5 } }, 'transaction')))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parse(signed(envelope('TRANSACTION.SUCCESS', { ...transaction, mchid: '1900000999' }, 'transaction')))).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringContaining('merchant') });
    expect(parse(signed(envelope('REFUND.SUCCESS', { ...refund, mchid: '1900000999' }, 'refund')))).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('maps every refusal to an answer WeChat retries', () => {
    for (const r of Object.values(WECHATPAY_NOTIFY_REFUSAL)) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.body.code).toBe('FAIL');
    }
  });
});
