import { idNumberCheckChar, isValidIdNumber } from '@onevisit/shared-types';
import { HOUSEHOLD_RESIDENTS } from '../../sim';
import { deadOrigin, startSimServer, type SimServer } from '../../sim/testServer';
import { createHouseholdClient } from './client';

const id = (first17: string) => first17 + idNumberCheckChar(first17);

describe('household adapter (人口信息核验) against the simulator', () => {
  let server: SimServer;
  let deadUrl = '';
  beforeAll(async () => {
    server = await startSimServer();
    deadUrl = await deadOrigin();
  });
  afterEach(() => server.sims.dev.clearFaults());
  afterAll(() => server.close());

  const client = (over: Partial<Parameters<typeof createHouseholdClient>[0]> = {}) =>
    createHouseholdClient({ baseUrl: () => `${server.url}/sim/household`, ...server.sims.credentials.household, ...over });

  it('exports a fixture of valid Changsha ID numbers', () => {
    expect(HOUSEHOLD_RESIDENTS.length).toBeGreaterThanOrEqual(5);
    for (const r of HOUSEHOLD_RESIDENTS) {
      expect(isValidIdNumber(r.idNumber)).toBe(true);
      expect(r.idNumber.startsWith('4301')).toBe(true);
    }
  });

  it('matches a known resident by their own name only', async () => {
    const [zhang, li] = HOUSEHOLD_RESIDENTS;
    expect(await client().verifyRealName(zhang.name, zhang.idNumber)).toEqual({ match: true });
    expect(await client().verifyRealName(li.name, zhang.idNumber)).toEqual({ match: false });
    expect(await client().verifyRealName(li.name, li.idNumber.toLowerCase())).toEqual({ match: true });
  });

  it('matches any valid unregistered ID number with a Chinese name, never an invalid one', async () => {
    const mine = id('43060219881111003');
    expect(await client().verifyRealName('赵小明', mine)).toEqual({ match: true });
    expect(await client().verifyRealName('阿依古丽·买买提', mine)).toEqual({ match: true });
    expect(await client().verifyRealName('Zhao Xiaoming', mine)).toEqual({ match: false });
    expect(await client().verifyRealName('赵', mine)).toEqual({ match: false });
    const wrongCheck = mine.slice(0, 17) + (mine[17] === '0' ? '1' : '0');
    expect(await client().verifyRealName('赵小明', wrongCheck)).toEqual({ match: false });
    expect(await client().verifyRealName('赵小明', id('43060220991111003'))).toEqual({ match: false });
  });

  it('is refused with a bad secret, and the simulator checks arguments', async () => {
    await expect(client({ appSecret: 'wrong-secret-wrong-secret' }).verifyRealName('张三', HOUSEHOLD_RESIDENTS[0].idNumber)).rejects.toMatchObject({
      system: 'household',
      kind: 'rejected',
      upstreamCode: 'SIGNATURE_INVALID',
    });
    await expect(client().verifyRealName('', HOUSEHOLD_RESIDENTS[0].idNumber)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
  });

  it('is unavailable when the registry is down, slow or failing', async () => {
    const down = createHouseholdClient({ baseUrl: () => `${deadUrl}/household`, ...server.sims.credentials.household });
    await expect(down.verifyRealName('张三', HOUSEHOLD_RESIDENTS[0].idNumber)).rejects.toMatchObject({ kind: 'unavailable' });
    server.sims.dev.setFault('household', { delayMs: 800 });
    await expect(client({ timeoutMs: 100 }).verifyRealName('张三', HOUSEHOLD_RESIDENTS[0].idNumber)).rejects.toMatchObject({
      kind: 'unavailable',
      upstreamCode: 'timeout',
    });
    server.sims.dev.setFault('household', { status: 502 });
    await expect(client().verifyRealName('张三', HOUSEHOLD_RESIDENTS[0].idNumber)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_502' });
  });
});
