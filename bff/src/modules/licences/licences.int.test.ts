import { randomUUID } from 'node:crypto';
import type { LicenceDetail, LicenceGrant, LicenceList, LicenceSummary, LicenceUsage, OpenGrantedLicence, Page, PartnerSecretIssued, Presentation, SignatureAlgorithm, VerifyLicenceResponse } from '@onevisit/shared-types';
import { expectError as error, expectJson as json } from '../../testing/http';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber, type TestCitizen } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { storageModes } from '../../testing/storage';
import { signedHeaders } from '../partners/signature';
import { LicenceKeyRing } from './keys';
import { signPresentation, verifyPresentation } from './tokens';

const ADMIN = { username: 'admin.licences', password: 'Correct-Horse-42-Battery' };

interface RelyingParty {
  appId: string;
  secret: string;
  algorithm: SignatureAlgorithm;
}

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(storageModes().map((m) => [m.name, m] as const))('e-licences on %s', (_name, mode) => {
  let app: TestApp;
  let admin: ConsoleClient;
  let alice: TestCitizen;
  let hotel: RelyingParty;
  let carRental: RelyingParty;
  let bank: RelyingParty;
  let platform: RelyingParty;
  const idNumber = testIdNumber('19900101', '123');

  const wallet = async (c: TestCitizen) => json<LicenceList>(await app.get('/api/v1/licences', c.auth), 200);
  const ofType = async (type: string): Promise<LicenceSummary> => {
    const found = (await wallet(alice)).licences.find((l) => l.type === type);
    if (!found) throw new Error(`alice has no ${type}`);
    return found;
  };
  const present = (licenceId: string, body: Record<string, unknown>) => app.post(`/api/v1/licences/${encodeURIComponent(licenceId)}/presentations`, body, alice.auth);
  const presentation = async (licenceId: string, purpose: string, fields?: string[]) => json<Presentation>(await present(licenceId, { purpose, fields }), 200);
  function verify(rp: RelyingParty, body: unknown): Promise<Response> {
    const raw = JSON.stringify(body);
    return fetch(`${app.url}/open/v1/licences/verify`, { method: 'POST', headers: { ...signedHeaders({ algorithm: rp.algorithm, appId: rp.appId, secret: rp.secret, method: 'POST', url: '/open/v1/licences/verify', body: raw }), 'content-type': 'application/json' }, body: raw });
  }
  function readGrant(rp: RelyingParty, grantId: string, reason = '开立个人银行结算账户'): Promise<Response> {
    const url = `/open/v1/licences/grants/${grantId}?reason=${encodeURIComponent(reason)}`;
    return fetch(`${app.url}${url}`, { headers: signedHeaders({ algorithm: rp.algorithm, appId: rp.appId, secret: rp.secret, method: 'GET', url }) });
  }
  async function register(appId: string, name: string, scopes: string[], relyingPartyType: string | null): Promise<RelyingParty> {
    const issued = await json<PartnerSecretIssued>(await admin.request('POST', '/partners', { appId, name, algorithm: 'HMAC-SHA256', scopes, relyingPartyType }), 200);
    return { appId, secret: issued.secret!, algorithm: 'HMAC-SHA256' };
  }

  beforeAll(async () => {
    app = await startTestApp(mode, { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password });
    admin = new ConsoleClient(app.url);
    await json(await admin.login(ADMIN.username, ADMIN.password), 200);
    alice = await app.identity.createCitizenForTest({ phone: '13800001111', name: '张三', idNumber, face: true });
    hotel = await register('hotel-xiangjiang', '湘江大酒店', ['licences:verify'], 'hotel');
    carRental = await register('car-rental-cs', '长沙神州租车', ['licences:verify'], 'car_rental');
    bank = await register('bank-cs', '长沙银行芙蓉支行', ['licences:verify', 'licences:grant'], 'bank');
    platform = await register('gov-platform', '政务平台', ['licences:verify'], null);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('opens the wallet only at L3, masked; full data only right after a face check', async () => {
    const l2 = await app.identity.createCitizenForTest({ phone: '13900002222', name: '李四', idNumber: testIdNumber('19851212', '002') });
    const refused = await error(await app.get('/api/v1/licences', l2.auth), 403, 'IDENTITY_LEVEL_REQUIRED');
    expect(refused.details).toMatchObject({ required: 'L3' });

    const list = await wallet(alice);
    expect(list.licences.map((l) => l.type)).toEqual(expect.arrayContaining(['id_card', 'national_eid', 'household_register']));
    const card = list.licences.find((l) => l.type === 'id_card')!;
    expect(card).toMatchObject({ typeName: '居民身份证', status: 'valid', colour: 'green', holderName: '张*', licenceId: expect.stringMatching(/^1\.2\.156\.3005\.2\.11100000000013338W001\./) });
    expect(card.number).not.toContain(idNumber.slice(6, 14));
    const detail = await json<LicenceDetail>(await app.get(`/api/v1/licences/${encodeURIComponent(card.licenceId)}`, alice.auth), 200);
    expect(detail).toMatchObject({ masked: true });
    expect(detail.fields.idNumber).toMatch(/^\d{3}\*+/);
    const full = await json<LicenceDetail>(await app.post(`/api/v1/licences/${encodeURIComponent(card.licenceId)}/reveal`, {}, alice.auth), 200);
    expect(full).toMatchObject({ masked: false, fields: { idNumber, name: '张三' } });
    // Ten minutes later the face check is no longer fresh.
    const service = app.container.licences.service as unknown as { now: () => Date };
    const realNow = service.now;
    service.now = () => new Date(Date.now() + 10 * 60_000);
    try {
      await error(await app.post(`/api/v1/licences/${encodeURIComponent(card.licenceId)}/reveal`, {}, alice.auth), 403, 'FRESH_FACE_REQUIRED');
    } finally {
      service.now = realNow;
    }
    await error(await app.get(`/api/v1/licences/${encodeURIComponent(card.licenceId)}`, l2.auth), 403, 'IDENTITY_LEVEL_REQUIRED');
    expectNoPersonalDataIn(app.logs);
  });

  it("verifies a hotel check-in QR once, shows the hotel only its fields, and the citizen sees who verified", async () => {
    const card = await ofType('id_card');
    const shown = await presentation(card.licenceId, 'hotel_checkin');
    expect(shown.expiresInSeconds).toBeLessThanOrEqual(60);
    expect(shown.fields).toEqual(expect.arrayContaining(['name', 'idNumber', 'address']));
    const ok = await json<VerifyLicenceResponse>(await verify(hotel, { token: shown.token, reason: '入住登记 1208 房' }), 200);
    expect(ok).toMatchObject({ verified: true, licenceType: 'id_card', purpose: 'hotel_checkin', colour: 'green', fields: { name: '张三', idNumber } });
    expect(Object.keys(ok.fields).every((f) => ['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber', 'licenceNumber', 'nationality', 'validUntil'].includes(f))).toBe(true);
    const twice = await error(await verify(hotel, { token: shown.token, reason: '入住登记 1208 房' }), 409, 'PRESENTATION_USED');
    expect(twice.details).toEqual({ usageId: ok.usageId, verifiedAt: ok.verifiedAt });
    // The single-use mark in the KV says where the first answer is, never what it held.
    const mark = await app.container.kv.get(`lic:used:${shown.tokenId}`);
    expect(JSON.parse(mark!)).toEqual({ appId: expect.any(String), usageId: ok.usageId, verifiedAt: ok.verifiedAt });
    expect(mark).not.toContain(idNumber);
    const other = await error(await verify(carRental, { token: shown.token, reason: '租车' }), 403, 'PURPOSE_NOT_ALLOWED');
    expect(other.details).not.toHaveProperty('usageId');
    const usages = await json<Page<LicenceUsage>>(await app.get(`/api/v1/licence-usages?licenceId=${encodeURIComponent(card.licenceId)}`, alice.auth), 200);
    expect(usages.items[0]).toMatchObject({ usageId: ok.usageId, relyingPartyName: '湘江大酒店', relyingPartyType: 'hotel', reason: '入住登记 1208 房', purpose: '酒店入住', via: 'presentation' });
  });

  it('refuses what a relying party may not have, and bad tokens, each with its own code', async () => {
    const card = await ofType('id_card');
    const shown = await presentation(card.licenceId, 'hotel_checkin');
    await error(await verify(carRental, { token: shown.token, reason: '租车' }), 403, 'PURPOSE_NOT_ALLOWED');
    await error(await verify(platform, { token: shown.token, reason: '核验' }), 403, 'RELYING_PARTY_TYPE_MISSING');
    const syncOnly = await register('sync-only', '只同步目录的平台', ['catalog:read'], 'hotel');
    await error(await verify(syncOnly, { token: shown.token, reason: '入住登记' }), 403, 'SCOPE_MISSING');
    await error(await verify(hotel, { token: shown.token }), 400, 'VALIDATION_FAILED');
    await error(await verify(hotel, { token: 'not.a.jws-token-of-any-kind-really', reason: '入住登记' }), 400, 'PRESENTATION_MALFORMED');
    const [h, p, s] = shown.token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    payload.fld.name = '王五';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await error(await verify(hotel, { token: tampered, reason: '入住登记' }), 422, 'PRESENTATION_SIGNATURE_INVALID');
    const stranger = await LicenceKeyRing.generate('ES256', 'stranger-key');
    const foreign = await signPresentation(await LicenceKeyRing.fromJwks([stranger.privateJwk], 'stranger-key'), { sub: card.licenceId, lt: 'id_card', pur: 'hotel_checkin', fld: { name: '张三' }, st: 'valid' }, { ttlSeconds: 60 });
    await error(await verify(hotel, { token: foreign.token, reason: '入住登记' }), 422, 'PRESENTATION_KEY_UNKNOWN');
    const old = await signPresentation(app.container.licences.keys, { sub: card.licenceId, lt: 'id_card', pur: 'hotel_checkin', fld: { name: '张三' }, st: 'valid' }, { ttlSeconds: 60, now: new Date(Date.now() - 120_000) });
    await error(await verify(hotel, { token: old.token, reason: '入住登记' }), 422, 'PRESENTATION_EXPIRED');
    // The refusals above did not spend the genuine token.
    await json(await verify(hotel, { token: shown.token, reason: '入住登记' }), 200);
    // A purpose the licence does not serve; custom fields it does not carry.
    await error(await present(card.licenceId, { purpose: 'car_rental' }), 422, 'PURPOSE_NOT_FOR_LICENCE');
    await error(await present(card.licenceId, { purpose: 'custom', fields: ['plateNumber'] }), 422, 'LICENCE_FIELD_UNKNOWN');
    const custom = await presentation(card.licenceId, 'custom', ['name']);
    const minimal = await json<VerifyLicenceResponse>(await verify(hotel, { token: custom.token, reason: '访客登记' }), 200);
    expect(minimal.fields).toEqual({ name: '张三' });
    // The JWKS publishes the key the tokens name.
    const jwks = await json<{ keys: { kid: string; d?: string }[] }>(await app.get('/.well-known/jwks.json'), 200);
    const kid = JSON.parse(Buffer.from(shown.token.split('.')[0], 'base64url').toString('utf8')).kid;
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('fails every presentation of a licence the library revokes, at once; an abnormal licence verifies red', async () => {
    const card = await ofType('id_card');
    const before = await presentation(card.licenceId, 'hotel_checkin');
    await app.sims.licenceRevoke(card.licenceId, '已补领新证');
    await until(async () => (await ofType('id_card')).status, (s) => s === 'revoked', 'the revocation to arrive');
    await error(await verify(hotel, { token: before.token, reason: '入住登记' }), 409, 'LICENCE_REVOKED');
    // The refusal did not spend the token: asking again tells the real reason again.
    await error(await verify(hotel, { token: before.token, reason: '入住登记' }), 409, 'LICENCE_REVOKED');
    await error(await present(card.licenceId, { purpose: 'hotel_checkin' }), 409, 'LICENCE_NOT_PRESENTABLE');

    const driving = await ofType('driving_licence').catch(() => null);
    if (!driving) throw new Error('the simulated library should give an adult a driving licence');
    await app.sims.licenceSetAbnormal(driving.licenceId, '累积记分已满12分');
    await until(async () => (await ofType('driving_licence')).colour, (c) => c === 'red', 'the abnormal status');
    const shown = await presentation(driving.licenceId, 'car_rental');
    // The token says so too, for verifiers without a network (the offline verifier shows it red).
    expect((await verifyPresentation(app.container.licences.keys, shown.token)).st).toBe('abnormal');
    expect((await verifyPresentation(app.container.licences.keys, before.token)).st).toBe('valid');
    const red = await json<VerifyLicenceResponse>(await verify(carRental, { token: shown.token, reason: '租车 湘A·12345' }), 200);
    expect(red).toMatchObject({ status: 'abnormal', colour: 'red', statusNote: '累积记分已满12分' });
  });

  it('lets a citizen grant a bank time-limited access, and revoke it', async () => {
    const eid = await ofType('national_eid');
    const grantees = await json<{ partners: { appId: string }[] }>(await app.get('/api/v1/licence-grantees', alice.auth), 200);
    expect(grantees.partners.map((p) => p.appId)).toEqual(['bank-cs']);
    const body = { licenceId: eid.licenceId, idempotencyKey: randomUUID(), appId: 'bank-cs', purpose: '开立个人银行结算账户', fields: ['name', 'idNumber'], days: 7 };
    const grant = await json<LicenceGrant>(await app.post('/api/v1/licence-grants', body, alice.auth), 200);
    expect(await json<LicenceGrant>(await app.post('/api/v1/licence-grants', body, alice.auth), 200)).toMatchObject({ grantId: grant.grantId });
    await error(await app.post('/api/v1/licence-grants', { ...body, idempotencyKey: randomUUID(), appId: 'hotel-xiangjiang' }, alice.auth), 422, 'GRANTEE_UNKNOWN');
    const read = await json<OpenGrantedLicence>(await readGrant(bank, grant.grantId), 200);
    expect(read).toMatchObject({ licenceType: 'national_eid', fields: { name: '张三', idNumber } });
    expect(Object.keys(read.fields).sort()).toEqual(['idNumber', 'name']);
    await error(await readGrant(hotel, grant.grantId), 403, 'SCOPE_MISSING');
    await json(await fetch(`${app.url}/api/v1/licence-grants/${grant.grantId}`, { method: 'DELETE', headers: alice.auth }), 200);
    await error(await readGrant(bank, grant.grantId), 410, 'GRANT_INACTIVE');
    const usages = await json<Page<LicenceUsage>>(await app.get('/api/v1/licence-usages', alice.auth), 200);
    expect(usages.items.find((u) => u.via === 'grant')).toMatchObject({ relyingPartyName: '长沙银行芙蓉支行', purpose: '开立个人银行结算账户' });
  });
});
