import path from 'node:path';
import { z } from 'zod';

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
  /** 32-byte keys, base64: personal-data encryption and blind index (used from the identity capability on). */
  PII_ENCRYPTION_KEY: z.base64().refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes').optional(),
  BLIND_INDEX_KEY: z.base64().refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes').optional(),
});

export type Env = z.infer<typeof EnvSchema>;

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
  catalogCacheTtlSeconds: number;
  itemCodePattern: RegExp;
  shutdownTimeoutMs: number;
  h5Dir: string;
  validateResponses: boolean;
  upstream: {
    wechatApi?: string;
    alipayGateway?: string;
    wechatPay?: string;
    ems?: string;
    sms?: string;
  };
  keys: { piiEncryption?: string; blindIndex?: string };
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
    catalogCacheTtlSeconds: e.CATALOG_CACHE_TTL_SECONDS,
    itemCodePattern: new RegExp(e.ITEM_CODE_PATTERN),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    h5Dir: e.H5_DIR ? path.resolve(REPO_ROOT, e.H5_DIR) : path.join(REPO_ROOT, 'miniapp/dist/h5'),
    validateResponses: e.VALIDATE_RESPONSES ?? e.NODE_ENV !== 'production',
    upstream: {
      wechatApi: e.WECHAT_API_BASE_URL,
      alipayGateway: e.ALIPAY_GATEWAY_URL,
      wechatPay: e.WECHATPAY_BASE_URL,
      ems: e.EMS_BASE_URL,
      sms: e.SMS_BASE_URL,
    },
    keys: { piiEncryption: e.PII_ENCRYPTION_KEY, blindIndex: e.BLIND_INDEX_KEY },
  };
}
