/**
 * Protocol-faithful simulators of the identity capability's outside systems, as one Koa router
 * (prefix `/sim`) with in-memory state. Mount: `app.use(sims.router.routes())` — before any body
 * parser that would consume their bodies (signatures cover raw bytes), never in production unless
 * configured. Production code never imports this module except through the container.
 *
 *   /sim/wechat/…           api.weixin.qq.com (jscode2session, cgi-bin/token and stable_token, face getinfo, subscribe/send)
 *   /sim/alipay/gateway.do  Alipay OpenAPI 2.0 gateway, RSA2 both ways; /sim/alipay/certify page
 *   /sim/sms/v1/sms/send    signed SMS gateway; /sim/sms/dev/outbox?phone=… (last message)
 *   /sim/household/v1/identity/verify   signed 人口信息核验
 *   /sim/face/v1/face/certify[/:id]     signed H5 face service; /sim/face/page (the page)
 *   /sim/idp/<id>/.well-known/jwks.json trusted issuers hunan, hubei, chongqing, sichuan
 *   /sim/upstream/v1/{system}/cases…    signed police business systems (户政/出入境/交管/治安); they
 *                                        call back signed to `/open/v1/upstream/callback`
 *   /sim/province/api/v1/…  the provincial platform receiving our signed pushes (catalogue, case events)
 *   /sim/licence-library/v1/licences…  signed provincial licence library (电子证照库); it calls back
 *                                        signed to `/open/v1/licence-library/callback`
 *   /sim/dev/…              POST JSON hooks to mint codes and tokens without a phone
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { isValidIdNumber } from '@onevisit/shared-types';
import type { IdentityAdapterOptions } from '../adapters';
import type { UpstreamClientOptions } from '../adapters/upstream';
import type { SimContext } from './context';
import { alipaySimulator, generateAlipayKeys, type AlipayCredentials } from './alipay';
import { faceSimulator, type FaceStatus } from './face';
import { HOUSEHOLD_RESIDENTS, householdSimulator } from './household';
import { idpSimulator, isSimIdpId, simulatedIssuers, SIM_IDP_ISSUERS, type IdpClaims, type IdpTokenOptions, type SimIdpId, type SimIssuer } from './idp';
import { smsSimulator, type SentSms } from './sms';
import { generateUpstreamCredentials, upstreamSimulator, type UpstreamRule, type UpstreamSimCredentials, type UpstreamSimulator } from './upstream';
import { wechatPaySimulator, type WechatPaySimulator, type WechatPaySimulatorOptions } from './wechatpay';
import { courierSimulator, generateCourierCredentials, type CourierSimCredentials, type CourierSimulator } from './courier';
import type { WechatPayClientOptions } from '../adapters/wechatpay';
import type { SignedGatewayOptions } from '../adapters/signedGateway';
import { FaultBoard, parseJsonObject, randomToken, readRawBody, SYSTEMS, type Fault, type SystemName } from './util';
import { wechatSimulator, type WechatCredentials, type WechatFaceResultInput } from './wechat';
import { notificationLog, type NotificationLog } from './notifications';
import { generateProvinceCredentials, provinceSimulator, type ProvinceReceived, type ProvinceSimCredentials, type ProvinceSimulator } from './province';
import type { SignatureAlgorithm } from '@onevisit/shared-types';
import type { ProvinceClientOptions } from '../adapters/province';
import type { MappingProfile } from '../modules/partners/mapping/profile';
import { builtInProfiles, loadProfilesFromDir } from '../modules/partners/mapping/registry';
// licence library (电子证照库)
import { OPEN_API_PREFIX, openPaths } from '@onevisit/shared-types';
import type { LibraryLicence, LicenceLibraryClientOptions, LicenceLibraryEvent } from '../adapters/licenceLibrary';
import { generateLicenceLibraryCredentials, licenceLibrarySimulator, type LicenceLibrarySimCredentials, type LicenceLibrarySimulator } from './licenceLibrary';

export { HOUSEHOLD_RESIDENTS } from './household';
export { SIM_IDP_ISSUERS, simulatedIssuers, type SimIdpId, type SimIssuer, type IdpClaims, type IdpTokenOptions } from './idp';
export { SMS_TEMPLATES, type SentSms } from './sms';
export type { Fault, SystemName } from './util';
export type { AlipayCredentials } from './alipay';
export type { WechatCredentials, WechatFaceResultInput } from './wechat';
export type { NotificationLog, SentNotification } from './notifications';
export type { UpstreamRule, UpstreamSimCredentials, UpstreamSimulator } from './upstream';
export type { WechatPaySimulator } from './wechatpay';
export type { CourierSimulator, CourierSimCredentials } from './courier';
export type { ProvinceSimulator, ProvinceSimCredentials, ProvinceReceived } from './province';
export type { LicenceLibrarySimulator, LicenceLibrarySimCredentials, LicenceLibraryDeliveryAttempt } from './licenceLibrary';

export interface SimulatorOptions {
  /** Mount prefix of the router; default `/sim`. */
  prefix?: string;
  /**
   * Public origin the simulators are reached at, e.g. `() => 'http://127.0.0.1:3000'`: used in
   * the URLs they hand out (face page) and in the IdP issuers. Unset ⇒ the request's own origin;
   * the programmatic `idpToken` hook then needs `options.iss`.
   */
  publicBase?: () => string;
  /** Clock in ms; default Date.now. Tests move it to expire codes. */
  now?: () => number;
  /** `aud` of IdP tokens by default (the BFF's TOKEN_AUDIENCE); default `onevisit-430000`. */
  idpAudience?: string;
  /** jscode2session calls per minute before 45011; default 5000. */
  wechatQuotaPerMinute?: number;
  /** Pre-made Alipay keys (RSA 2048 generation takes ~100 ms per pair); default generated. */
  alipayKeys?: { credentials: AlipayCredentials; alipayPrivateKey: string };
  /** The police business systems: delay of each rule step (default 1500 ms) and rules by item code. */
  upstream?: { stepDelayMs?: number; rules?: Record<string, UpstreamRule>; retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number } };
  /** WeChat Pay: notification retry scale, refund delay … */
  wechatPay?: Omit<WechatPaySimulatorOptions, 'appId'>;
  /** The courier: delay of each parcel step (default 2000 ms). */
  courier?: { stepDelayMs?: number };
  /** The provincial platform: the algorithm it issued our credentials for (default HMAC-SM3), its dialect (a profile or a profile id; default `hunan-province`), and where non-built-in profiles live. */
  province?: { algorithm?: SignatureAlgorithm; profile?: MappingProfile | string; profilesDir?: string };
  /** The licence library: status-callback retries (attempts in all, first backoff, cap). */
  licenceLibrary?: { retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number } };
}

