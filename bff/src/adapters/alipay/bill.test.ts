import { deflateRawSync } from 'node:zlib';
import { encodeGbk, writeZip } from '../../sim/alipay';
import { parseBillCsv, parseBillZip, readZip } from './bill';

// Written by Python's zipfile (deflated, UTF-8 names), content in GBK: a reader that only
// understood our own simulator's zips would fail here.
const PYTHON_ZIP =
  'UEsDBBQAAAgIAC9PfF3ipjXjQgEAAC8CAAAqAAAAMjA4ODEyMzQxMjM0MTIzNF8yMDI1MDEwMV/kuJrliqHmmI7nu4YuY3N2lVFLS8NAED4nkP8g9CabOru2Unvz4lm8ifjnjNpWBEmaJjUPaylpaWr6iE17EhS8+GgxeFAUxN08RLAHHWaZ2W9e3+5kJqW6Jh/5tX7Yeh3UlfvRqcBngp7hSMYugUIBk9VcevZoSGSSpjeH8iwCBD7uY5v+1HBQ99IsaZXaIXVZ6sXN0KNYW299VNtIVe2yK1t3yHuodiNHG+t20DNLiNXYz9pcKo+PpQotsXy35gbJ1es15s672jeclc5j54U21z/7oT5KwnJ9ui/wBEgeMGBCAHAOfgrm0NbGjkgNo8mh86tW2J3p15MD5az5xCFWKgKmugTrRQCqv0BcBMIhXFhbpsL+hGVk48TIcCixf6TCHvV/KhhScBEVMZ/NU7O9yQbEkNLQJ9GoRSu0b923ZI2ZaIMDqy0ZWHalE1bzfRX4L1BLAwQUAAAICAAvT3xd4XgrFgkAAAAHAAAAMgAAADIwODgxMjM0MTIzNDEyMzRfMjAyNTAxMDFf5Lia5Yqh5piO57uGKOaxh+aAuykuY3N2U979+PodXi4AUEsBAhQDFAAACAgAL098XeKmNeNCAQAALwIAACoAAAAAAAAAAAAAAIABAAAAADIwODgxMjM0MTIzNDEyMzRfMjAyNTAxMDFf5Lia5Yqh5piO57uGLmNzdlBLAQIUAxQAAAgIAC9PfF3heCsWCQAAAAcAAAAyAAAAAAAAAAAAAACAAYoBAAAyMDg4MTIzNDEyMzQxMjM0XzIwMjUwMTAxX+S4muWKoeaYjue7hijmsYfmgLspLmNzdlBLBQYAAAAAAgACALgAAADjAQAAAAA=';

describe('reading a bill zip', () => {
  it('reads a zip written by another tool: rows, amounts in fen (refunds negative), Beijing times as UTC', () => {
    const bill = parseBillZip(Buffer.from(PYTHON_ZIP, 'base64'));
    expect(bill.account).toBe('2088123412341234');
    expect(bill.detailFile).toBe('2088123412341234_20250101_业务明细.csv');
    expect(bill.files).toEqual(['2088123412341234_20250101_业务明细.csv', '2088123412341234_20250101_业务明细(汇总).csv']);
    expect(bill.rows).toEqual([
      {
        tradeNo: '2025010122001400000000000001',
        outTradeNo: 'PAY-1',
        type: '交易',
        subject: '居民身份证补领',
        createdAt: '2025-01-01T01:00:00.000Z',
        finishedAt: '2025-01-01T01:01:02.000Z',
        orderFen: 2000,
        receivedFen: 2000,
        serviceFeeFen: 0,
      },
      {
        tradeNo: '2025010122001400000000000001',
        outTradeNo: 'PAY-1',
        type: '退款',
        subject: '居民身份证补领',
        createdAt: '2025-01-01T01:00:00.000Z',
        finishedAt: '2025-01-01T02:00:00.000Z',
        orderFen: 2000,
        receivedFen: -550,
        refundRequestNo: 'RF-1',
        serviceFeeFen: 0,
        remark: '部分退款',
      },
    ]);
  });

  it('reads the simulator’s zips (GBK names, deflated) the same way', () => {
    const csv = '#账号：[2088000000000001]\r\n支付宝交易号,商户订单号,业务类型,商品名称,订单金额（元）,商家实收（元）\r\n1\t,A\t,交易\t,证\t,0.01\t,0.01\t\r\n#end\r\n';
    const zip = writeZip([{ name: '2088000000000001_20250101_业务明细.csv', data: encodeGbk(csv) }], Date.UTC(2025, 0, 2));
    const bill = parseBillZip(zip);
    expect(bill.rows).toEqual([{ tradeNo: '1', outTradeNo: 'A', type: '交易', subject: '证', orderFen: 1, receivedFen: 1 }]);
    expect(readZip(zip).map((e) => e.name)).toEqual(['2088000000000001_20250101_业务明细.csv']);
  });

  it('refuses what is not a readable bill', () => {
    expect(() => parseBillZip(Buffer.from('PK not really'))).toThrow(expect.objectContaining({ kind: 'unavailable', upstreamCode: 'bad_bill' }));
    const good = writeZip([{ name: 'x_业务明细.csv', data: encodeGbk('支付宝交易号,商户订单号,业务类型,订单金额（元）,商家实收（元）\r\n') }], Date.now());
    // flip a byte of the compressed data: the CRC no longer holds
    const broken = Buffer.from(good);
    broken[30 + encodeGbk('x_业务明细.csv').length + 2] ^= 0xff;
    expect(() => readZip(broken)).toThrow(/CRC|inflated/);
    expect(() => parseBillZip(writeZip([{ name: 'other.csv', data: Buffer.from('a') }], Date.now()))).toThrow(/no 业务明细/);
    expect(() => parseBillCsv('a,b\r\n')).toThrow(/no header/);
    expect(() => parseBillCsv('支付宝交易号,商户订单号\r\n')).toThrow(/missing columns/);
    const head = '支付宝交易号,商户订单号,业务类型,订单金额（元）,商家实收（元）\r\n';
    expect(() => parseBillCsv(`${head}1,A,交易,1.234,1.00\r\n`)).toThrow(/orderFen is not an amount/);
    expect(() => parseBillCsv(`${head}1,A,交易,1.00\r\n`)).toThrow(/4 fields/);
    expect(() => parseBillCsv(`${head},A,交易,1.00,1.00\r\n`)).toThrow(/required field/);
    expect(deflateRawSync(Buffer.from('x')).length).toBeGreaterThan(0);
  });
});
