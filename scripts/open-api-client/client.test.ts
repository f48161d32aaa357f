/**
 * The reference client against a stand-in open API on 127.0.0.1 that verifies every request with
 * the BFF's signature functions — so a request the client signs is one the server accepts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenGrantedLicenceSchema, VerifyLicenceRequestSchema, VerifyLicenceResponseSchema, type OpenCaseEvent, type OpenCaseStatus, type OpenGrantedLicence, type OpenSubmitRequest, type SignatureAlgorithm, type VerifyLicenceResponse } from '@onevisit/shared-types';
import { bodyHash, signatureMatches, stringToSign, NONCE_PATTERN } from '../../bff/src/modules/partners/signature';
import { OpenApiClient, OpenApiError } from './client';
import { parseArgs, run, USAGE } from './cli';

const APP_ID = 'hunan-yjs';
const SECRET = 'sk-hunan-yjs-7Qf3ZpL9xW2mR8tK';
const CASE_NO = '11430000006940002L070003001001202601010042';
const LICENCE_ID = '1.2.156.3005.2.11100000000013338W001.11430102363666311L.0K3P0Q2R9AB.001.J';
/** Stand-in presentation tokens (the stand-in server does not check JWS signatures; the BFF's tests do). */
const TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImxpYy0xIiwidHlwIjoib3YtbGljZW5jZStqd3QifQ.eyJqdGkiOiJ0ZXN0LWp0aS0wMDAwMDAwMSJ9.c2lnbmF0dXJl';
const CAR_TOKEN = `${TOKEN}Q`;
const BUSY_TOKEN = `${TOKEN}B`;
const GRANT_ID = 'grt_2uFXRSA9UPT1X0eRGiwJ';
const REVOKED_GRANT_ID = 'grt_revokedRevokedRevoked';

interface Seen {
  method: string;
  url: string;
  body: string;
  nonce: string;
  query: URLSearchParams;
}

function status(state: OpenCaseStatus['state'], serialNo = 'HNYJS-20260101-000042'): OpenCaseStatus {
  return {
    caseNo: CASE_NO,
    serialNo,
    itemCode: '11430000006940002L070003001001',
    itemName: '出生登记',
    state,
    stateName: state,
    createdAt: '2026-01-01T00:01:00.412Z',
    submittedAt: '2026-01-01T00:01:00.412Z',
    acceptedAt: null,
    decidedAt: null,
    deadlineAt: null,
    updatedAt: '2026-01-01T00:01:00.412Z',
    pendingMaterials: [],
    timeline: [],
  };
}

function verified(): VerifyLicenceResponse {
  return {
    verified: true,
    usageId: 'use_0mjvahk0jfYf5E4SDMrFXYw',
    licenceId: LICENCE_ID,
    licenceType: 'id_card',
    licenceTypeName: '居民身份证',
    purpose: 'hotel_checkin',
    purposeName: '酒店入住',
    fields: { name: '李娜', idNumber: '430102199203150025' },
    status: 'abnormal',
    statusName: '状态异常',
    statusNote: '测试：状态异常',
    colour: 'red',
    verifiedAt: '2026-01-01T10:15:41.203Z',
  };
}

function granted(grantId: string): OpenGrantedLicence {
  return {
    grantId,
    usageId: 'use_0mjxodmrigC2Cd6P4vbwEHw',
    licenceId: LICENCE_ID,
    licenceType: 'id_card',
    licenceTypeName: '居民身份证',
    purpose: '开立个人银行结算账户',
    fields: { name: '李娜', idNumber: '430102199203150025' },
    status: 'valid',
    colour: 'green',
    expiresAt: '2026-01-10T02:18:44.000Z',
  };
}

function eventNo(n: number): OpenCaseEvent {
  return {
    eventId: `evt_${n}`,
    type: 'case.status_changed',
    occurredAt: '2026-01-02T01:30:00.000Z',
    caseNo: CASE_NO,
    serialNo: 'HNYJS-20260101-000042',
    itemCode: '11430000006940002L070003001001',
    action: 'accept',
    actionName: '受理',
    state: 'accepted',
    stateName: '已受理',
    note: null,
  };
}

