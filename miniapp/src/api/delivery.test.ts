import type { RequestFn, RequestOptions } from './client';
import { createDeliveryApi } from './delivery';

describe('delivery api', () => {
  it('calls the address book and case delivery paths with the right methods and bodies', async () => {
    const calls: [string, RequestOptions | undefined][] = [];
    const fake = (async (path: string, options?: RequestOptions) => {
      calls.push([path, options]);
      return {};
    }) as RequestFn;
    const api = createDeliveryApi(fake);
    const body = { recipientName: '张三', phone: '13800138000', province: '430000', city: '430100', district: '430102', detail: '五一大道100号' };
    await api.addresses();
    await api.createAddress({ ...body, idempotencyKey: 'k'.repeat(32) });
    await api.updateAddress('adr/1', { ...body, isDefault: true });
    await api.removeAddress('adr_1');
    await api.setCaseAddress('C1', 'adr_1');
    await api.shipment('C1');
    expect(calls.map(([p, o]) => [o?.method ?? 'GET', p])).toEqual([
      ['GET', '/me/addresses'],
      ['POST', '/me/addresses'],
      ['PUT', '/me/addresses/adr%2F1'],
      ['DELETE', '/me/addresses/adr_1'],
      ['PUT', '/applications/C1/address'],
      ['GET', '/applications/C1/shipment'],
    ]);
    expect(calls[1][1]?.data).toMatchObject({ idempotencyKey: 'k'.repeat(32) });
    expect(calls[4][1]?.data).toEqual({ addressId: 'adr_1' });
  });
});
