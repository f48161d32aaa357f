import { z } from 'zod';
import { ConfigError, type Config } from './config';
import { createDatabase, type Database } from './db';
import { createKv, type Kv } from './kv';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './http/metrics';
import { createIdentityAdapters, type IdentityAdapterOptions } from './adapters';
import { WechatAccessToken } from './adapters/wechat/accessToken';
import type { IdentityAdapters } from './adapters/ports';
import { AuditRepo } from './modules/audit/repo';
import { AuditService } from './modules/audit/service';
import { CalendarRepo } from './modules/calendar/repo';
import { CalendarService } from './modules/calendar/service';
import { CatalogRepo } from './modules/catalog/repo';
import { CatalogService } from './modules/catalog/service';
import { CitizenAccess } from './modules/console/citizenAccess';
import { StaffRepo } from './modules/console/staffRepo';
import { StaffService, type StaffSessionData } from './modules/console/staffService';
import { IdentityRepo } from './modules/identity/repo';
import { IdentityService, type CitizenSessionData } from './modules/identity/service';
import { TrustedIssuers, type TrustedIssuer } from './modules/identity/trustedIssuers';
import { OutboxDispatcher, OutboxRepo, OutboxService } from './outbox';
import { createPiiCipher, type PiiCipher } from './security/pii';
import { SessionStore } from './security/sessions';
import { createApplications, type Applications } from './modules/applications';
import { createPayments, type PaymentService } from './modules/payments';
import { createDelivery, type Delivery } from './modules/delivery';
import { createPartners, type Partners } from './modules/partners';
import { createLicences, type Licences } from './modules/licences';
import { createLicenceLibraryClient } from './adapters/licenceLibrary';
import { createLocalStorage, defaultMaterialsDir } from './storage';
import type { UpstreamCallbackCredentials, UpstreamClientOptions } from './adapters/upstream';
import type { ProvinceClientOptions } from './adapters/province';
import type { LibraryCallbackCredentials, LicenceLibraryClientOptions } from './adapters/licenceLibrary';
import type { Simulators } from './sim';
import { createNotifyAdapters } from './adapters/notify';
import { NotificationRepo } from './modules/notifications/repo';
import { NotificationService } from './modules/notifications/service';
import { NotificationTemplates } from './modules/notifications/templates';

/** Every port and service the app uses, wired once. Tests build one per suite. */
export interface Container {
  config: Config;
  logger: Logger;
  database: Database;
  kv: Kv;
  metrics: Metrics;
  pii: PiiCipher;
  catalog: CatalogService;
  audit: AuditService;
  calendar: CalendarService;
  outbox: OutboxService;
  /** Delivers outbox rows; modules register handlers for their topics. Started by the server. */
  outboxDispatcher: OutboxDispatcher;
  identity: IdentityService;
  staff: StaffService;
  /** Staff reads of citizens' data, audited. */
  citizenAccess: CitizenAccess;
  adapters: IdentityAdapters;
  /** Cases (办件): intake, the state machine, the approver's desk, the departments' systems. */
  applications: Applications;
  /** Payment orders, notifications, refunds and reconciliation (WeChat Pay, Alipay). */
  payments: PaymentService;
  /** Address books, the courier booking of posted results, tracking pushes. */
  delivery: Delivery;
  /** The open API for government platforms: partner registry, signed door, submissions, feed, webhooks, evidence. */
  partners: Partners;
  /** E-licences: wallet, presentations and their signing keys, verification, grants, the library's pushes. */
  licences: Licences;
  /** Case notices to citizens (WeChat, Alipay, SMS) and their channel choices. */
  notifications: NotificationService;
  /** The in-process simulators, when some outside system has no configured base URL. */
  simulators?: Simulators;
  /** This process's own origin, set once listening (simulator URLs and issuers derive from it). */
  selfUrl: { value: string };
  /** Set when shutdown begins; readiness fails from then on. */
  lifecycle: { draining: boolean };
  close(): Promise<void>;
}

const TrustedIssuersSchema = z.array(
  z.object({ id: z.string().regex(/^[a-z0-9_-]{2,32}$/), name: z.string().min(2), issuer: z.string().min(3), jwksUrl: z.url() }),
);

function trustedIssuersFrom(config: Config, simulators: Simulators | undefined, selfUrl: { value: string }): () => TrustedIssuer[] {
  if (config.identity.trustedIssuers) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(config.identity.trustedIssuers);
    } catch {
      throw new ConfigError('config error: TRUSTED_ISSUERS is not valid JSON');
    }
    const result = TrustedIssuersSchema.safeParse(parsed);
    if (!result.success) throw new ConfigError(`config error: TRUSTED_ISSUERS ${result.error.issues[0].message}`);
    return () => result.data;
  }
  return () => simulators!.issuers(selfUrl.value);
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`config error: ${name} is required when its system's base URL is set`);
  return value;
}

