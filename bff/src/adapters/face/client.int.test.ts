import { HOUSEHOLD_RESIDENTS } from '../../sim';
import { startSimServer, type SimServer } from '../../sim/testServer';
import { createFaceClient } from './client';

describe('H5 face adapter against the face service simulator', () => {
  let server: SimServer;
  let now = Date.now();
  beforeAll(async () => {
    server = await startSimServer({ now: () => now });
  });
  afterEach(() => server.sims.dev.clearFaults());
  afterAll(() => server.close());

  const client = (over: Partial<Parameters<typeof createFaceClient>[0]> = {}) =>
    createFaceClient({ baseUrl: () => `${server.url}/sim/face`, ...server.sims.credentials.face, ...over });
  const person = { name: '欧阳明辉', idNumber: HOUSEHOLD_RESIDENTS[4].idNumber };
  const returnUrl = 'http://127.0.0.1:9/#/packages/identity/face?from=h5';

  it('starts a certification whose page passes it and returns to returnUrl with certifyId', async () => {
    const { certifyId, url } = await client().initialize({ ...person, returnUrl });
    expect(url).toBe(`${server.url}/sim/face/page?certifyId=${certifyId}`);
    expect(await client().query(certifyId)).toEqual({ status: 'pending' });

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('模拟人脸核验');
    expect(html).toContain('欧**辉');
    expect(html).not.toContain('欧阳明辉');
    expect(html).not.toContain(person.idNumber);
    expect(html).toMatch(/id="sim-face-pass"[^>]*>开始刷脸（通过）/);
    expect(html).toMatch(/id="sim-face-fail"[^>]*>模拟失败/);
    const action = /<form method="post" action="([^"]+)">/.exec(html)![1];

    const done = await fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ certifyId, result: 'pass' }),
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`http://127.0.0.1:9/?certifyId=${certifyId}#/packages/identity/face?from=h5`);
    expect(await client().query(certifyId)).toEqual({ status: 'passed' });

    const again = await fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ certifyId, result: 'fail' }),
      redirect: 'manual',
    });
    expect(again.status).toBe(409);
    expect(await client().query(certifyId)).toEqual({ status: 'passed' });
  });

  it('reports a failed certification, and one left pending for 30 minutes as failed', async () => {
    const failed = await client().initialize({ ...person, returnUrl });
    expect(server.sims.dev.faceComplete(failed.certifyId, false)).toBe(true);
    expect(await client().query(failed.certifyId)).toEqual({ status: 'failed' });

    const abandoned = await client().initialize({ ...person, returnUrl });
    expect(server.sims.dev.faceStatus(abandoned.certifyId)).toBe('pending');
    now += 31 * 60_000;
    try {
      // (the simulator's clock moved, so its signature check would refuse our real-time requests)
      expect(server.sims.dev.faceStatus(abandoned.certifyId)).toBe('failed');
      expect(server.sims.dev.faceComplete(abandoned.certifyId, true)).toBe(false);
    } finally {
      now -= 31 * 60_000;
    }
    expect(await client().query(abandoned.certifyId)).toEqual({ status: 'failed' });
  });

  it('gets refusals as rejected: unknown certification, bad input, bad signature', async () => {
    await expect(client().query('fc-nope')).rejects.toMatchObject({ system: 'face', kind: 'rejected', upstreamCode: 'CERTIFY_NOT_FOUND' });
    await expect(client().initialize({ ...person, idNumber: '430102199001011230', returnUrl })).rejects.toMatchObject({
      kind: 'rejected',
      upstreamCode: 'INVALID_ID_NUMBER',
    });
    await expect(client().initialize({ ...person, returnUrl: 'javascript:alert(1)' })).rejects.toMatchObject({ upstreamCode: 'INVALID_RETURN_URL' });
    await expect(client({ appSecret: 'x'.repeat(32) }).initialize({ ...person, returnUrl })).rejects.toMatchObject({
      kind: 'rejected',
      upstreamCode: 'SIGNATURE_INVALID',
    });
  });

  it('is unavailable on timeout and on 5xx', async () => {
    server.sims.dev.setFault('face', { delayMs: 600 });
    await expect(client({ timeoutMs: 100 }).query('anything')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
    server.sims.dev.setFault('face', { status: 500 });
    await expect(client().initialize({ ...person, returnUrl })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_500' });
  });
});