export interface SignedGatewayCredentials {
  appKey: string;
  appSecret: string;
}

/** Everything the adapters need to talk to these simulators. */
export interface SimulatorCredentials {
  wechat: WechatCredentials;
  alipay: AlipayCredentials;
  sms: SignedGatewayCredentials;
  household: SignedGatewayCredentials;
  face: SignedGatewayCredentials;
  upstream: UpstreamSimCredentials;
  courier: CourierSimCredentials;
  province: ProvinceSimCredentials;
  /** The licence library: `gateway` signs our calls, `callback` is what its status pushes are signed with. */
  licenceLibrary: LicenceLibrarySimCredentials;
}

export interface SimulatorDevHooks {
  /** A one-time wx.login code (5 minutes) for this openid. */
  wechatLoginCode(openid: string, unionid?: string): string;
  /** A verify_result as wx.startFacialRecognitionVerify returns it, carrying the outcome. */
  wechatFaceResult(input: WechatFaceResultInput): string;
  /** Makes issued WeChat access tokens stale (40001), to exercise refresh. */
  wechatExpireAccessTokens(): void;
  /** How many access tokens cgi-bin/token and stable_token have issued (tests check caching). */
  wechatTokensIssued(): number;
  /** A one-time my.getAuthCode code; userId defaults to a fresh 2088… id. */
  alipayAuthCode(userId?: string, openId?: string): { authCode: string; userId: string; openId: string };
  /** Completes an Alipay certification as the certify page's buttons do. */
  alipayCompleteCertify(certifyId: string, pass: boolean): boolean;
  /** The last SMS sent to this phone (never returned by the send endpoint). */
  lastSmsTo(phone: string): SentSms | undefined;
  /** Completes an H5 face certification as the page's buttons do. */
  faceComplete(certifyId: string, pass: boolean): boolean;
  faceStatus(certifyId: string): FaceStatus | undefined;
  /** What the simulated household registry answers for this pair. */
  householdWouldMatch(name: string, idNumber: string): boolean;
  /** A JWT from a simulated trusted issuer (ES256, kid in header). */
  idpToken(issuerId: SimIdpId, claims: IdpClaims, options?: IdpTokenOptions): Promise<string>;
  idpRotateKey(issuerId: SimIdpId, options?: { removeOld?: boolean }): Promise<{ kid: string; removed: string[] }>;
  idpRemoveKey(issuerId: SimIdpId, kid: string): void;
  idpCurrentKid(issuerId: SimIdpId): Promise<string>;
  /** Slows down or breaks one system (status answered instead of the handler); null clears. */
  setFault(system: SystemName, fault: Fault | null): void;
  clearFaults(): void;
  /** The user taps 允许 in wx.requestSubscribeMessage: one subscribe message per template (any number when long-term). */
  wechatSubscribe(openid: string, templateIds: string[], options?: { longTerm?: boolean }): void;
  /** The user agrees in my.requestSubscribeMessage: one template message per template (any number when long-term). */
  alipaySubscribe(userId: string, templateIds: string[], options?: { longTerm?: boolean }): void;
  /** What the simulated WeChat, Alipay and SMS delivered to citizens. */
  notifications: NotificationLog;
  /** What the simulated provincial platform received (catalogue versions, case events, every request). */
  provinceReceived(): ProvinceReceived;
  /** The provincial platform's next n requests fail (HTTP 500, or a hang until the caller times out). */
  provinceFail(n: number, mode?: 'error' | 'timeout'): void;