/** Real adapters where a base URL is configured (with their credentials), simulators elsewhere. */
function adapterOptions(config: Config, simulators: Simulators | undefined, selfUrl: { value: string }): IdentityAdapterOptions {
  const sim = simulators?.adapterOptions(() => selfUrl.value);
  const { upstream, adapters: a } = config;
  return {
    wechat: upstream.wechatApi
      ? { baseUrl: () => upstream.wechatApi!, appId: required(a.wechat.appId, 'WECHAT_APP_ID'), appSecret: required(a.wechat.appSecret, 'WECHAT_APP_SECRET') }
      : sim!.wechat,
    alipay: upstream.alipayGateway
      ? {
          gatewayUrl: () => upstream.alipayGateway!,
          appId: required(a.alipay.appId, 'ALIPAY_APP_ID'),
          privateKey: required(a.alipay.privateKey, 'ALIPAY_PRIVATE_KEY'),
          alipayPublicKey: required(a.alipay.publicKey, 'ALIPAY_PUBLIC_KEY'),
        }
      : sim!.alipay,
    sms: upstream.sms ? { baseUrl: () => upstream.sms!, appKey: required(a.sms.appKey, 'SMS_APP_KEY'), appSecret: required(a.sms.appSecret, 'SMS_APP_SECRET') } : sim!.sms,
    household: a.household.baseUrl
      ? { baseUrl: () => a.household.baseUrl!, appKey: required(a.household.appKey, 'HOUSEHOLD_APP_KEY'), appSecret: required(a.household.appSecret, 'HOUSEHOLD_APP_SECRET') }
      : sim!.household,
    face: a.face.baseUrl
      ? { baseUrl: () => a.face.baseUrl!, appKey: required(a.face.appKey, 'FACE_APP_KEY'), appSecret: required(a.face.appSecret, 'FACE_APP_SECRET') }
      : sim!.face,
  };
}

async function createSimulatorsIfNeeded(config: Config, selfUrl: { value: string }): Promise<Simulators | undefined> {
  const { upstream, adapters: a } = config;
  const unset = [
    ['WECHAT_API_BASE_URL', upstream.wechatApi],
    ['ALIPAY_GATEWAY_URL', upstream.alipayGateway],
    ['SMS_BASE_URL', upstream.sms],
    ['HOUSEHOLD_BASE_URL', a.household.baseUrl],
    ['FACE_BASE_URL', a.face.baseUrl],
    ['UPSTREAM_BASE_URL', a.upstream.baseUrl],
    ['COURIER_BASE_URL', config.delivery.courier.baseUrl],
    ['PROVINCE_API_BASE_URL', config.province.baseUrl],
    ['LICENCE_LIBRARY_BASE_URL', a.licenceLibrary.baseUrl],
    ['TRUSTED_ISSUERS', config.identity.trustedIssuers],
  ].filter(([, v]) => !v);
  if (!unset.length) return undefined;
  if (!a.allowSimulators) {
    throw new ConfigError(`config error: ${unset.map(([n]) => n).join(', ')} not set; production does not run on simulators (ALLOW_SIMULATORS=true to allow)`);
  }
  // Loaded only here: production code paths never import the simulators otherwise.
  const { createSimulators } = await import('./sim');
  return createSimulators({
    publicBase: () => selfUrl.value,
    idpAudience: config.identity.tokenAudience,
    upstream: { stepDelayMs: a.simUpstreamStepMs },
    courier: { stepDelayMs: config.delivery.simCourierStepMs },
    province: { algorithm: config.province.algorithm, profile: config.province.profile, profilesDir: config.openApi.profilesDir },
  });
}

/**
 * Case notices on the same channels as identity (configured systems or the simulators). A real
 * WeChat or Alipay without NOTIFY_*_TEMPLATES stays silent rather than sending dev template ids.
 */
