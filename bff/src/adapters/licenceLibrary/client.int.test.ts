import Router from '@koa/router';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import {
  idNumberCheckChar,
  isValidCreditCode,
  isValidIdNumber,
  isValidLicenceId,
  LICENCE_TYPE_CODES,
  LICENCE_TYPE_FIELDS,
  LICENCE_TYPES,
  makeLicenceId,
  OPEN_API_PREFIX,
  openPaths,
  parseLicenceId,
  type LicenceType,
} from '@onevisit/shared-types';
import { HOUSEHOLD_RESIDENTS } from '../../sim/household';
import { generateLicenceLibraryCredentials, licenceLibrarySimulator } from '../../sim/licenceLibrary';
import { closeServer, deadOrigin, listen, startSimServer, type SimServer } from '../../sim/testServer';
import { FaultBoard, readRawBody } from '../../sim/util';
import { signRequest } from '../signing';
import { LIBRARY_CALLBACK_REFUSALS, parseLibraryCallback, verifyLibraryCallback } from './callback';
import { createLicenceLibraryClient, type LicenceLibraryClientOptions } from './client';
import type { LibraryLicence, LicenceLibraryEvent } from './port';

const CALLBACK_PATH = `${OPEN_API_PREFIX}${openPaths.licenceLibraryCallback}`;

/** Today in Asia/Shanghai, as the library dates things. */
const todayCst = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** A 17-digit body → a valid resident ID number. */
const idn = (first17: string) => first17 + idNumberCheckChar(first17);

interface Received {
  event: LicenceLibraryEvent;
  appKey: string;
}