  // ---- licence library (电子证照库): each status change is pushed, signed, to /open/v1/licence-library/callback
  /** What the library holds for this ID number (the same as the signed query answers). */
  licencesOf(idNumber: string): LibraryLicence[];
  /** 注销 (default note 已注销). Undefined when unknown or already revoked. */
  licenceRevoke(licenceId: string, note?: string): LicenceLibraryEvent | undefined;
  /** 状态异常, e.g. 累积记分已满12分. Undefined when unknown or revoked. */
  licenceSetAbnormal(licenceId: string, note: string): LicenceLibraryEvent | undefined;
  /** 换领: a new version valid from today; the old one revoked (已换领新证) with replacedBy. */
  licenceReissue(licenceId: string): { licence: LibraryLicence; event: LicenceLibraryEvent } | undefined;
  /** Ends the validity yesterday (已超过有效期). Undefined when unknown, revoked or already expired. */
  licenceExpire(licenceId: string): LicenceLibraryEvent | undefined;
  /** Abnormal → valid. Undefined unless abnormal. */
  licenceRestore(licenceId: string): LicenceLibraryEvent | undefined;
  /** The name the library has for an ID number (e.g. the citizen's verified name); false for an invalid pair. */
  licenceRegisterHolder(idNumber: string, name: string): boolean;
}

export interface Simulators {
  /** The police business systems: rules, events, manual decisions (tests and the dev page). */
  upstream: UpstreamSimulator;
  /** The Alipay gateway: pay a trade (the cashier), plant bill rows. */
  alipay: ReturnType<typeof alipaySimulator>;
  /** WeChat Pay API v3: pay an order, settle refunds, plant bill mismatches. */
  wechatPay: WechatPaySimulator;
  /** The EMS-style courier: waybills, parcel steps, signed tracking pushes. */
  courier: CourierSimulator;
  /** The provincial platform receiving our pushes: what arrived, fault injection. */
  province: ProvinceSimulator;
  /** The provincial licence library: licences by holder, status changes, signed status pushes. */
  licenceLibrary: LicenceLibrarySimulator;
  /** Cancels the simulators' timers (upstream decisions and callbacks in flight). */
  stop(): void;
  router: Router;
  prefix: string;
  credentials: SimulatorCredentials;
  /** The trusted-issuer list for these simulators (needs publicBase, or pass a base). */
  issuers(publicBase?: string): SimIssuer[];
  /**
   * Adapter options pointing at these simulators, for `createIdentityAdapters`. `appBase` is the
   * BFF's own origin (known after listen), e.g. `() => 'http://127.0.0.1:3000'`.
   */
  adapterOptions(
    appBase: () => string,
    extra?: { timeoutMs?: number },
  ): IdentityAdapterOptions & {
    upstream: UpstreamClientOptions;
    wechatPay: WechatPayClientOptions;
    courier: SignedGatewayOptions;
    province: Omit<ProvinceClientOptions, 'profile'>;
    licenceLibrary: LicenceLibraryClientOptions;
  };
  dev: SimulatorDevHooks;
}

