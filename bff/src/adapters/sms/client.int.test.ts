import { AdapterError } from '../errors';
import { signRequest } from '../signing';
import { deadOrigin, startSimServer, type SimServer } from '../../sim/testServer';
import { createSmsClient } from './client';

describe('SMS adapter against the SMS gateway simulator', () => {
  let server: SimServer;
  let deadUrl = '';
  beforeAll(async () => {
    server = await startSimServer();
    deadUrl = await deadOrigin();
  });
  afterEach(() => server.sims.dev.clearFaults());
  afterAll(() => server.close());

  const client = (over: Partial<Parameters<typeof createSmsClient>[0]> = {}) =>
    createSmsClient({ baseUrl: () => `${server.url}/sim/sms`, ...server.sims.credentials.sms, ...over });

  it('sends a signed message; the simulator keeps the last one per phone and the send answer carries no code', async () => {
    const first = await client().send('13800138000', 'login_code', { code: '111111', minutes: '5' });
    const second = await client().send('13800138000', 'login_code', { code: '246810', minutes: '5' });
    expect(first.messageId).toMatch(/^sms-/);
    expect(second.messageId).not.toBe(first.messageId);
    expect(JSON.stringify(second)).not.toContain('246810');
    const last = server.sims.dev.lastSmsTo('13800138000');
    expect(last).toMatchObject({ messageId: second.messageId, template: 'login_code', params: { code: '246810', minutes: '5' } });
    expect(last?.text).toContain('246810');
    expect(last?.text).toContain('5分钟');
    const outbox = await fetch(`${server.url}/sim/sms/dev/outbox?phone=13800138000`);
    expect(outbox.status).toBe(200);
    expect(await outbox.json()).toMatchObject({ params: { code: '246810' } });
    expect((await fetch(`${server.url}/sim/sms/dev/outbox?phone=13900000000`)).status).toBe(404);
  });

  it('gets the gateway refusals as rejected with its codes', async () => {
    await expect(client().send('12345', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_PHONE' });
    await expect(client().send('13800138000', 'login_code', { code: '1' })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'TEMPLATE_PARAMS_MISMATCH' });
    await expect(client().send('13800138000', 'nope' as 'login_code', {})).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'UNKNOWN_TEMPLATE' });
  });

  it('is refused with a wrong secret or an unknown key', async () => {
    const wrongSecret = client({ appSecret: 'not-the-secret-at-all-0000' }).send('13800138000', 'login_code', { code: '1', minutes: '5' });
    await expect(wrongSecret).rejects.toBeInstanceOf(AdapterError);
    await expect(wrongSecret).rejects.toMatchObject({ system: 'sms', kind: 'rejected', upstreamCode: 'SIGNATURE_INVALID' });
    await expect(client({ appKey: 'someone-else' }).send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({
      kind: 'rejected',
      upstreamCode: 'APP_KEY_UNKNOWN',
    });
  });

  describe('the simulator verifies signatures itself', () => {
    const path = '/sim/sms/v1/sms/send';
    const body = JSON.stringify({ phone: '13700000000', template: 'login_code', params: { code: '999999', minutes: '5' } });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const creds = () => server.sims.credentials.sms;

    it('refuses a replayed nonce', async () => {
      const headers = signRequest({ method: 'POST', path, body, ...creds() });
      expect((await post(headers)).status).toBe(200);
      const replay = await post(headers);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ code: 'NONCE_REUSED' });
    });

    it('refuses a timestamp more than 300 s off, either way', async () => {
      for (const delta of [-301, 301]) {
        const res = await post(signRequest({ method: 'POST', path, body, ...creds(), timestamp: Math.floor(Date.now() / 1000) + delta }));
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'TIMESTAMP_EXPIRED' });
      }
    });

    it('refuses a body changed after signing, a signature for another path, and missing headers', async () => {
      const signed = signRequest({ method: 'POST', path, body, ...creds() });
      const changed = await post(signed, body.replace('999999', '000000'));
      expect(changed.status).toBe(401);
      expect(await changed.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
      const otherPath = await post(signRequest({ method: 'POST', path: '/sim/sms/v1/other', body, ...creds() }));
      expect(await otherPath.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
      const bare = await post({});
      expect(bare.status).toBe(401);
      expect(await bare.json()).toMatchObject({ code: 'SIGNATURE_MISSING' });
      expect(server.sims.dev.lastSmsTo('13700000000')?.params.code).not.toBe('000000');
    });
  });

  it('is unavailable when the gateway is down, slow, failing or answering garbage', async () => {
    const down = createSmsClient({ baseUrl: () => `${deadUrl}/sim/sms`, ...server.sims.credentials.sms });
    await expect(down.send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({ system: 'sms', kind: 'unavailable' });

    server.sims.dev.setFault('sms', { delayMs: 3000 });
    const started = Date.now();
    await expect(client({ timeoutMs: 150 }).send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({
      kind: 'unavailable',
      upstreamCode: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(2500);

    server.sims.dev.setFault('sms', { status: 503 });
    await expect(client().send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
    server.sims.dev.setFault('sms', { status: 200, body: '<html>maintenance</html>', contentType: 'text/html' });
    await expect(client().send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    server.sims.dev.setFault('sms', { status: 200, body: '{"ok":true}', contentType: 'application/json' });
    await expect(client().send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    server.sims.dev.setFault('sms', { status: 429, body: '{"code":"THROTTLED","message":"slow down"}', contentType: 'application/json' });
    await expect(client().send('13800138000', 'login_code', { code: '1', minutes: '5' })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'THROTTLED' });
  });
});
