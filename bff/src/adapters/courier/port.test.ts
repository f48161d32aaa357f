import { CourierEventSchema, CourierOrderSchema, isValidS10, makeS10, s10CheckDigit } from './port';

describe('UPU S10 waybill numbers', () => {
  it('computes the check digit with weights 8 6 4 2 3 5 9 7', () => {
    expect(s10CheckDigit('47312482')).toBe(9); // RA473124829GB, the S10 standard's example
    expect(s10CheckDigit('12345678')).toBe(5);
    expect(s10CheckDigit('00000000')).toBe(5); // 11 − 0 = 11 → 5
    expect(s10CheckDigit('10100000')).toBe(0); // 8 + 4 = 12, 11 − 1 = 10 → 0
    expect(s10CheckDigit('00000001')).toBe(4);
    expect(() => s10CheckDigit('1234567')).toThrow(RangeError);
    expect(() => s10CheckDigit('1234567a')).toThrow(RangeError);
  });

  it('builds and checks whole identifiers', () => {
    expect(makeS10('EA', '12345678')).toBe('EA123456785CN');
    expect(makeS10('RA', '47312482', 'GB')).toBe('RA473124829GB');
    expect(isValidS10('RA473124829GB')).toBe(true);
    expect(isValidS10('EA123456785CN')).toBe(true);
    expect(isValidS10('EA123456784CN')).toBe(false);
    expect(isValidS10('ea123456785CN')).toBe(false);
    expect(isValidS10('EA12345678CN')).toBe(false);
    expect(isValidS10('EA1234567850CN')).toBe(false);
    expect(() => makeS10('E', '12345678')).toThrow(RangeError);
    // every serial's own check digit is the only one that holds
    for (let i = 0; i < 200; i++) {
      const serial = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
      const id = makeS10('EA', serial);
      expect(isValidS10(id)).toBe(true);
      const wrong = (Number(id[10]) + 1 + Math.floor(Math.random() * 9)) % 10;
      expect(isValidS10(`${id.slice(0, 10)}${wrong}CN`)).toBe(false);
    }
  });
});

describe('wire schemas', () => {
  const party = { name: '张三', phone: '13800138000', province: '湖南省', city: '长沙市', district: '岳麓区', address: '麓山南路932号' };
  it('take an order and an event', () => {
    const order = { orderNo: 'DLV-0001', sender: party, recipient: { ...party, postcode: '410082' }, parcel: { weightGrams: 120, description: '居民身份证' }, serviceType: 'express' };
    expect(CourierOrderSchema.safeParse(order).success).toBe(true);
    expect(CourierOrderSchema.safeParse({ ...order, parcel: { weightGrams: 0, description: 'x' } }).success).toBe(false);
    expect(CourierOrderSchema.safeParse({ ...order, serviceType: 'slow' }).success).toBe(false);
    expect(CourierOrderSchema.safeParse({ ...order, orderNo: 'has space' }).success).toBe(false);
    const event = { eventId: 'evt-1', waybillNo: 'EA123456785CN', orderNo: 'DLV-0001', status: 'signed', at: '2025-01-01T08:00:00.000Z', location: '长沙市岳麓区', description: '已签收', signer: '本人' };
    expect(CourierEventSchema.safeParse(event).success).toBe(true);
    expect(CourierEventSchema.safeParse({ ...event, waybillNo: 'EA123456784CN' }).success).toBe(false);
    expect(CourierEventSchema.safeParse({ ...event, status: 'lost' }).success).toBe(false);
  });
});