function signedCredentials(tag: string): SignedGatewayCredentials {
  return { appKey: `ov-${tag}-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') };
}

export function createSimulators(options: SimulatorOptions = {}): Simulators {
  const prefix = options.prefix ?? '/sim';
  const router = new Router({ prefix });
  const sim: SimContext = {
    router,
    prefix,
    now: options.now ?? Date.now,
    faults: new FaultBoard(),
    publicBase(ctx?: Context) {
      if (options.publicBase) return options.publicBase().replace(/\/+$/, '');
      if (ctx) return `${ctx.protocol}://${ctx.host}`; // koa 3: ctx.origin is null without an Origin header
      throw new Error('simulators: publicBase is not configured (pass options.publicBase)');
    },
  };

  const alipayKeys = options.alipayKeys ?? generateAlipayKeys();
  const credentials: SimulatorCredentials = {
    wechat: { appId: `wx${randomToken(8)}`, appSecret: randomToken(16) },
    alipay: alipayKeys.credentials,
    sms: signedCredentials('sms'),
    household: signedCredentials('household'),
    face: signedCredentials('face'),
    upstream: generateUpstreamCredentials(),
    courier: generateCourierCredentials(),
    province: generateProvinceCredentials(options.province?.algorithm),
    licenceLibrary: generateLicenceLibraryCredentials(),
  };

  const wechat = wechatSimulator(sim, credentials.wechat, { quotaPerMinute: options.wechatQuotaPerMinute });
  const alipay = alipaySimulator(sim, alipayKeys);
  const sms = smsSimulator(sim, credentials.sms);
  const household = householdSimulator(sim, credentials.household);
  const face = faceSimulator(sim, credentials.face);
  const idp = idpSimulator(sim, { audience: options.idpAudience });
  const wechatPay = wechatPaySimulator(sim, { appId: credentials.wechat.appId, ...options.wechatPay });
  const courier = courierSimulator(sim, { credentials: credentials.courier, callbackUrl: () => `${sim.publicBase()}/open/v1/courier/push`, stepDelayMs: options.courier?.stepDelayMs });
  const province = provinceSimulator(sim, { credentials: credentials.province, profile: provinceProfile(options.province) });
  const upstream = upstreamSimulator(sim, {
    credentials: credentials.upstream,
    callbackUrl: () => `${sim.publicBase()}/open/v1/upstream/callback`,
    stepDelayMs: options.upstream?.stepDelayMs,
    rules: options.upstream?.rules,
    retry: options.upstream?.retry,
  });
  const licenceLibrary = licenceLibrarySimulator(sim, {
    credentials: credentials.licenceLibrary,
    callbackUrl: () => `${sim.publicBase()}${OPEN_API_PREFIX}${openPaths.licenceLibraryCallback}`,
    retry: options.licenceLibrary?.retry,
  });

  const dev: SimulatorDevHooks = {
    wechatLoginCode: (openid, unionid) => wechat.loginCode(openid, unionid),
    wechatFaceResult: (input) => wechat.faceResult(input),
    wechatExpireAccessTokens: () => wechat.expireAccessTokens(),
    wechatTokensIssued: () => wechat.tokensIssued(),
    alipayAuthCode: (userId, openId) => alipay.authCode(userId, openId),
    alipayCompleteCertify: (certifyId, pass) => alipay.completeCertify(certifyId, pass),
    lastSmsTo: (phone) => sms.lastSmsTo(phone),
    faceComplete: (certifyId, pass) => face.complete(certifyId, pass),
    faceStatus: (certifyId) => face.status(certifyId),
    householdWouldMatch: (name, idNumber) => household.wouldMatch(name, idNumber),
    idpToken: (issuerId, claims, opts) => idp.mintToken(issuerId, claims, opts),
    idpRotateKey: (issuerId, opts) => idp.rotateKey(issuerId, opts),
    idpRemoveKey: (issuerId, kid) => idp.removeKey(issuerId, kid),
    idpCurrentKid: (issuerId) => idp.currentKid(issuerId),
    setFault: (system, fault) => sim.faults.set(system, fault),
    clearFaults: () => sim.faults.clear(),
    wechatSubscribe: (openid, templateIds, opts) => wechat.subscribe(openid, templateIds, opts),
    alipaySubscribe: (userId, templateIds, opts) => alipay.subscribe(userId, templateIds, opts),
    notifications: notificationLog(wechat, alipay, sms),
    provinceReceived: () => province.received(),
    provinceFail: (n, mode) => province.failNext(n, mode),
    licencesOf: (idNumber) => licenceLibrary.licencesOf(idNumber),
    licenceRevoke: (licenceId, note) => licenceLibrary.revoke(licenceId, note),
    licenceSetAbnormal: (licenceId, note) => licenceLibrary.setAbnormal(licenceId, note),
    licenceReissue: (licenceId) => licenceLibrary.reissue(licenceId),
    licenceExpire: (licenceId) => licenceLibrary.expire(licenceId),
    licenceRestore: (licenceId) => licenceLibrary.restore(licenceId),
    licenceRegisterHolder: (idNumber, name) => licenceLibrary.registerHolder(idNumber, name),
  };

  registerDevRoutes(sim, dev);

  return {
    router,
    prefix,
    credentials,
    upstream,
    alipay,
    wechatPay,
    courier,
    province,
    licenceLibrary,
    stop: () => {
      upstream.stop();
      wechatPay.stop();
      courier.stop();
      alipay.stop();
      province.stop();
      licenceLibrary.stop();
    },
    issuers: (publicBase) => simulatedIssuers(publicBase ?? sim.publicBase(), prefix),
    adapterOptions(appBase, extra = {}) {
      const at = (path: string) => () => `${appBase().replace(/\/+$/, '')}${prefix}${path}`;
      const t = { timeoutMs: extra.timeoutMs };
      return {
        wechat: { baseUrl: at('/wechat'), appId: credentials.wechat.appId, appSecret: credentials.wechat.appSecret, ...t },
        alipay: {
          gatewayUrl: at('/alipay/gateway.do'),
          appId: credentials.alipay.appId,
          privateKey: credentials.alipay.privateKey,
          alipayPublicKey: credentials.alipay.alipayPublicKey,
          ...t,
        },
        sms: { baseUrl: at('/sms'), ...credentials.sms, ...t },
        household: { baseUrl: at('/household'), ...credentials.household, ...t },
        face: { baseUrl: at('/face'), ...credentials.face, ...t },
        upstream: { baseUrl: at('/upstream'), ...credentials.upstream.gateway, ...t },
        wechatPay: wechatPay.clientOptions(at('/wechatpay'), t),
        courier: { baseUrl: at('/courier'), ...credentials.courier.gateway, ...t },
        province: { baseUrl: at('/province'), ...credentials.province, ...t },
        licenceLibrary: { baseUrl: at('/licence-library'), ...credentials.licenceLibrary.gateway, ...t },
      };
    },
    dev,
  };
}

