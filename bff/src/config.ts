import path from 'node:path';
import { z } from 'zod';
import { CaseActionSchema, SIGNATURE_ALGORITHMS, type CaseAction, type SignatureAlgorithm } from '@onevisit/shared-types';

/** The default implementation-code format: department credit code (18) + item type (2) + basic code (10). */
export const DEFAULT_ITEM_CODE_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{18}(01|02|03|04|05|06|07|08|09|10|20)\\d{10}$';

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must be a ${protocols.join(' or ')} URL`,
    })
    .refine((v) => v === undefined || URL.canParse(v), { message: 'is not a valid URL' });

const boolFlag = z.stringbool().default(false);

/** A licence signing key's id: printable, URL- and header-safe. */
const LICENCE_KID = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'kid must be 1–64 letters, digits, . _ or -');
const B64URL = z.string().regex(/^[A-Za-z0-9_-]+$/, { error: (i) => (i.input === undefined ? 'is missing' : 'must be base64url') });
/** A private presentation signing key: ES256 (EC P-256) or EdDSA (OKP Ed25519), with its kid. */
const LicencePrivateJwkSchema = z.discriminatedUnion(
  'alg',
  [
    z.looseObject({ alg: z.literal('ES256'), kid: LICENCE_KID, kty: z.literal('EC', 'kty must be EC'), crv: z.literal('P-256', 'crv must be P-256'), x: B64URL, y: B64URL, d: B64URL }),
    z.looseObject({ alg: z.literal('EdDSA'), kid: LICENCE_KID, kty: z.literal('OKP', 'kty must be OKP'), crv: z.literal('Ed25519', 'crv must be Ed25519'), x: B64URL, d: B64URL }),
  ],
  { error: 'alg must be ES256 or EdDSA' },
);

/** An optional variable holding JSON: parsed here, its shape checked by the `.pipe` that follows. */
const optionalJson = (shape: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: shape });
        return z.NEVER;
      }
    });

/** Notifications: JSON `{"<case action>": "<template id>"}`, e.g. `{"accept": "Qx…"}`. */
const templateIdMap = (id: RegExp) =>
  optionalJson('must be JSON {"<case action>": "<template id>"}').pipe(z.partialRecord(CaseActionSchema, z.string().regex(id, `template ids must match ${id}`)).optional());

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Set ⇒ MySQL/MariaDB instead of the embedded SQLite file. */
  MYSQL_URL: optionalUrl(['mysql']),
  MYSQL_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Set ⇒ Redis instead of the in-process KV. */
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  KV_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]{1,32}$/).default('ov:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-For from the ingress (only behind a proxy you control). */
  TRUST_PROXY: boolFlag,
  /** Requests per minute per client IP on the citizen API. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  /** SMS login codes per client IP per hour (a shared NAT of an office may need more). */
  SMS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  CATALOG_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** A regular expression every implementation code (实施编码) must match; province-specific. */
  ITEM_CODE_PATTERN: z
    .string()
    .default(DEFAULT_ITEM_CODE_PATTERN)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'is not a valid regular expression'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Built H5 mini-program served at `/`. */
  H5_DIR: z.string().optional(),
  /** Built console served at `/console`. */
  CONSOLE_DIR: z.string().optional(),
  /** Validate every response against its schema (on by default outside production). */
  VALIDATE_RESPONSES: z.stringbool().optional(),
  /**
   * Base URLs of outside systems. Unset ⇒ the protocol-faithful simulator mounted in-process.
   * The adapters of later capabilities read them.
   */
  WECHAT_API_BASE_URL: optionalUrl(['http', 'https']),
  ALIPAY_GATEWAY_URL: optionalUrl(['http', 'https']),
  WECHATPAY_BASE_URL: optionalUrl(['http', 'https']),
  EMS_BASE_URL: optionalUrl(['http', 'https']),
  SMS_BASE_URL: optionalUrl(['http', 'https']),
  HOUSEHOLD_BASE_URL: optionalUrl(['http', 'https']),
  FACE_BASE_URL: optionalUrl(['http', 'https']),
  /** The police business systems' gateway (户政/出入境/交管/治安); unset → the simulator. */
  UPSTREAM_BASE_URL: optionalUrl(['http', 'https']),
  /** NODE_ENV=production refuses to start on simulators unless this says so (demos, benchmarks). */
  ALLOW_SIMULATORS: boolFlag,
  WECHAT_APP_ID: z.string().regex(/^wx[0-9a-f]{16}$/, 'must look like wx + 16 hex digits').optional(),
  WECHAT_APP_SECRET: z.string().min(16).optional(),
  ALIPAY_APP_ID: z.string().regex(/^\d{16}$/, 'must be 16 digits').optional(),
  /** PEM (PKCS#8 or PKCS#1) of our app key, and Alipay's public key. */
  ALIPAY_PRIVATE_KEY: z.string().min(100).optional(),
  ALIPAY_PUBLIC_KEY: z.string().min(100).optional(),
  /** Key and secret our signed calls to the SMS gateway, household system and face service use. */
  SMS_APP_KEY: z.string().min(4).optional(),
  SMS_APP_SECRET: z.string().min(16).optional(),
  HOUSEHOLD_APP_KEY: z.string().min(4).optional(),
  HOUSEHOLD_APP_SECRET: z.string().min(16).optional(),
  FACE_APP_KEY: z.string().min(4).optional(),
  FACE_APP_SECRET: z.string().min(16).optional(),
  UPSTREAM_APP_KEY: z.string().min(4).optional(),
  UPSTREAM_APP_SECRET: z.string().min(16).optional(),
  /** What the upstream systems sign their status callbacks with. */
  UPSTREAM_CALLBACK_APP_KEY: z.string().min(4).optional(),
  UPSTREAM_CALLBACK_APP_SECRET: z.string().min(16).optional(),
  /**
   * The provincial licence library (电子证照库); unset → the simulator. Our keys for the calls we
   * sign, and the keys its status callbacks to /open/v1/licence-library/callback are signed with.
   */
  LICENCE_LIBRARY_BASE_URL: optionalUrl(['http', 'https']),
  LICENCE_LIBRARY_APP_KEY: z.string().min(4).optional(),
  LICENCE_LIBRARY_APP_SECRET: z.string().min(16).optional(),
  LICENCE_LIBRARY_CALLBACK_APP_KEY: z.string().min(4).optional(),
  LICENCE_LIBRARY_CALLBACK_APP_SECRET: z.string().min(16).optional(),
  /** Simulated upstream: delay of each decision step (dev and tests). */
  SIM_UPSTREAM_STEP_MS: z.coerce.number().int().min(0).max(600_000).default(1500),
  /** How often the SLA sweep marks yellow and red cases; 0 turns it off (tests drive it). */
  SLA_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** WeChat Pay v3 (unset WECHATPAY_BASE_URL → the simulator). */
  WECHATPAY_MCH_ID: z.string().regex(/^\d{8,12}$/).optional(),
  WECHATPAY_APP_ID: z.string().min(4).optional(),
  WECHATPAY_MERCHANT_SERIAL_NO: z.string().regex(/^[0-9A-Fa-f]{16,64}$/).optional(),
  WECHATPAY_MERCHANT_PRIVATE_KEY: z.string().min(100).optional(),
  WECHATPAY_API_V3_KEY: z.string().length(32).optional(),
  WECHATPAY_PUBLIC_KEY_ID: z.string().regex(/^PUB_KEY_ID_\w+$/).optional(),
  WECHATPAY_PUBLIC_KEY: z.string().min(100).optional(),
  WECHATPAY_PLATFORM_CERTIFICATES: z.string().min(100).optional(),
  /** Alipay payments: the seller (2088…) and the mini-program app id when it differs from ALIPAY_APP_ID. */
  ALIPAY_SELLER_ID: z.string().regex(/^2088\d{12}$/).optional(),
  ALIPAY_MINI_APP_ID: z.string().min(4).optional(),
  /** Postage of a posted result, in fen. */
  POSTAGE_FEN: z.coerce.number().int().min(0).max(100_000).default(1000),
  PAYMENT_EXPIRE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(30),
  /** Ask the channel about an order still unpaid after this long without a notification. */
  PAYMENT_QUERY_AFTER_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** How often unpaid orders are queried and expired ones closed; 0 = off (tests drive it). */
  PAYMENT_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** The BFF's public https origin, for payment notify URLs; unset → this process's own address. */
  PUBLIC_BASE_URL: optionalUrl(['http', 'https']),
  /** The postal courier's gateway (EMS-style); unset → the simulator. Its keys for our calls, and the keys its tracking pushes are signed with. */
  COURIER_BASE_URL: optionalUrl(['http', 'https']),
  COURIER_APP_KEY: z.string().min(4).optional(),
  COURIER_APP_SECRET: z.string().min(16).optional(),
  COURIER_PUSH_APP_KEY: z.string().min(4).optional(),
  COURIER_PUSH_APP_SECRET: z.string().min(16).optional(),
  /** Who posts results: JSON {name?, phone, province, city, district, address, postcode?} (names as on a label); unset → the item's department at the provincial service centre. */
  COURIER_SENDER: optionalJson('must be JSON {name?, phone, province, city, district, address, postcode?}')
    .pipe(
      z
        .object({
          name: z.string().min(1).max(60).optional(),
          phone: z.string().regex(/^[0-9+\- ]{5,20}$/),
          province: z.string().min(1).max(30),
          city: z.string().min(1).max(30),
          district: z.string().min(1).max(30),
          address: z.string().min(1).max(200),
          postcode: z.string().regex(/^\d{6}$/).optional(),
        })
        .optional(),
    ),
  /** Simulated courier: delay of each parcel step (dev and tests). */
  SIM_COURIER_STEP_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  /** Ask the courier about a parcel with no tracking push for this many minutes. */
  TRACKING_QUERY_AFTER_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(30),
  /** How often quiet parcels are looked up; 0 = off (tests drive it). */
  TRACKING_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Outbox: deliveries before an entry is dead-lettered, and the retry backoff (exponential, full jitter). */
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  OUTBOX_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  OUTBOX_BACKOFF_CAP_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  /** Open API: largest signed request body (inline base64 materials count). */
  OPEN_API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Open API: days the evidence of each call is kept before the purge job deletes it. */
  OPEN_API_EVIDENCE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** How often the evidence purge runs; 0 = off (tests drive it). */
  OPEN_API_PURGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3600),
  /**
   * The event feed serves events recorded at least this long ago, so an event whose transaction
   * commits after a later one's (MySQL auto-increment order ≠ commit order) is never skipped.
   */
  OPEN_API_FEED_SETTLE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** A partner's webhook must answer within this. */
  OPEN_API_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(500).max(30_000).default(10_000),
  /** Extra mapping profiles (JSON files) besides the built-in ones. */
  OPEN_API_PROFILES_DIR: z.string().min(1).optional(),
  /**
   * The provincial platform's own API (湖南省一件事一次办 / 政务服务平台), where we push our catalogue
   * and the status changes of its items' cases; unset → the simulator. The app id, secret and
   * algorithm it issued to us; its dialect (a mapping profile id).
   */
  PROVINCE_API_BASE_URL: optionalUrl(['http', 'https']),
  PROVINCE_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -').optional(),
  PROVINCE_APP_SECRET: z.string().min(16).optional(),
  PROVINCE_ALGORITHM: z.enum(SIGNATURE_ALGORITHMS).default('HMAC-SM3'),
  PROVINCE_PROFILE: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'must be a mapping profile id').default('hunan-province'),
  /** Item codes whose cases' status changes are pushed, comma-separated; `*` = every item. */
  PROVINCE_PUSH_ITEMS: z
    .string()
    .default('*')
    .transform((v, ctx) => {
      if (v.trim() === '*') return '*' as const;
      const codes = v.split(',').map((c) => c.trim()).filter(Boolean);
      if (!codes.length || codes.some((c) => !/^[0-9A-Za-z]{1,40}$/.test(c))) {
        ctx.addIssue({ code: 'custom', message: 'must be * or a comma-separated list of item codes' });
        return z.NEVER;
      }
      return codes;
    }),
  /** How often changed catalogue items are pushed to the province; 0 = off (tests drive it). */
  PROVINCE_CATALOG_PUSH_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Largest material upload in bytes. */
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
  /**
   * Personal-data keys: `id:base64,id:base64` (32 bytes each); rows remember their key id, so a
   * new key is added and made active without re-encrypting old rows. Blind index key: 32 bytes.
   */
  PII_KEYS: z
    .string()
    .regex(/^[a-z0-9]{1,8}:[A-Za-z0-9+/=]{43,44}(,[a-z0-9]{1,8}:[A-Za-z0-9+/=]{43,44})*$/, 'must be id:base64key[,id:base64key…]')
    .refine((v) => v.split(',').every((pair) => Buffer.from(pair.split(':')[1], 'base64').length === 32), 'keys must be 32 bytes')
    .optional(),
  PII_ACTIVE_KEY_ID: z.string().regex(/^[a-z0-9]{1,8}$/).optional(),
  BLIND_INDEX_KEY: z.base64().refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes').optional(),
  /**
   * E-licence presentation signing keys: a JSON array of private JWKs, each with `kid` and `alg`
   * (ES256: kty EC, crv P-256; EdDSA: kty OKP, crv Ed25519). Every key's public half is published
   * at /.well-known/jwks.json; only LICENCE_SIGNING_KID (default: the last key) signs, so a new key
   * is added and made active while tokens of the old one still verify. Unset ⇒ an ES256 key is
   * generated once into DATA_DIR/licence-keys.json (not in production).
   */
  LICENCE_SIGNING_KEYS: optionalJson('must be a JSON array of private JWKs [{kty, crv, x, y?, d, kid, alg}]')
    .pipe(
      z
        .array(z.unknown(), 'must be a JSON array of private JWKs [{kty, crv, x, y?, d, kid, alg}]')
        .min(1, 'must hold at least one key')
        .max(20, 'holds at most 20 keys')
        .transform((keys, ctx) => {
          const parsed = [];
          for (const [i, key] of keys.entries()) {
            const result = LicencePrivateJwkSchema.safeParse(key);
            if (!result.success) {
              const issue = result.error.issues[0];
              const kid = key && typeof key === 'object' && 'kid' in key ? ` (${String(key.kid)})` : '';
              ctx.addIssue({ code: 'custom', message: `key ${i}${kid}: ${[...issue.path.map(String), ''].join(' ')}${issue.message}` });
              return z.NEVER;
            }
            parsed.push(result.data);
          }
          if (new Set(parsed.map((k) => k.kid)).size !== parsed.length) {
            ctx.addIssue({ code: 'custom', message: 'kids must be unique' });
            return z.NEVER;
          }
          return parsed;
        })
        .optional(),
    ),
  /** The kid of LICENCE_SIGNING_KEYS that signs new presentation tokens (default: the last key). */
  LICENCE_SIGNING_KID: LICENCE_KID.optional(),
  /** The `iss` of our presentation tokens. */
  LICENCE_TOKEN_ISSUER: z.string().min(3).max(100).default('onevisit-430000'),
  /** The wallet asks the licence library again when its copy is older than this. */
  LICENCE_SYNC_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(10),
  /** A licence is shown in full only this many minutes after a face check. */
  LICENCE_REVEAL_FACE_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  /** Lifetime of a presentation (亮证) token; at most 60. */
  LICENCE_PRESENTATION_SECONDS: z.coerce.number().int().min(10).max(60).default(60),
  /** Trusted issuers for mutual recognition: JSON [{id, name, issuer, jwksUrl, audience}]. Unset ⇒ the simulator's issuers. */
  TRUSTED_ISSUERS: z.string().optional(),
  /** Audience our tokens from trusted issuers must name. */
  TOKEN_AUDIENCE: z.string().min(3).default('onevisit-430000'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(120),
  REFRESH_TOKEN_DAYS: z.coerce.number().int().min(1).max(180).default(30),
  FACE_VALID_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  STAFF_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(12 * 60).default(30),
  STAFF_LOCKOUT_THRESHOLD: z.coerce.number().int().min(3).max(20).default(5),
  STAFF_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Creates the first admin at start-up when no admin exists (never a default password). */
  CONSOLE_ADMIN_USERNAME: z.string().regex(/^[a-z][a-z0-9._-]{2,31}$/).optional(),
  CONSOLE_ADMIN_PASSWORD: z.string().min(12).optional(),
  /**
   * Case notices: template ids per case action for WeChat subscribe messages and Alipay template
   * messages, SMS template codes per action. Unset with a real WECHAT_API_BASE_URL / ALIPAY_GATEWAY_URL
   * turns that channel off; unset on the simulators uses their dev templates.
   */
  NOTIFY_WECHAT_TEMPLATES: templateIdMap(/^[A-Za-z0-9_-]{20,64}$/),
  NOTIFY_ALIPAY_TEMPLATES: templateIdMap(/^[A-Za-z0-9+/=_-]{1,64}$/),
  NOTIFY_SMS_TEMPLATES: templateIdMap(/^[A-Za-z0-9_-]{1,64}$/),
  /** The mini-program page a tapped notice opens (`?caseNo=…` is appended). */
  NOTIFY_CASE_PAGE: z.string().regex(/^[\w-]+(\/[\w-]+)*$/, 'must be a page path like packages/cases/detail/index').default('packages/cases/detail/index'),
  /** Which version of the WeChat mini-program a tapped subscribe message opens. */
  NOTIFY_WECHAT_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
});

export type Env = z.infer<typeof EnvSchema>;
/** A private signing JWK of LICENCE_SIGNING_KEYS. */
export type LicencePrivateJwk = z.infer<typeof LicencePrivateJwkSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  dataDir: string;
  db: { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string; poolSize: number };
  kv: { kind: 'memory' } | { kind: 'redis'; url: string };
  kvPrefix: string;
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  rateLimitPerMinute: number;
  smsPerIpPerHour: number;
  catalogCacheTtlSeconds: number;
  itemCodePattern: RegExp;
  shutdownTimeoutMs: number;
  h5Dir: string;
  consoleDir: string;
  validateResponses: boolean;
  upstream: {
    wechatApi?: string;
    alipayGateway?: string;
    wechatPay?: string;
    ems?: string;
    sms?: string;
  };
  adapters: {
    allowSimulators: boolean;
    wechat: { appId?: string; appSecret?: string };
    alipay: { appId?: string; privateKey?: string; publicKey?: string };
    sms: { appKey?: string; appSecret?: string };
    household: { baseUrl?: string; appKey?: string; appSecret?: string };
    face: { baseUrl?: string; appKey?: string; appSecret?: string };
    upstream: { baseUrl?: string; appKey?: string; appSecret?: string; callbackAppKey?: string; callbackAppSecret?: string };
    licenceLibrary: { baseUrl?: string; appKey?: string; appSecret?: string; callbackAppKey?: string; callbackAppSecret?: string };
    simUpstreamStepMs: number;
  };
  applications: { slaSweepSeconds: number; maxUploadBytes: number };
  outbox: { maxAttempts: number; backoffBaseMs: number; backoffCapMs: number };
  openApi: { maxBodyBytes: number; evidenceDays: number; purgeSeconds: number; feedSettleMs: number; webhookTimeoutMs: number; profilesDir?: string };
  payments: {
    wechat: { mchId?: string; appId?: string; serialNo?: string; privateKey?: string; apiV3Key?: string; publicKeyId?: string; publicKey?: string; platformCertificates?: string };
    alipay: { sellerId?: string; miniAppId?: string };
    postageFen: number;
    expireMinutes: number;
    queryAfterSeconds: number;
    sweepSeconds: number;
    publicBase?: string;
  };
  delivery: {
    courier: { baseUrl?: string; appKey?: string; appSecret?: string; pushAppKey?: string; pushAppSecret?: string };
    sender?: { name?: string; phone: string; province: string; city: string; district: string; address: string; postcode?: string };
    simCourierStepMs: number;
    trackAfterMinutes: number;
    trackingSweepSeconds: number;
  };
  pii: { keys?: string; activeKeyId?: string; blindIndexKey?: string };
  licences: {
    /** Private JWKs of the presentation signing keys; unset ⇒ generated under dataDir (not in production). */
    signingKeys?: LicencePrivateJwk[];
    /** The active (signing) key's kid. */
    signingKid?: string;
    tokenIssuer: string;
    syncMinutes: number;
    revealFaceMinutes: number;
    presentationSeconds: number;
  };
  identity: {
    trustedIssuers?: string;
    tokenAudience: string;
    sessionIdleMinutes: number;
    refreshTokenDays: number;
    faceValidDays: number;
  };
  staff: {
    sessionIdleMinutes: number;
    lockoutThreshold: number;
    lockoutMinutes: number;
    firstAdmin?: { username: string; password: string };
  };
  province: {
    baseUrl?: string;
    appId?: string;
    secret?: string;
    algorithm: SignatureAlgorithm;
    profile: string;
    /** `*`: every item; otherwise these item codes. */
    pushItems: '*' | string[];
    catalogPushSeconds: number;
  };
  notifications: {
    wechatTemplates?: Partial<Record<CaseAction, string>>;
    alipayTemplates?: Partial<Record<CaseAction, string>>;
    smsTemplates?: Partial<Record<CaseAction, string>>;
    casePage: string;
    wechatState: 'developer' | 'trial' | 'formal';
  };
}

export class ConfigError extends Error {}

const REPO_ROOT = path.resolve(__dirname, '../..');

/** Reads the environment once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`config error: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  if (e.LICENCE_SIGNING_KID && !e.LICENCE_SIGNING_KEYS) throw new ConfigError('config error: LICENCE_SIGNING_KID is set but LICENCE_SIGNING_KEYS is not');
  if (e.LICENCE_SIGNING_KID && e.LICENCE_SIGNING_KEYS && !e.LICENCE_SIGNING_KEYS.some((k) => k.kid === e.LICENCE_SIGNING_KID)) {
    throw new ConfigError(`config error: LICENCE_SIGNING_KID ${e.LICENCE_SIGNING_KID} names no key of LICENCE_SIGNING_KEYS`);
  }
  const dataDir = path.resolve(REPO_ROOT, e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    db: e.MYSQL_URL
      ? { kind: 'mysql', url: e.MYSQL_URL, poolSize: e.MYSQL_POOL_SIZE }
      : { kind: 'sqlite', file: path.join(dataDir, 'onevisit.sqlite') },
    kv: e.REDIS_URL ? { kind: 'redis', url: e.REDIS_URL } : { kind: 'memory' },
    kvPrefix: e.KV_PREFIX,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    smsPerIpPerHour: e.SMS_PER_IP_PER_HOUR,
    catalogCacheTtlSeconds: e.CATALOG_CACHE_TTL_SECONDS,
    itemCodePattern: new RegExp(e.ITEM_CODE_PATTERN),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    h5Dir: e.H5_DIR ? path.resolve(REPO_ROOT, e.H5_DIR) : path.join(REPO_ROOT, 'miniapp/dist/h5'),
    consoleDir: e.CONSOLE_DIR ? path.resolve(REPO_ROOT, e.CONSOLE_DIR) : path.join(REPO_ROOT, 'bff/console/dist'),
    validateResponses: e.VALIDATE_RESPONSES ?? e.NODE_ENV !== 'production',
    upstream: {
      wechatApi: e.WECHAT_API_BASE_URL,
      alipayGateway: e.ALIPAY_GATEWAY_URL,
      wechatPay: e.WECHATPAY_BASE_URL,
      ems: e.EMS_BASE_URL,
      sms: e.SMS_BASE_URL,
    },
    adapters: {
      allowSimulators: e.ALLOW_SIMULATORS || e.NODE_ENV !== 'production',
      wechat: { appId: e.WECHAT_APP_ID, appSecret: e.WECHAT_APP_SECRET },
      alipay: { appId: e.ALIPAY_APP_ID, privateKey: e.ALIPAY_PRIVATE_KEY, publicKey: e.ALIPAY_PUBLIC_KEY },
      sms: { appKey: e.SMS_APP_KEY, appSecret: e.SMS_APP_SECRET },
      household: { baseUrl: e.HOUSEHOLD_BASE_URL, appKey: e.HOUSEHOLD_APP_KEY, appSecret: e.HOUSEHOLD_APP_SECRET },
      face: { baseUrl: e.FACE_BASE_URL, appKey: e.FACE_APP_KEY, appSecret: e.FACE_APP_SECRET },
      upstream: {
        baseUrl: e.UPSTREAM_BASE_URL,
        appKey: e.UPSTREAM_APP_KEY,
        appSecret: e.UPSTREAM_APP_SECRET,
        callbackAppKey: e.UPSTREAM_CALLBACK_APP_KEY,
        callbackAppSecret: e.UPSTREAM_CALLBACK_APP_SECRET,
      },
      licenceLibrary: {
        baseUrl: e.LICENCE_LIBRARY_BASE_URL,
        appKey: e.LICENCE_LIBRARY_APP_KEY,
        appSecret: e.LICENCE_LIBRARY_APP_SECRET,
        callbackAppKey: e.LICENCE_LIBRARY_CALLBACK_APP_KEY,
        callbackAppSecret: e.LICENCE_LIBRARY_CALLBACK_APP_SECRET,
      },
      simUpstreamStepMs: e.SIM_UPSTREAM_STEP_MS,
    },
    applications: { slaSweepSeconds: e.SLA_SWEEP_SECONDS, maxUploadBytes: e.MAX_UPLOAD_BYTES },
    outbox: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS, backoffBaseMs: e.OUTBOX_BACKOFF_BASE_MS, backoffCapMs: e.OUTBOX_BACKOFF_CAP_MS },
    openApi: {
      maxBodyBytes: e.OPEN_API_MAX_BODY_BYTES,
      evidenceDays: e.OPEN_API_EVIDENCE_DAYS,
      purgeSeconds: e.OPEN_API_PURGE_SECONDS,
      feedSettleMs: e.OPEN_API_FEED_SETTLE_MS,
      webhookTimeoutMs: e.OPEN_API_WEBHOOK_TIMEOUT_MS,
      profilesDir: e.OPEN_API_PROFILES_DIR,
    },
    payments: {
      wechat: {
        mchId: e.WECHATPAY_MCH_ID,
        appId: e.WECHATPAY_APP_ID ?? e.WECHAT_APP_ID,
        serialNo: e.WECHATPAY_MERCHANT_SERIAL_NO,
        privateKey: e.WECHATPAY_MERCHANT_PRIVATE_KEY,
        apiV3Key: e.WECHATPAY_API_V3_KEY,
        publicKeyId: e.WECHATPAY_PUBLIC_KEY_ID,
        publicKey: e.WECHATPAY_PUBLIC_KEY,
        platformCertificates: e.WECHATPAY_PLATFORM_CERTIFICATES,
      },
      alipay: { sellerId: e.ALIPAY_SELLER_ID, miniAppId: e.ALIPAY_MINI_APP_ID },
      postageFen: e.POSTAGE_FEN,
      expireMinutes: e.PAYMENT_EXPIRE_MINUTES,
      queryAfterSeconds: e.PAYMENT_QUERY_AFTER_SECONDS,
      sweepSeconds: e.PAYMENT_SWEEP_SECONDS,
      publicBase: e.PUBLIC_BASE_URL,
    },
    delivery: {
      courier: { baseUrl: e.COURIER_BASE_URL, appKey: e.COURIER_APP_KEY, appSecret: e.COURIER_APP_SECRET, pushAppKey: e.COURIER_PUSH_APP_KEY, pushAppSecret: e.COURIER_PUSH_APP_SECRET },
      sender: e.COURIER_SENDER,
      simCourierStepMs: e.SIM_COURIER_STEP_MS,
      trackAfterMinutes: e.TRACKING_QUERY_AFTER_MINUTES,
      trackingSweepSeconds: e.TRACKING_SWEEP_SECONDS,
    },
    pii: { keys: e.PII_KEYS, activeKeyId: e.PII_ACTIVE_KEY_ID, blindIndexKey: e.BLIND_INDEX_KEY },
    licences: {
      signingKeys: e.LICENCE_SIGNING_KEYS,
      signingKid: e.LICENCE_SIGNING_KID,
      tokenIssuer: e.LICENCE_TOKEN_ISSUER,
      syncMinutes: e.LICENCE_SYNC_MINUTES,
      revealFaceMinutes: e.LICENCE_REVEAL_FACE_MINUTES,
      presentationSeconds: e.LICENCE_PRESENTATION_SECONDS,
    },
    identity: {
      trustedIssuers: e.TRUSTED_ISSUERS,
      tokenAudience: e.TOKEN_AUDIENCE,
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      refreshTokenDays: e.REFRESH_TOKEN_DAYS,
      faceValidDays: e.FACE_VALID_DAYS,
    },
    staff: {
      sessionIdleMinutes: e.STAFF_SESSION_IDLE_MINUTES,
      lockoutThreshold: e.STAFF_LOCKOUT_THRESHOLD,
      lockoutMinutes: e.STAFF_LOCKOUT_MINUTES,
      firstAdmin:
        e.CONSOLE_ADMIN_USERNAME && e.CONSOLE_ADMIN_PASSWORD ? { username: e.CONSOLE_ADMIN_USERNAME, password: e.CONSOLE_ADMIN_PASSWORD } : undefined,
    },
    province: {
      baseUrl: e.PROVINCE_API_BASE_URL,
      appId: e.PROVINCE_APP_ID,
      secret: e.PROVINCE_APP_SECRET,
      algorithm: e.PROVINCE_ALGORITHM,
      profile: e.PROVINCE_PROFILE,
      pushItems: e.PROVINCE_PUSH_ITEMS,
      catalogPushSeconds: e.PROVINCE_CATALOG_PUSH_SECONDS,
    },
    notifications: {
      wechatTemplates: e.NOTIFY_WECHAT_TEMPLATES,
      alipayTemplates: e.NOTIFY_ALIPAY_TEMPLATES,
      smsTemplates: e.NOTIFY_SMS_TEMPLATES,
      casePage: e.NOTIFY_CASE_PAGE,
      wechatState: e.NOTIFY_WECHAT_STATE,
    },
  };
}