function createNotifications(
  config: Config,
  simulators: Simulators | undefined,
  selfUrl: { value: string },
  database: Database,
  identity: IdentityService,
  logger: Logger,
  wechatToken: WechatAccessToken,
): NotificationService {
  const channels = adapterOptions(config, simulators, selfUrl);
  const n = config.notifications;
  const adapters = createNotifyAdapters({
    wechat: { ...channels.wechat, miniprogramState: n.wechatState, accessToken: wechatToken },
    alipay: channels.alipay,
    sms: channels.sms,
  });
  const wechat = n.wechatTemplates ?? (config.upstream.wechatApi ? null : {});
  const alipay = n.alipayTemplates ?? (config.upstream.alipayGateway ? null : {});
  if (!wechat) logger.warn('case notices: WeChat is off (WECHAT_API_BASE_URL is set but NOTIFY_WECHAT_TEMPLATES is not)');
  if (!alipay) logger.warn('case notices: Alipay is off (ALIPAY_GATEWAY_URL is set but NOTIFY_ALIPAY_TEMPLATES is not)');
  const templates = new NotificationTemplates({ wechat, alipay, sms: n.smsTemplates ?? {}, casePage: n.casePage });
  const repo = new NotificationRepo(database.db, database.dialect);
  return new NotificationService(database.db, repo, identity, adapters, templates, logger.child({ component: 'notifications' }));
}

/** The departments' business systems: the configured gateway and callback keys, or the simulator's. */
function upstreamOptions(config: Config, simulators: Simulators | undefined, selfUrl: { value: string }): { client: UpstreamClientOptions; callback: () => UpstreamCallbackCredentials[] } {
  const u = config.adapters.upstream;
  if (u.baseUrl) {
    const callback = [{ appKey: required(u.callbackAppKey, 'UPSTREAM_CALLBACK_APP_KEY'), appSecret: required(u.callbackAppSecret, 'UPSTREAM_CALLBACK_APP_SECRET') }];
    return { client: { baseUrl: () => u.baseUrl!, appKey: required(u.appKey, 'UPSTREAM_APP_KEY'), appSecret: required(u.appSecret, 'UPSTREAM_APP_SECRET') }, callback: () => callback };
  }
  return { client: simulators!.adapterOptions(() => selfUrl.value).upstream, callback: () => [simulators!.credentials.upstream.callback] };
}

/** The provincial platform's push API: the configured one with the credentials it issued us, or the simulator. */
function provinceOptions(config: Config, simulators: Simulators | undefined, selfUrl: { value: string }): Omit<ProvinceClientOptions, 'profile'> {
  const p = config.province;
  if (p.baseUrl) return { baseUrl: () => p.baseUrl!, appId: required(p.appId, 'PROVINCE_APP_ID'), secret: required(p.secret, 'PROVINCE_APP_SECRET'), algorithm: p.algorithm };
  return simulators!.adapterOptions(() => selfUrl.value).province;
}

/**
 * The provincial licence library (电子证照库): the configured gateway with our keys and the keys its
 * status callbacks are signed with, or the simulator's. For the licences module:
 * `createLicenceLibraryClient(client)`, and `verifyLibraryCallback(raw, headers, callback(), …)`
 * on `/open/v1/licence-library/callback`.
 */
export function licenceLibraryOptions(
  config: Config,
  simulators: Simulators | undefined,
  selfUrl: { value: string },
): { client: LicenceLibraryClientOptions; callback: () => LibraryCallbackCredentials[] } {
  const l = config.adapters.licenceLibrary;
  if (l.baseUrl) {
    const callback = [{ appKey: required(l.callbackAppKey, 'LICENCE_LIBRARY_CALLBACK_APP_KEY'), appSecret: required(l.callbackAppSecret, 'LICENCE_LIBRARY_CALLBACK_APP_SECRET') }];
    return {
      client: { baseUrl: () => l.baseUrl!, appKey: required(l.appKey, 'LICENCE_LIBRARY_APP_KEY'), appSecret: required(l.appSecret, 'LICENCE_LIBRARY_APP_SECRET') },
      callback: () => callback,
    };
  }
  if (!simulators) throw new ConfigError('config error: LICENCE_LIBRARY_BASE_URL is not set and no simulators are running');
  return { client: simulators.adapterOptions(() => selfUrl.value).licenceLibrary, callback: () => [simulators.credentials.licenceLibrary.callback] };
}

