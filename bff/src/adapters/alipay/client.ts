/**
 * Alipay open platform (https://openapi.alipay.com/gateway.do), OpenAPI 2.0 through alipay-sdk 4:
 * RSA2 both ways — requests signed with our app private key, every response verified with
 * Alipay's public key before anything in it is believed.
 *
 *   alipay.system.oauth.token            grant_type=authorization_code, code → user_id (open_id)
 *   alipay.user.certify.open.initialize  biz_content {outer_order_no, biz_code: FACE,
 *                                         identity_param {identity_type: CERT_INFO, cert_type:
 *                                         IDENTITY_CARD, cert_name, cert_no}, merchant_config
 *                                         {return_url}} → certify_id
 *   alipay.user.certify.open.certify     a signed GET URL of the gateway (pageExec), which
 *                                         my.startAPVerify opens — no network call here
 *   alipay.user.certify.open.query       biz_content {certify_id} → passed 'T' | 'F'
 *
 * How alipay-sdk 4 verifies (read in node_modules/alipay-sdk/src/alipay.ts): `exec` checks the
 * response signature only when called with `{ validateSign: true }` (the default is off), over
 * the raw text between `"<method>_response":` and the last `"sign"`. It cannot verify an
 * `error_response` (it looks for the method's key), so when the SDK refuses a response that
 * carries an `error_response`, this client verifies that part itself with the same key
 * (`getSignStr` + `rsaCheck`): a correctly signed refusal → 'rejected' with its sub_code; an
 * unsigned or wrongly signed answer → 'unavailable' (`invalid-signature`), never believed.
 *
 * Time: the SDK stamps requests with the process's local time; Alipay reads `timestamp` as
 * Beijing time. This client passes `timestamp` explicitly in Asia/Shanghai (UTC+8, no DST), so
 * it is right whatever TZ the process runs in.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import type { AlipayPort } from '../ports';
import { AdapterError } from '../errors';
import { DEFAULT_TIMEOUT_MS, isRecord } from '../http';

export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export interface AlipayClientOptions {
  /** The full gateway URL: https://openapi.alipay.com/gateway.do, or the simulator's `<app>/sim/alipay/gateway.do`. */
  gatewayUrl: () => string;
  appId: string;
  /** Our app private key: PEM (PKCS#8 or PKCS#1) or the bare base64 Alipay's key tool prints. */
  privateKey: string;
  /** Alipay's public key (not our app public key): PEM or bare base64. */
  alipayPublicKey: string;
  /**
   * merchant_config.return_url of certify initialize: where Alipay sends the citizen after face
   * verification. Default: back into our mini-program (`alipays://platformapi/startapp?appId=…`).
   */
  certifyReturnUrl?: string;
  timeoutMs?: number;
  /** Clock for request timestamps (tests). */
  now?: () => Date;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, whatever the process TZ. */
export function beijingTimestamp(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function parseKey(raw: string, kind: 'private' | 'public'): KeyObject {
  const text = raw.trim().replace(/\\n/g, '\n');
  if (text.includes('-----BEGIN')) return kind === 'private' ? createPrivateKey(text) : createPublicKey(text);
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  const attempts =
    kind === 'private'
      ? [() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })]
      : [() => createPublicKey({ key: der, format: 'der', type: 'spki' }), () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' })];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      /* try the next encoding */
    }
  }
  throw new Error(`alipay: the ${kind} key is neither PEM nor base64 DER`);
}

type Answer = Record<string, unknown>;

function unavailable(code: string, message: string): AdapterError {
  return new AdapterError('alipay', 'unavailable', code, message);
}

function refusal(answer: Answer, method: string): AdapterError {
  const code = typeof answer.sub_code === 'string' && answer.sub_code ? answer.sub_code : String(answer.code ?? 'unknown');
  const msg = [answer.msg, answer.sub_msg].filter((m) => typeof m === 'string' && m).join(': ');
  // Alipay's "system busy" family is ours to retry, not the citizen's fault.
  const tryLater = answer.code === '20000' || answer.code === '20001' || /^(aop|isp)\.(unknow-error|unknown-error|system-busy)/i.test(code);
  return new AdapterError('alipay', tryLater ? 'unavailable' : 'rejected', code, `${method}: ${msg || 'refused'}`);
}

/**
 * One app's signed line to the gateway: the SDK for the current gateway URL and `exec`, which
 * believes a response only once its RSA2 signature verifies. Every Alipay method of every
 * capability goes through this (identity here, notifications in `../notify`).
 */