/** Polls (5 ms) until check() holds; throws after timeoutMs. */
async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('licence library adapter against the simulator, over HTTP', () => {
  let s: SimServer;
  let deadUrl = '';
  // The BFF's callback route as the licences module will mount it, on the simulators' own app
  // (their publicBase is this server, so pushes come here).
  const received: Received[] = [];
  const refused: string[] = [];
  const raw: { path: string; headers: Record<string, string>; body: string }[] = [];
  const seen = new Set<string>();
  let failNext = 0;

  beforeAll(async () => {
    deadUrl = await deadOrigin();
    s = await startSimServer({
      licenceLibrary: { retry: { attempts: 4, baseDelayMs: 5 } },
      before: (app) =>
        app.use(async (ctx, next) => {
          if (ctx.method !== 'POST' || ctx.path !== CALLBACK_PATH) return next();
          const body = await readRawBody(ctx);
          raw.push({ path: ctx.originalUrl, headers: { ...(ctx.headers as Record<string, string>) }, body: body.toString('utf8') });
          if (failNext > 0) {
            failNext -= 1;
            ctx.status = 503;
            ctx.body = { code: 'BUSY' };
            return;
          }
          const verdict = await verifyLibraryCallback(body, ctx.headers, [s.sims.credentials.licenceLibrary.callback], (k, n) => (seen.has(`${k}:${n}`) ? true : (seen.add(`${k}:${n}`), false)), { path: ctx.originalUrl });
          if (!verdict.ok) {
            const refusal = LIBRARY_CALLBACK_REFUSALS[verdict.reason];
            refused.push(refusal.code);
            ctx.status = refusal.status;
            ctx.body = { code: refusal.code };
            return;
          }
          const parsed = parseLibraryCallback(body);
          if (!parsed.ok) {
            refused.push(parsed.reason);
            ctx.status = 400;
            ctx.body = { code: parsed.reason };
            return;
          }
          received.push({ event: parsed.event, appKey: verdict.appKey });
          ctx.status = 204;
        }),
    });
  });
  afterEach(() => s.sims.dev.clearFaults());
  afterAll(async () => {
    s.sims.stop();
    await s.close();
  });

  const client = (over: Partial<LicenceLibraryClientOptions> = {}) => createLicenceLibraryClient({ ...s.sims.adapterOptions(() => s.url).licenceLibrary, ...over });
  const receivedFor = (licenceId: string) => received.filter((r) => r.event.licenceId === licenceId);
  const byType = (list: LibraryLicence[], type: LicenceType) => list.find((l) => l.type === type);

  it('lists the licences a person holds, GB/T 36903 metadata with the fields of each type', async () => {
    const resident = HOUSEHOLD_RESIDENTS[1]; // 李四
    const licences = await client().licencesOf(resident.idNumber);
    const types = licences.map((l) => l.type);
    expect(types).toEqual(expect.arrayContaining(['id_card', 'national_eid', 'household_register']));
    expect(new Set(types).size).toBe(types.length);
    for (const l of licences) {
      expect(isValidLicenceId(l.licenceId)).toBe(true);
      expect(parseLicenceId(l.licenceId)).toMatchObject({ typeCode: l.typeCode, issuerCode: l.issuerCode, version: 1, type: l.type });
      expect(l).toMatchObject({
        typeCode: LICENCE_TYPES[l.type].typeCode,
        name: LICENCE_TYPES[l.type].name,
        holder: resident.name,
        holderCode: resident.idNumber,
        holderCodeType: '公民身份号码',
        status: 'valid',
        statusNote: null,
        version: 1,
        replacedBy: null,
      });
      expect(isValidCreditCode(l.issuerCode)).toBe(true);
      expect(l.issueDate <= todayCst()).toBe(true);
      expect(l.validFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (l.validUntil !== null) expect(l.validUntil > todayCst()).toBe(true);
      // every field of the type, and only those
      expect(Object.keys(l.fields).sort()).toEqual([...LICENCE_TYPE_FIELDS[l.type]].sort());
      expect(Object.values(l.fields).every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
      if ('name' in l.fields) expect(l.fields.name).toBe(resident.name);
    }
    const card = byType(licences, 'id_card')!;
    expect(card).toMatchObject({ number: resident.idNumber, issuer: '长沙市公安局天心分局' });
    expect(card.fields).toMatchObject({ idNumber: resident.idNumber, gender: '女', birthDate: '1985-12-12' });
    expect(card.fields.address).toMatch(/^湖南省长沙市天心区/);
    expect(byType(licences, 'national_eid')).toMatchObject({ issuer: '公安部', issuerCode: '11100000000013338W' });
  });

  it('answers the same licences on every call, and a fresh library answers the same', async () => {
    const id = HOUSEHOLD_RESIDENTS[4].idNumber;
    const first = await client().licencesOf(id);
    expect(await client().licencesOf(id)).toEqual(first);
    expect(await client().licencesOf(id.toLowerCase())).toEqual(first);
    const other = licenceLibrarySimulator(
      { router: new Router(), prefix: '/sim', now: Date.now, faults: new FaultBoard(), publicBase: () => 'http://127.0.0.1:1' },
      { credentials: generateLicenceLibraryCredentials(), callbackUrl: () => 'http://127.0.0.1:1/' },
    );
    expect(other.licencesOf(id)).toEqual(first);
    other.stop();
  });

  it('gives the showcase resident every licence type a Changsha resident can hold', async () => {
    const licences = await client().licencesOf(HOUSEHOLD_RESIDENTS[0].idNumber);
    expect(licences.map((l) => l.type).sort()).toEqual(LICENCE_TYPE_CODES.filter((t) => t !== 'residence_permit').sort());
    const driving = byType(licences, 'driving_licence')!;
    expect(driving).toMatchObject({ number: HOUSEHOLD_RESIDENTS[0].idNumber, issuer: '湖南省长沙市公安局交通警察支队' });
    expect(driving.fields.drivingClass).toMatch(/^[ABC]\d/);
    expect(byType(licences, 'vehicle_licence')!.fields.plateNumber).toMatch(/^湘A/);
    expect(byType(licences, 'vehicle_licence')!.fields.vin).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
    expect(byType(licences, 'passport')).toMatchObject({ issuer: '长沙市公安局出入境管理支队' });
    expect(byType(licences, 'passport')!.fields).toMatchObject({ nationality: '中国', issuer: '国家移民管理局' });
  });

  it('issues by age and residence: no driving licence under 18, 居住证 for residents registered elsewhere', async () => {
    const year = new Date().getUTCFullYear();
    const minors: LibraryLicence[][] = [];
    const adults: LibraryLicence[][] = [];
    for (let i = 0; i < 40; i++) {
      minors.push(await client().licencesOf(idn(`430104${year - 10}0${1 + (i % 9)}1${i % 10}${String(100 + i)}`)));
      adults.push(await client().licencesOf(idn(`430105${1960 + i}0${1 + (i % 9)}1${i % 10}${String(300 + i)}`)));
    }
    expect(minors.flat().some((l) => l.type === 'driving_licence' || l.type === 'vehicle_licence')).toBe(false);
    expect(minors.flat().filter((l) => l.type === 'id_card').every((l) => l.validUntil !== null)).toBe(true); // 5-year cards
    const drivers = adults.filter((list) => list.some((l) => l.type === 'driving_licence')).length;
    expect(drivers).toBeGreaterThan(10);
    expect(drivers).toBeLessThan(40);
    for (const list of [...minors, ...adults]) expect(list.filter((l) => ['id_card', 'national_eid', 'household_register'].includes(l.type))).toHaveLength(3);

    const beijinger = await client().licencesOf(idn('11010119800101123'));
    expect(byType(beijinger, 'id_card')).toMatchObject({ issuer: '北京市公安局东城分局' });
    const permit = byType(beijinger, 'residence_permit')!;
    expect(permit.issuer).toMatch(/^长沙市公安局.+分局$/);
    expect(permit.fields.address).toMatch(/^湖南省长沙市/);
  });

  it('looks one licence up by identifier, any version; null when the library has none', async () => {
    const [card] = await client().licencesOf(HOUSEHOLD_RESIDENTS[2].idNumber);
    expect(await client().licence(card.licenceId)).toEqual(card);
    // well formed, check character right, but no such licence (another issuer, a serial of nobody)
    const other = makeLicenceId({ typeCode: card.typeCode, issuerCode: '11430100MB1C45878U', serial: parseLicenceId(card.licenceId)!.serial, version: 1 });
    expect(await client().licence(other)).toBeNull();
    expect(await client().licence(makeLicenceId({ typeCode: card.typeCode, issuerCode: card.issuerCode, serial: 'ZZZZZZZZZZZ', version: 1 }))).toBeNull();
    expect(await client().licence(makeLicenceId({ typeCode: card.typeCode, issuerCode: card.issuerCode, serial: parseLicenceId(card.licenceId)!.serial, version: 2 }))).toBeNull();
    await expect(client().licence(`${card.licenceId.slice(0, -1)}${card.licenceId.endsWith('0') ? '1' : '0'}`)).rejects.toMatchObject({
      system: 'licence_library',
      kind: 'rejected',
      upstreamCode: 'INVALID_LICENCE_ID',
    });
  });

  it('refuses an invalid ID number as rejected', async () => {
    await expect(client().licencesOf('430102199001011230')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ID_NUMBER' });
    await expect(client().licencesOf('')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
  });

  describe('status changes: reflected in the answers and pushed, signed, to our callback', () => {
    const holder = HOUSEHOLD_RESIDENTS[0].idNumber;

    it('revokes', async () => {
      const card = byType(await client().licencesOf(holder), 'hk_macao_permit')!;
      const event = s.sims.dev.licenceRevoke(card.licenceId, '证件遗失，已注销')!;
      expect(event).toMatchObject({ licenceId: card.licenceId, status: 'revoked', statusNote: '证件遗失，已注销', replacedBy: null });
      expect(await client().licence(card.licenceId)).toMatchObject({ status: 'revoked', statusNote: '证件遗失，已注销' });
      expect(byType(await client().licencesOf(holder), 'hk_macao_permit')).toMatchObject({ licenceId: card.licenceId, status: 'revoked' });
      await waitFor(() => receivedFor(card.licenceId).length === 1);
      expect(receivedFor(card.licenceId)[0]).toEqual({ event, appKey: s.sims.credentials.licenceLibrary.callback.appKey });
      expect(s.sims.dev.licenceRevoke(card.licenceId)).toBeUndefined(); // already revoked: nothing more
    });

    it('reissues: a new version, the old one revoked with replacedBy', async () => {
      const old = byType(await client().licencesOf(holder), 'id_card')!;
      const result = s.sims.dev.licenceReissue(old.licenceId)!;
      const next = result.licence;
      expect(next.licenceId).not.toBe(old.licenceId);
      expect(parseLicenceId(next.licenceId)).toMatchObject({ serial: parseLicenceId(old.licenceId)!.serial, version: 2 });
      expect(next).toMatchObject({ version: 2, status: 'valid', replacedBy: null, issueDate: todayCst(), validFrom: todayCst(), holderCode: holder });
      expect(next.fields.validFrom).toBe(next.validFrom);
      expect(result.event).toMatchObject({ licenceId: old.licenceId, status: 'revoked', statusNote: '已换领新证', replacedBy: next.licenceId });

      const list = await client().licencesOf(holder);
      expect(list.filter((l) => l.type === 'id_card').map((l) => [l.version, l.status])).toEqual([
        [1, 'revoked'],
        [2, 'valid'],
      ]);
      expect(await client().licence(old.licenceId)).toMatchObject({ status: 'revoked', replacedBy: next.licenceId });
      expect(await client().licence(next.licenceId)).toEqual(next);
      await waitFor(() => receivedFor(old.licenceId).length === 1);
      expect(receivedFor(old.licenceId)[0].event).toEqual(result.event);
      // the new version can be reissued again; the revoked one cannot
      expect(s.sims.dev.licenceReissue(old.licenceId)).toBeUndefined();
    });

    it('marks abnormal (e.g. 12 points) and restores', async () => {
      const driving = byType(await client().licencesOf(holder), 'driving_licence')!;
      const event = s.sims.dev.licenceSetAbnormal(driving.licenceId, '累积记分已满12分')!;
      expect(event).toMatchObject({ status: 'abnormal', statusNote: '累积记分已满12分' });
      const now = (await client().licence(driving.licenceId))!;
      expect(now).toMatchObject({ status: 'abnormal', statusNote: '累积记分已满12分' });
      expect(now.fields.points).toBe('12');
      const back = s.sims.dev.licenceRestore(driving.licenceId)!;
      expect(back).toMatchObject({ status: 'valid', statusNote: null });
      expect(await client().licence(driving.licenceId)).toMatchObject({ status: 'valid', fields: expect.objectContaining({ points: '0' }) });
      await waitFor(() => receivedFor(driving.licenceId).length === 2);
      expect(receivedFor(driving.licenceId).map((r) => r.event.status)).toEqual(['abnormal', 'valid']);
    });

    it('expires', async () => {
      const passport = byType(await client().licencesOf(holder), 'passport')!;
      const event = s.sims.dev.licenceExpire(passport.licenceId)!;
      expect(event).toMatchObject({ status: 'expired', statusNote: '已超过有效期' });
      const now = (await client().licence(passport.licenceId))!;
      expect(now.status).toBe('expired');
      expect(now.validUntil! < todayCst()).toBe(true);
      expect(now.fields.validUntil).toBe(now.validUntil);
      expect(s.sims.dev.licenceExpire(passport.licenceId)).toBeUndefined();
      await waitFor(() => receivedFor(passport.licenceId).length === 1);
    });

    it('changes a licence through the dev routes too', async () => {
      const ebike = byType(await client().licencesOf(holder), 'ebike_licence')!;
      const post = (action: string, body?: unknown) =>
        fetch(`${s.url}/sim/licence-library/dev/licences/${encodeURIComponent(ebike.licenceId)}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect((await post('abnormal', {})).status).toBe(400);
      const abnormal = await post('abnormal', { note: '车辆被盗抢' });
      expect(abnormal.status).toBe(200);
      expect(((await abnormal.json()) as { event: LicenceLibraryEvent }).event).toMatchObject({ status: 'abnormal', statusNote: '车辆被盗抢' });
      const reissued = await post('reissue');
      const { licence } = (await reissued.json()) as { licence: LibraryLicence };
      expect(licence.version).toBe(2);
      expect((await post('expire')).status).toBe(409); // the old version is revoked now
      expect((await fetch(`${s.url}/sim/licence-library/dev/licences/${encodeURIComponent(makeLicenceId({ typeCode: ebike.typeCode, issuerCode: ebike.issuerCode, serial: 'NOBODY', version: 1 }))}/revoke`, { method: 'POST' })).status).toBe(404);
      const listed = await fetch(`${s.url}/sim/licence-library/dev/holders/${holder}/licences`);
      expect(((await listed.json()) as { licences: LibraryLicence[] }).licences.filter((l) => l.type === 'ebike_licence')).toHaveLength(2);
      await waitFor(() => receivedFor(ebike.licenceId).length === 2);
    });

    it('retries a push the receiver did not take, with backoff, until it does', async () => {
      const permit = byType(await client().licencesOf(holder), 'taiwan_permit')!;
      failNext = 2;
      const event = s.sims.dev.licenceRevoke(permit.licenceId)!;
      await waitFor(() => receivedFor(permit.licenceId).length === 1 && s.sims.licenceLibrary.deliveries().some((a) => a.eventId === event.eventId && a.ok));
      const attempts = s.sims.licenceLibrary.deliveries().filter((a) => a.eventId === event.eventId);
      expect(attempts.map((a) => [a.attempt, a.outcome, a.ok])).toEqual([
        [1, 503, false],
        [2, 503, false],
        [3, 204, true],
      ]);
    });

    it('signs pushes so that a tampered body, another key, a replay or an old timestamp is refused', async () => {
      const delivered = raw.find((r) => r.body.includes('"revoked"'))!;
      expect(delivered).toBeDefined();
      const creds = s.sims.credentials.licenceLibrary.callback;
      const fresh = () => {
        const mem = new Set<string>();
        return (k: string, n: string) => (mem.has(`${k}:${n}`) ? true : (mem.add(`${k}:${n}`), false));
      };
      const req = { path: delivered.path };
      expect(delivered.path).toBe(CALLBACK_PATH);
      expect(await verifyLibraryCallback(delivered.body, delivered.headers, creds, fresh(), req)).toEqual({ ok: true, appKey: creds.appKey });
      expect(await verifyLibraryCallback(delivered.body.replace('"revoked"', '"valid"'), delivered.headers, creds, fresh(), req)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(await verifyLibraryCallback(delivered.body, delivered.headers, { ...creds, appSecret: 'wrong-secret-wrong-secret-000' }, fresh(), req)).toEqual({ ok: false, reason: 'bad_signature' });

      const before = refused.length;
      // replaying the delivered request at our route: the nonce is spent
      const replay = await fetch(`${s.url}${CALLBACK_PATH}`, { method: 'POST', headers: delivered.headers, body: delivered.body });
      expect([replay.status, await replay.json()]).toEqual([401, { code: 'NONCE_REUSED' }]);
      // a push signed with OUR gateway key (not the library's callback key)
      const forged = signRequest({ method: 'POST', path: CALLBACK_PATH, body: delivered.body, ...s.sims.credentials.licenceLibrary.gateway });
      const forgedRes = await fetch(`${s.url}${CALLBACK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...forged }, body: delivered.body });
      expect([forgedRes.status, await forgedRes.json()]).toEqual([401, { code: 'APP_KEY_UNKNOWN' }]);
      // the right key id with a wrong secret
      const badSig = signRequest({ method: 'POST', path: CALLBACK_PATH, body: delivered.body, appKey: creds.appKey, appSecret: 'not-the-library-secret-000000' });
      const badRes = await fetch(`${s.url}${CALLBACK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...badSig }, body: delivered.body });
      expect([badRes.status, await badRes.json()]).toEqual([401, { code: 'SIGNATURE_INVALID' }]);
      const old = signRequest({ method: 'POST', path: CALLBACK_PATH, body: delivered.body, ...creds, timestamp: Math.floor(Date.now() / 1000) - 301 });
      const oldRes = await fetch(`${s.url}${CALLBACK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...old }, body: delivered.body });
      expect(await oldRes.json()).toEqual({ code: 'TIMESTAMP_EXPIRED' });
      expect(refused.slice(before)).toEqual(['NONCE_REUSED', 'APP_KEY_UNKNOWN', 'SIGNATURE_INVALID', 'TIMESTAMP_EXPIRED']);
    });
  });

  it('maps a refused signature (ours) to unavailable, keeping the code', async () => {
    const id = HOUSEHOLD_RESIDENTS[1].idNumber;
    await expect(client({ appSecret: 'not-the-secret-at-all-000000' }).licencesOf(id)).rejects.toMatchObject({ system: 'licence_library', kind: 'unavailable', upstreamCode: 'SIGNATURE_INVALID' });
    await expect(client({ appKey: 'someone-else' }).licencesOf(id)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'APP_KEY_UNKNOWN' });
  });

  it('is unavailable when the library is down, failing, throttling, slow or answering garbage', async () => {
    const id = HOUSEHOLD_RESIDENTS[1].idNumber;
    const creds = s.sims.credentials.licenceLibrary.gateway;
    await expect(createLicenceLibraryClient({ baseUrl: () => `${deadUrl}/sim/licence-library`, ...creds }).licencesOf(id)).rejects.toMatchObject({ kind: 'unavailable' });
    s.sims.dev.setFault('licence_library', { status: 503 });
    await expect(client().licencesOf(id)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
    s.sims.dev.setFault('licence_library', { status: 429, body: '{"code":"THROTTLED","message":"slow down"}', contentType: 'application/json' });
    await expect(client().licencesOf(id)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'THROTTLED' });
    s.sims.dev.setFault('licence_library', { status: 200, body: '{"licences":[{"type":"id_card"}]}', contentType: 'application/json' });
    await expect(client().licencesOf(id)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    s.sims.dev.setFault('licence_library', { delayMs: 400 });
    await expect(client({ timeoutMs: 50 }).licencesOf(id)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
  });
});

describe('licence library client: what it makes of the answers', () => {
  let url = '';
  let answer: unknown = {};
  let close: () => Promise<void> = async () => undefined;
  const sim = licenceLibrarySimulator(
    { router: new Router(), prefix: '/sim', now: Date.now, faults: new FaultBoard(), publicBase: () => 'http://127.0.0.1:1' },
    { credentials: generateLicenceLibraryCredentials(), callbackUrl: () => 'http://127.0.0.1:1/' },
  );
  const holder = HOUSEHOLD_RESIDENTS[0].idNumber;
  const genuine = sim.licencesOf(holder);

  beforeAll(async () => {
    const app = new Koa();
    app.silent = true;
    app.use((ctx) => {
      ctx.body = answer;
    });
    const server = await listen(app);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => closeServer(server);
  });
  afterAll(async () => {
    sim.stop();
    await close();
  });
  const client = () => createLicenceLibraryClient({ baseUrl: () => url, appKey: 'k-test', appSecret: 's-test-0123456789abcdef' });

  it('skips licences of type codes this platform does not handle', async () => {
    const foreign = { ...genuine[0], type: 'marriage', typeCode: '11100000000013442X001' };
    answer = { licences: [genuine[0], foreign, genuine[1]] };
    expect((await client().licencesOf(holder)).map((l) => l.licenceId)).toEqual([genuine[0].licenceId, genuine[1].licenceId]);
  });

  it('drops field values a type does not carry', async () => {
    answer = { licences: [{ ...genuine[0], fields: { ...genuine[0].fields, plateNumber: '湘A12345' } }] };
    const [card] = await client().licencesOf(holder);
    expect(card.fields).toEqual(genuine[0].fields);
  });

  it('refuses the whole answer when a licence belongs to another holder, or disagrees with its identifier', async () => {
    const stranger = sim.licencesOf(HOUSEHOLD_RESIDENTS[1].idNumber)[0];
    answer = { licences: [genuine[0], stranger] };
    await expect(client().licencesOf(holder)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response', message: expect.stringContaining('another holder') });
    answer = { licences: [{ ...genuine[0], version: 2 }] };
    await expect(client().licencesOf(holder)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    answer = { licences: [{ ...genuine[0], typeCode: LICENCE_TYPES.passport.typeCode }] };
    await expect(client().licencesOf(holder)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    answer = { licence: genuine[1] };
    await expect(client().licence(genuine[0].licenceId)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response', message: expect.stringContaining('another licence') });
    answer = { licence: genuine[0] };
    expect(await client().licence(genuine[0].licenceId)).toEqual(genuine[0]);
    expect(isValidIdNumber(holder)).toBe(true);
  });
});