/** The provincial simulator's dialect: the profile given, or the built-in (or operators') profile of that id. */
function provinceProfile(o: SimulatorOptions['province']): MappingProfile {
  const wanted = o?.profile ?? 'hunan-province';
  if (typeof wanted !== 'string') return wanted;
  const found = [...builtInProfiles(), ...(o?.profilesDir ? loadProfilesFromDir(o.profilesDir) : [])].find((p) => p.id === wanted);
  if (!found) throw new Error(`simulators: no mapping profile ${wanted} for the provincial platform`);
  return found;
}

/** `/sim/dev/*`: POST JSON hooks for the H5 app, browser tests and developers (no phone needed). */
function registerDevRoutes(sim: SimContext, dev: SimulatorDevHooks) {
  const { router } = sim;

  async function json(ctx: Context): Promise<Record<string, unknown> | undefined> {
    const body = parseJsonObject(await readRawBody(ctx, 64 * 1024));
    if (!body) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_JSON', message: 'body must be a JSON object' };
    }
    ctx.set('Cache-Control', 'no-store');
    return body;
  }
  function bad(ctx: Context, message: string) {
    ctx.status = 400;
    ctx.body = { code: 'INVALID_ARGUMENT', message };
  }
  const optionalString = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

  router.get('/dev', (ctx) => {
    const p = sim.prefix;
    ctx.body = {
      hooks: [
        `POST ${p}/dev/wechat/login-code {openid?, unionid?} → {code, openid}`,
        `POST ${p}/dev/wechat/face-result {openid, name, idNumber, pass} → {verifyResult}`,
        `POST ${p}/dev/alipay/auth-code {userId?, openId?} → {authCode, userId, openId}`,
        `POST ${p}/dev/idp/token {issuer, sub, name, idNumber, acr, aud?, expiresIn?} → {token}`,
        `POST ${p}/dev/faults {system, fault: {delayMs?, status?} | null}`,
        `GET ${p}/sms/dev/outbox?phone=… → the last SMS to that phone`,
        `POST ${p}/dev/wechat/subscribe {openid, templateIds, longTerm?} · GET ${p}/dev/wechat/messages?openid=…`,
        `POST ${p}/dev/alipay/subscribe {userId, templateIds, longTerm?} · GET ${p}/dev/alipay/messages?userId=…`,
        `GET ${p}/dev/household/residents → the residents whose names are fixed`,
        `GET ${p}/dev/idp/issuers → the simulated trusted issuers`,
        `GET ${p}/province/dev/received · POST ${p}/province/dev/fail {n, mode?: 'error' | 'timeout'} · POST ${p}/province/dev/reset`,
        `GET ${p}/licence-library/dev/holders/{idNumber}/licences · POST ${p}/licence-library/dev/holders/{idNumber}/name {name}`,
        `POST ${p}/licence-library/dev/licences/{licenceId}/revoke {note?} | abnormal {note} | reissue | expire | restore · GET ${p}/licence-library/dev/deliveries`,
      ],
    };
  });

  router.post('/dev/wechat/login-code', async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const openid = optionalString(body.openid) ?? `o${randomToken(14, 'base64url')}`;
    ctx.body = { code: dev.wechatLoginCode(openid, optionalString(body.unionid)), openid };
  });

  router.post('/dev/wechat/face-result', async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const { openid, name, idNumber, pass } = body;
    if (typeof openid !== 'string' || !openid || typeof name !== 'string' || !name || typeof idNumber !== 'string' || typeof pass !== 'boolean') {
      return bad(ctx, 'openid, name, idNumber (strings) and pass (boolean) are required');
    }
    ctx.body = { verifyResult: dev.wechatFaceResult({ openid, name, idNumber, pass }) };
  });

  router.post('/dev/alipay/auth-code', async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    ctx.body = dev.alipayAuthCode(optionalString(body.userId), optionalString(body.openId));
  });

  router.post('/dev/idp/token', async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const { issuer, sub, name, idNumber, acr, aud, expiresIn } = body;
    if (typeof issuer !== 'string' || !isSimIdpId(issuer)) return bad(ctx, `issuer must be one of ${SIM_IDP_ISSUERS.map((i) => i.id).join(', ')}`);
    if (typeof sub !== 'string' || !sub || typeof name !== 'string' || !name) return bad(ctx, 'sub and name are required');
    if (typeof idNumber !== 'string' || !isValidIdNumber(idNumber)) return bad(ctx, 'idNumber must be a valid resident ID number');
    if (acr !== 'L2' && acr !== 'L3') return bad(ctx, "acr must be 'L2' or 'L3'");
    if (aud !== undefined && typeof aud !== 'string') return bad(ctx, 'aud must be a string');
    if (expiresIn !== undefined && (typeof expiresIn !== 'number' || expiresIn < 1 || expiresIn > 86_400)) return bad(ctx, 'expiresIn: 1–86400 seconds');
    const iss = simulatedIssuers(sim.publicBase(ctx), sim.prefix).find((i) => i.id === issuer)!.issuer;
    ctx.body = { token: await dev.idpToken(issuer, { sub, name, idNumber, acr }, { iss, aud, expiresIn }) };
  });

  router.get('/dev/idp/issuers', (ctx) => {
    ctx.body = { issuers: simulatedIssuers(sim.publicBase(ctx), sim.prefix) };
  });

  router.get('/dev/household/residents', (ctx) => {
    ctx.body = { residents: HOUSEHOLD_RESIDENTS };
  });

  router.post('/dev/faults', async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const system = body.system;
    if (typeof system !== 'string' || !(SYSTEMS as readonly string[]).includes(system)) return bad(ctx, `system must be one of ${SYSTEMS.join(', ')}`);
    const f = body.fault;
    if (f === null) dev.setFault(system as SystemName, null);
    else if (f && typeof f === 'object') {
      const { delayMs, status } = f as Record<string, unknown>;
      if ((delayMs !== undefined && (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 60_000)) || (status !== undefined && (typeof status !== 'number' || status < 200 || status > 599))) {
        return bad(ctx, 'fault: {delayMs?: 0–60000, status?: 200–599} or null');
      }
      dev.setFault(system as SystemName, { delayMs: delayMs as number | undefined, status: status as number | undefined });
    } else return bad(ctx, 'fault: {delayMs?, status?} or null');
    ctx.body = { ok: true };
  });
}