export interface AlipayGateway {
  exec(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  sdk(): AlipaySdk;
  /** The request timestamp for now, in Beijing time. */
  timestamp(): string;
}

export function createAlipayGateway(options: Omit<AlipayClientOptions, 'certifyReturnUrl'>): AlipayGateway {
  const privateKey = parseKey(options.privateKey, 'private').export({ format: 'pem', type: 'pkcs8' }) as string;
  const alipayPublicKey = parseKey(options.alipayPublicKey, 'public').export({ format: 'pem', type: 'spki' }) as string;
  const now = options.now ?? (() => new Date());
  let sdk: { gateway: string; client: AlipaySdk } | undefined;

  function client(): AlipaySdk {
    const gateway = options.gatewayUrl();
    if (sdk?.gateway !== gateway) {
      sdk = {
        gateway,
        client: new AlipaySdk({
          appId: options.appId,
          privateKey,
          keyType: 'PKCS8',
          alipayPublicKey,
          signType: 'RSA2',
          gateway,
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          camelcase: false,
        }),
      };
    }
    return sdk.client;
  }

  /** A refused response whose error_response carries a valid Alipay signature → that refusal. */
  function signedRefusal(alipay: AlipaySdk, raw: string, method: string): AdapterError | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return null;
    }
    if (!isRecord(parsed) || !isRecord(parsed.error_response)) return null;
    const sign = parsed.sign;
    if (typeof sign !== 'string' || !sign) return unavailable('invalid-signature', `${method}: unsigned error_response`);
    const ok = alipay.rsaCheck(alipay.getSignStr(raw, 'error_response'), sign, 'RSA2');
    if (!ok) return unavailable('invalid-signature', `${method}: error_response signature does not verify`);
    return refusal(parsed.error_response, method);
  }

  async function exec(method: string, params: Record<string, unknown>): Promise<Answer> {
    const alipay = client();
    let answer: Record<string, unknown>;
    try {
      answer = await alipay.exec(method, { timestamp: beijingTimestamp(now()), ...params }, { validateSign: true });
    } catch (err) {
      const e = err as Error & { responseDataRaw?: string; cause?: Error };
      if (typeof e.responseDataRaw === 'string') {
        const refused = signedRefusal(alipay, e.responseDataRaw, method);
        if (refused) throw refused;
      }
      const message = String(e?.message ?? err);
      if (/Timeout/i.test(e?.cause?.name ?? '') || /timeout/i.test(message)) throw unavailable('timeout', `${method}: timed out`);
      // An unsigned response makes node:crypto throw a TypeError inside the SDK's check (compared by
      // name: errors from node internals are not instances of this realm's TypeError under jest).
      if (message.startsWith('验签失败') || e?.name === 'TypeError') throw unavailable('invalid-signature', `${method}: response signature does not verify`);
      if (message.startsWith('HttpClient Request error')) throw unavailable('network', `${method}: ${message.slice(0, 200)}`);
      throw unavailable('bad_response', `${method}: ${message.slice(0, 200)}`);
    }
    if (answer.code !== undefined && answer.code !== '10000') throw refusal(answer, method);
    return answer;
  }

  return { exec, sdk: client, timestamp: () => beijingTimestamp(now()) };
}

export function createAlipayClient(options: AlipayClientOptions): AlipayPort {
  const { exec, sdk: client, timestamp } = createAlipayGateway(options);
  const returnUrl = options.certifyReturnUrl ?? `alipays://platformapi/startapp?appId=${options.appId}`;
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

  return {
    async oauthToken(authCode) {
      const a = await exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: authCode });
      if (!str(a.user_id) && !str(a.open_id)) throw unavailable('bad_response', 'alipay.system.oauth.token: no user_id/open_id');
      return { userId: str(a.user_id) ? a.user_id : (a.open_id as string), ...(str(a.open_id) ? { openId: a.open_id } : {}) };
    },

    async certifyInitialize({ outerOrderNo, name, idNumber }) {
      const a = await exec('alipay.user.certify.open.initialize', {
        bizContent: {
          outer_order_no: outerOrderNo,
          biz_code: 'FACE',
          identity_param: { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: name, cert_no: idNumber },
          merchant_config: { return_url: returnUrl },
        },
      });
      if (!str(a.certify_id)) throw unavailable('bad_response', 'alipay.user.certify.open.initialize: no certify_id');
      return { certifyId: a.certify_id };
    },

    async certifyUrl(certifyId) {
      return client().pageExec('alipay.user.certify.open.certify', 'GET', {
        timestamp: timestamp(),
        bizContent: { certify_id: certifyId },
      });
    },

    async certifyQuery(certifyId) {
      const a = await exec('alipay.user.certify.open.query', { bizContent: { certify_id: certifyId } });
      if (a.passed !== 'T' && a.passed !== 'F') throw unavailable('bad_response', 'alipay.user.certify.open.query: passed is neither T nor F');
      return { passed: a.passed === 'T' };
    },
  };
}