/** A stand-in for /open/v1 that checks signatures the way the BFF does. */
async function startFakeApi(algorithm: SignatureAlgorithm) {
  const seen: Seen[] = [];
  const nonces = new Set<string>();
  let statusCalls = 0;
  let submitCalls = 0;
  const spent = new Set<string>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const send = (code: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-type': 'application/json', 'x-request-id': 'req-0000000001', ...headers }).end(JSON.stringify(value));
    };
    const refuse = (code: number, errorCode: string, details?: unknown) => send(code, { code: errorCode, message: errorCode.toLowerCase(), requestId: 'req-0000000001', details });
    const h = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
    const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const nonce = h('X-OV-Nonce') ?? '';
    if (h('X-OV-AppId') !== APP_ID || !NONCE_PATTERN.test(nonce)) return refuse(401, 'SIGNATURE_HEADERS_MISSING');
    if (h('X-OV-Algorithm') !== algorithm) return refuse(401, 'SIGNATURE_ALGORITHM_MISMATCH');
    if (bodyHash(algorithm, body) !== h('X-OV-Body-Hash')) return refuse(400, 'BODY_HASH_MISMATCH');
    const toSign = stringToSign({ algorithm, method: req.method ?? '', path, rawQuery, timestamp: h('X-OV-Timestamp') ?? '', nonce, bodyHash: h('X-OV-Body-Hash') ?? '' });
    if (!signatureMatches(algorithm, SECRET, toSign, h('X-OV-Signature') ?? '')) return refuse(401, 'SIGNATURE_INVALID');
    if (nonces.has(nonce)) return refuse(401, 'SIGNATURE_NONCE_REPLAYED');
    nonces.add(nonce);
    if (body.length && !/^application\/json/.test(h('content-type') ?? '')) return refuse(415, 'UNSUPPORTED_MEDIA_TYPE');
    const query = new URLSearchParams(rawQuery);
    seen.push({ method: req.method ?? '', url: req.url ?? '', body: body.toString('utf8'), nonce, query });

    if (req.method === 'GET' && path === '/open/v1/catalog/items') return send(200, { items: [], nextCursor: `c_${query.get('cursor') ?? 'start'}_${query.get('limit') ?? 'd'}`, hasMore: false });
    if (req.method === 'POST' && path === '/open/v1/cases') {
      submitCalls++;
      const request = JSON.parse(body.toString('utf8')) as OpenSubmitRequest;
      if (request.serialNo.startsWith('BUSY') && submitCalls === 1) return refuse(409, 'PARTNER_SERIAL_IN_PROGRESS');
      if (request.serialNo.startsWith('CONFLICT')) return refuse(409, 'PARTNER_SERIAL_CONFLICT');
      return send(201, { ...status('submitted', request.serialNo), created: submitCalls === 1 });
    }
    if (req.method === 'GET' && path === `/open/v1/cases/${CASE_NO}`) {
      statusCalls++;
      return send(200, status(statusCalls >= 3 ? 'accepted' : 'submitted'));
    }
    if (req.method === 'GET' && path.startsWith('/open/v1/cases/by-serial/')) return send(200, status('submitted', decodeURIComponent(path.split('/').pop() ?? '')));
    if (req.method === 'POST' && path === `/open/v1/cases/${CASE_NO}/materials`) return send(200, status('accepted'));
    if (req.method === 'GET' && path === '/open/v1/events') {
      const page = Number((query.get('cursor') ?? 'p0').slice(1));
      const events = [eventNo(page * 2 + 1), eventNo(page * 2 + 2)];
      return send(200, { events, nextCursor: `p${page + 1}`, hasMore: page < 2 });
    }
    if (req.method === 'POST' && path === '/open/v1/licences/verify') {
      const parsed = VerifyLicenceRequestSchema.safeParse(JSON.parse(body.toString('utf8')));
      if (!parsed.success) return refuse(400, 'VALIDATION_FAILED');
      const { token } = parsed.data;
      if (token === BUSY_TOKEN) return refuse(503, 'SERVICE_UNAVAILABLE');
      // as the BFF: a purpose not for this relying party is refused before the token is spent
      if (token === CAR_TOKEN) return refuse(403, 'PURPOSE_NOT_ALLOWED', { purpose: 'car_rental', relyingPartyType: 'hotel' });
      if (spent.has(token)) return refuse(409, 'PRESENTATION_USED');
      spent.add(token);
      return send(200, verified());
    }
    if (req.method === 'GET' && path.startsWith('/open/v1/licences/grants/')) {
      const grantId = decodeURIComponent(path.split('/').pop() ?? '');
      if (!query.get('reason')) return refuse(400, 'VALIDATION_FAILED');
      if (grantId === REVOKED_GRANT_ID) return refuse(410, 'GRANT_INACTIVE', { status: 'revoked' });
      if (grantId !== GRANT_ID) return refuse(404, 'GRANT_NOT_FOUND');
      return send(200, granted(grantId));
    }
    if (path === '/open/v1/limited') return refuse(429, 'PARTNER_RATE_LIMITED');
    if (path === '/open/v1/slow') return; // never answers
    if (path === '/open/v1/text') {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
      return;
    }
    refuse(404, 'APPLICATION_NOT_FOUND');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(['HMAC-SHA256', 'HMAC-SM3'] as const)('OpenApiClient (%s)', (algorithm) => {
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  let client: OpenApiClient;

  beforeEach(async () => {
    api = await startFakeApi(algorithm);
    client = new OpenApiClient({ baseUrl: `${api.baseUrl}/`, appId: APP_ID, secret: SECRET, algorithm, timeoutMs: 2000 });
  });
  afterEach(() => api.close());

  it('signs GETs with queries the server accepts, including unencoded 中文 the URL parser encodes', async () => {
    const page = await client.syncCatalog('c_abc', 50);
    expect(page.nextCursor).toBe('c_c_abc_50');
    await client.request('GET', '/catalog/items?q=身份证 补领&tag=b&tag=a&flag');
    expect(api.seen[1].url).toBe('/open/v1/catalog/items?q=%E8%BA%AB%E4%BB%BD%E8%AF%81%20%E8%A1%A5%E9%A2%86&tag=b&tag=a&flag');
    await client.request('GET', '/open/v1/catalog/items');
    expect(api.seen[2].url).toBe('/open/v1/catalog/items');
  });

  it('submits a JSON body with 中文 exactly as hashed', async () => {
    const request: OpenSubmitRequest = {
      serialNo: 'HNYJS-20260101-000042',
      itemCode: '11430000006940002L070003001001',
      applicant: { kind: 'attested', name: '李娜', idNumber: '430102199203150025', level: 'L3', verifiedAt: '2025-12-31T23:58:12Z' },
      formData: { babyName: '王小满' },
      deliveryOption: 'postal',
    };
    const answer = await client.submitCase(request);
    expect(answer.created).toBe(true);
    expect(JSON.parse(api.seen[0].body)).toEqual(request);
  });

  it('retries PARTNER_SERIAL_IN_PROGRESS with the same body and a fresh signature', async () => {
    const answer = await client.submitCase({ serialNo: 'BUSY-000001', itemCode: '11430000006940002L070003001001', applicant: { kind: 'token', token: 'x'.repeat(40) }, formData: {}, deliveryOption: 'postal' });
    expect(answer.created).toBe(false);
    const posts = api.seen.filter((s) => s.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0].body).toBe(posts[1].body);
    expect(posts[0].nonce).not.toBe(posts[1].nonce);
  });

  it('does not retry a conflict and throws OpenApiError with status, code, message and requestId', async () => {
    const attempt = client.submitCase({ serialNo: 'CONFLICT-01', itemCode: '11430000006940002L070003001001', applicant: { kind: 'token', token: 'x'.repeat(40) }, formData: {}, deliveryOption: 'postal' });
    await expect(attempt).rejects.toMatchObject({ name: 'OpenApiError', status: 409, code: 'PARTNER_SERIAL_CONFLICT', requestId: 'req-0000000001' });
    expect(api.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
    const missing = await client.caseStatus('11430000006940002L070003001001209901010001').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenApiError);
    expect((missing as OpenApiError).code).toBe('APPLICATION_NOT_FOUND');
    expect((missing as OpenApiError).status).toBe(404);
  });

  it('reports a non-JSON error and a transport timeout with their own codes', async () => {
    await expect(client.request('GET', '/text')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
    const fast = new OpenApiClient({ baseUrl: api.baseUrl, appId: APP_ID, secret: SECRET, algorithm, timeoutMs: 200 });
    await expect(fast.request('GET', '/slow')).rejects.toMatchObject({ status: 0, code: 'CLIENT_TIMEOUT' });
  });

  it('a wrong secret is refused by the server', async () => {
    const wrong = new OpenApiClient({ baseUrl: api.baseUrl, appId: APP_ID, secret: 'not-the-secret', algorithm });
    await expect(wrong.caseStatus(CASE_NO)).rejects.toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' });
  });

  it('reads a case by number and by serial, and supplies a material', async () => {
    expect((await client.caseStatus(CASE_NO)).caseNo).toBe(CASE_NO);
    expect((await client.caseBySerial('HNYJS-20260101-000042')).serialNo).toBe('HNYJS-20260101-000042');
    const supplied = await client.supplyMaterial(CASE_NO, { materialName: '父母结婚证', fileName: '结婚证.pdf', contentType: 'application/pdf', contentBase64: 'JVBERi0xLjQKJcfsj6IK' });
    expect(supplied.state).toBe('accepted');
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `GET /open/v1/cases/${CASE_NO}`,
      'GET /open/v1/cases/by-serial/HNYJS-20260101-000042',
      `POST /open/v1/cases/${CASE_NO}/materials`,
    ]);
  });

  it('pages through the event feed and returns the last cursor', async () => {
    const ids: string[] = [];
    const iterator = client.allEvents(undefined, { limit: 2 });
    let step = await iterator.next();
    while (!step.done) {
      ids.push(step.value.eventId);
      step = await iterator.next();
    }
    expect(ids).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4', 'evt_5', 'evt_6']);
    expect(step.value).toBe('p3');
    expect(api.seen.map((s) => s.query.get('cursor'))).toEqual([null, 'p1', 'p2']);
    expect(api.seen.every((s) => s.query.get('limit') === '2')).toBe(true);
  });

  it('stops paging at maxPages', async () => {
    const ids: string[] = [];
    for await (const event of client.allEvents('p0', { maxPages: 1 })) ids.push(event.eventId);
    expect(ids).toEqual(['evt_1', 'evt_2']);
  });

  it('verifies a licence QR code with a signed {token, reason} body, once: a second verification is PRESENTATION_USED', async () => {
    const answer = await client.verifyLicence(`  ${TOKEN}\r\n`, '入住登记 1208 房');
    expect(VerifyLicenceResponseSchema.parse(answer)).toEqual(answer);
    expect(answer).toMatchObject({ verified: true, colour: 'red', statusNote: '测试：状态异常', fields: { name: '李娜' } });
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]).toMatchObject({ method: 'POST', url: '/open/v1/licences/verify' });
    expect(JSON.parse(api.seen[0].body)).toEqual({ token: TOKEN, reason: '入住登记 1208 房' });
    const again = await client.verifyLicence(TOKEN, '入住登记 1208 房').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(OpenApiError);
    expect(again).toMatchObject({ status: 409, code: 'PRESENTATION_USED', requestId: 'req-0000000001' });
    expect(api.seen[1].nonce).not.toBe(api.seen[0].nonce);
  });

  it('surfaces a licence refusal with its details, and never retries a verification', async () => {
    await expect(client.verifyLicence(CAR_TOKEN, '租车')).rejects.toMatchObject({ status: 403, code: 'PURPOSE_NOT_ALLOWED', details: { purpose: 'car_rental', relyingPartyType: 'hotel' } });
    await expect(client.verifyLicence(BUSY_TOKEN, '入住登记')).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(api.seen.filter((s) => s.url === '/open/v1/licences/verify')).toHaveLength(2);
    const wrong = new OpenApiClient({ baseUrl: api.baseUrl, appId: APP_ID, secret: 'not-the-secret', algorithm });
    await expect(wrong.verifyLicence(TOKEN, '入住登记')).rejects.toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' });
    // none of these refusals spent the token (the stand-in follows the BFF here)
    await expect(client.verifyLicence(TOKEN, '入住登记')).resolves.toMatchObject({ verified: true });
  });

  it('reads a grant with the 用证事由 in the signed query, and surfaces GRANT_INACTIVE and GRANT_NOT_FOUND', async () => {
    const read = await client.readGrant(GRANT_ID, '开立个人银行结算账户 复核');
    expect(OpenGrantedLicenceSchema.parse(read)).toEqual(read);
    expect(read).toMatchObject({ grantId: GRANT_ID, fields: { name: '李娜', idNumber: '430102199203150025' } });
    expect(api.seen[0].method).toBe('GET');
    expect(api.seen[0].url.split('?')[0]).toBe(`/open/v1/licences/grants/${GRANT_ID}`);
    expect(api.seen[0].query.get('reason')).toBe('开立个人银行结算账户 复核');
    expect(api.seen[0].body).toBe('');
    await expect(client.readGrant(REVOKED_GRANT_ID, '开户')).rejects.toMatchObject({ status: 410, code: 'GRANT_INACTIVE', details: { status: 'revoked' } });
    await expect(client.readGrant('grt_someoneElsesGrant01', '开户')).rejects.toMatchObject({ status: 404, code: 'GRANT_NOT_FOUND' });
  });

  it('follows a case until the predicate holds, and gives up after timeoutMs', async () => {
    const done = await client.followCase(CASE_NO, { until: (s) => s.state === 'accepted', intervalMs: 100, timeoutMs: 5000 });
    expect(done.state).toBe('accepted');
    const started = Date.now();
    await expect(client.followCase(CASE_NO, { until: (s) => s.state === 'completed', intervalMs: 100, timeoutMs: 350 })).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('cli', () => {
  it('parses commands, positionals and flags', () => {
    const parsed = parseArgs(['events', '--cursor', 'abc', '--follow', '--limit=5']);
    expect(parsed.command).toBe('events');
    expect(parsed.flags.get('cursor')).toBe('abc');
    expect(parsed.flags.get('follow')).toBe(true);
    expect(parsed.flags.get('limit')).toBe('5');
    expect(parseArgs(['status', CASE_NO]).positional).toEqual([CASE_NO]);
  });

  it('--help prints the usage', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await run(['--help'])).toBe(0);
      expect(write).toHaveBeenCalledWith(USAGE);
      for (const command of ['catalog', 'submit', 'status', 'by-serial', 'events', 'receive', 'verify-licence', 'read-grant']) expect(USAGE).toContain(`  ${command} `);
    } finally {
      write.mockRestore();
    }
  });

  it('runs a command against the API and prints JSON', async () => {
    const api = await startFakeApi('HMAC-SM3');
    const saved = { ...process.env };
    Object.assign(process.env, { OV_BASE_URL: api.baseUrl, OV_APP_ID: APP_ID, OV_APP_SECRET: SECRET, OV_ALGORITHM: 'HMAC-SM3' });
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      expect(await run(['status', CASE_NO])).toBe(0);
      expect(JSON.parse(lines[0]).caseNo).toBe(CASE_NO);
      expect(await run(['events', '--limit', '2'])).toBe(0);
      expect(lines.slice(1).map((l) => JSON.parse(l))).toEqual([
        ...[1, 2, 3, 4, 5, 6].map((n) => eventNo(n)),
        { nextCursor: 'p3' },
      ]);
    } finally {
      write.mockRestore();
      process.env = saved;
      await api.close();
    }
  });

  it('verify-licence reads the token from stdin, needs --reason, and lets a refusal surface; read-grant prints the licence', async () => {
    const api = await startFakeApi('HMAC-SHA256');
    const saved = { ...process.env };
    Object.assign(process.env, { OV_BASE_URL: api.baseUrl, OV_APP_ID: APP_ID, OV_APP_SECRET: SECRET, OV_ALGORITHM: 'HMAC-SHA256' });
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const stdin = async () => `${TOKEN}\n`;
    try {
      await expect(run(['verify-licence', '-'], { readStdin: stdin })).rejects.toThrow('--reason');
      await expect(run(['verify-licence', '--reason', '入住登记'])).rejects.toThrow('token');
      expect(api.seen).toHaveLength(0);
      expect(await run(['verify-licence', '-', '--reason', '入住登记 1208 房'], { readStdin: stdin })).toBe(0);
      expect(JSON.parse(lines[0])).toMatchObject({ verified: true, licenceId: LICENCE_ID });
      expect(JSON.parse(api.seen[0].body)).toEqual({ token: TOKEN, reason: '入住登记 1208 房' });
      await expect(run(['verify-licence', TOKEN, '--reason=入住登记'])).rejects.toMatchObject({ name: 'OpenApiError', status: 409, code: 'PRESENTATION_USED' });
      expect(await run(['read-grant', GRANT_ID, '--reason', '开立个人银行结算账户'])).toBe(0);
      expect(JSON.parse(lines[1])).toMatchObject({ grantId: GRANT_ID, status: 'valid' });
      expect(api.seen[2].query.get('reason')).toBe('开立个人银行结算账户');
    } finally {
      write.mockRestore();
      process.env = saved;
      await api.close();
    }
  });
});