export async function createContainer(config: Config, logger: Logger): Promise<Container> {
  const selfUrl = { value: `http://127.0.0.1:${config.port}` };
  const pii = createPiiCipher(config);
  const simulators = await createSimulatorsIfNeeded(config, selfUrl);
  const identityOptions = adapterOptions(config, simulators, selfUrl);
  const issuers = trustedIssuersFrom(config, simulators, selfUrl);

  const database = await createDatabase(config.db);
  let kv: Kv;
  try {
    kv = await createKv(config);
  } catch (err) {
    await database.close();
    throw err;
  }
  // One access-token provider per app id per process, shared by face verification and case
  // notices, and through the KV with every other process: WeChat is asked once, not once per cache.
  const wechatToken = new WechatAccessToken({ ...identityOptions.wechat, kv });
  const adapters = createIdentityAdapters({ ...identityOptions, wechat: { ...identityOptions.wechat, accessToken: wechatToken } });
  const catalog = new CatalogService(new CatalogRepo(database.db, database.dialect), kv, {
    cacheTtlSeconds: config.catalogCacheTtlSeconds,
    itemCodePattern: config.itemCodePattern,
  });
  const metrics = createMetrics();
  const outboxRepo = new OutboxRepo(database.db, database.dialect);
  const outbox = new OutboxService(outboxRepo);
  const outboxDispatcher = new OutboxDispatcher(outboxRepo, {
    logger: logger.child({ component: 'outbox' }),
    registry: metrics.registry,
    maxAttempts: config.outbox.maxAttempts,
    backoff: { baseMs: config.outbox.backoffBaseMs, capMs: config.outbox.backoffCapMs },
  });
  const audit = new AuditService(new AuditRepo(database.db));
  const calendar = new CalendarService(new CalendarRepo(database.db, database.dialect), audit, { kv });
  const identity = new IdentityService(
    new IdentityRepo(database.db),
    pii,
    new SessionStore<CitizenSessionData>(kv, {
      name: 'cs',
      idleMs: config.identity.sessionIdleMinutes * 60_000,
      refreshMs: config.identity.refreshTokenDays * 86_400_000,
    }),
    adapters,
    new TrustedIssuers(issuers, config.identity.tokenAudience, kv),
    kv,
    catalog,
    { faceValidDays: config.identity.faceValidDays, smsCodeTtlSeconds: 300, smsResendSeconds: 60, smsMaxAttempts: 5, smsDailyLimit: 10 },
  );
  // Case notices: their outbox handlers are registered before the server starts the dispatcher.
  const notifications = createNotifications(config, simulators, selfUrl, database, identity, logger, wechatToken);
  notifications.registerHandlers(outboxDispatcher);
  const upstream = upstreamOptions(config, simulators, selfUrl);
  const applications = createApplications({
    database,
    kv,
    logger,
    pii,
    catalog,
    identity,
    calendar,
    audit,
    storage: createLocalStorage(defaultMaterialsDir(config.dataDir)),
    dispatcher: outboxDispatcher,
    upstream: upstream.client,
    callbackCredentials: upstream.callback,
    notifier: notifications,
    maxUploadBytes: config.applications.maxUploadBytes,
  });
  const payments = createPayments({
    config,
    database,
    logger,
    cases: applications.cases,
    catalog,
    identity,
    dispatcher: outboxDispatcher,
    simulators,
    alipay: adapterOptions(config, simulators, selfUrl).alipay,
    selfUrl,
  });
  const delivery = createDelivery({ config, database, kv, logger, pii, cases: applications.cases, catalog, dispatcher: outboxDispatcher, simulators, selfUrl });
  const partners = createPartners({ config, database, kv, logger, pii, catalog, identity, applications, outbox, dispatcher: outboxDispatcher, province: provinceOptions(config, simulators, selfUrl) });
  const library = licenceLibraryOptions(config, simulators, selfUrl);
  const licences = await createLicences({ config, database, kv, pii, identity, library: createLicenceLibraryClient(library.client), callbackCredentials: library.callback });
  const staff = new StaffService(
    new StaffRepo(database.db),
    new SessionStore<StaffSessionData>(kv, { name: 'ss', idleMs: config.staff.sessionIdleMinutes * 60_000, refreshMs: 0 }),
    audit,
    { lockoutThreshold: config.staff.lockoutThreshold, lockoutMinutes: config.staff.lockoutMinutes },
  );
  return {
    config,
    logger,
    database,
    kv,
    metrics,
    pii,
    catalog,
    audit,
    calendar,
    outbox,
    outboxDispatcher,
    identity,
    staff,
    citizenAccess: new CitizenAccess(identity, audit),
    adapters,
    notifications,
    simulators,
    selfUrl,
    lifecycle: { draining: false },
    applications,
    payments,
    delivery,
    partners,
    licences,
    async close() {
      simulators?.stop();
      await applications.sweep.stop();
      await payments.stop();
      await delivery.shipments.stop();
      await partners.stop();
      await outboxDispatcher.stop();
      await Promise.allSettled([kv.close(), database.close()]);
    },
  };
}
