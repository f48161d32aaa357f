import type { RequestFn, RequestOptions } from './client';
import { createLicencesApi } from './licences';

const LICENCE = '1.2.156.3005.2.11100000000013338W001.11430000006940002L.A1B2C3.001.Z';

describe('licences api', () => {
  it('calls the licence, usage and grant paths with the right methods, queries and bodies', async () => {
    const calls: [string, RequestOptions | undefined][] = [];
    const fake = (async (path: string, options?: RequestOptions) => {
      calls.push([path, options]);
      return {};
    }) as RequestFn;
    const api = createLicencesApi(fake);
    await api.list();
    await api.get(LICENCE);
    await api.reveal(LICENCE);
    await api.present(LICENCE, { purpose: 'custom', fields: ['name'] });
    await api.usages({ page: 2, pageSize: 500, licenceId: LICENCE });
    await api.usages();
    await api.grantees();
    await api.grants();
    await api.createGrant({ idempotencyKey: 'k'.repeat(32), appId: 'bank-a', purpose: '开立账户', fields: ['name'], days: 30, licenceId: LICENCE });
    await api.revokeGrant('grt_abc/1');
    expect(calls.map(([p, o]) => [o?.method ?? 'GET', p])).toEqual([
      ['GET', '/licences'],
      ['GET', `/licences/${LICENCE}`],
      ['POST', `/licences/${LICENCE}/reveal`],
      ['POST', `/licences/${LICENCE}/presentations`],
      ['GET', '/licence-usages'],
      ['GET', '/licence-usages'],
      ['GET', '/licence-grantees'],
      ['GET', '/licence-grants'],
      ['POST', '/licence-grants'],
      ['DELETE', '/licence-grants/grt_abc%2F1'],
    ]);
    expect(calls[3][1]?.data).toEqual({ purpose: 'custom', fields: ['name'] });
    // the page size is bounded by the contract's MAX_PAGE_SIZE
    expect(calls[4][1]?.query).toEqual({ page: 2, pageSize: 50, licenceId: LICENCE });
    expect(calls[5][1]?.query).toEqual({ page: undefined, pageSize: undefined, licenceId: undefined });
    expect(calls[8][1]?.data).toMatchObject({ appId: 'bank-a', days: 30, fields: ['name'] });
  });
});
