/**
 * The mini-program's access token (接口调用凭据): one provider per app id per process, used by
 * every WeChat client (face getinfo, subscribe messages) and shared by every BFF process through
 * the platform KV.
 *
 *   POST /cgi-bin/stable_token {grant_type: 'client_credential', appid, secret, force_refresh}
 *        → {access_token, expires_in} | {errcode, errmsg}
 *
 * Why stable_token rather than GET /cgi-bin/token: every /cgi-bin/token call starts a 5-minute
 * countdown on the previous token (and the app has 2000 a day), so caches fetching on their own
 * invalidate each other. In normal mode stable_token hands out WeChat's current token while it is
 * valid (a new one in its last 5 minutes, the old one still accepted), so a needless fetch costs a
 * call, never a token. force_refresh replaces the token for everyone and invalidates the old one at
 * once: it is used only when normal mode hands back the very token WeChat has just refused.
 *
 * Layers: an in-memory copy (the hot path makes no KV call) → the KV entry `wechat:token:<appid>`
 * ({token, base, refreshAt}, expiring at refreshAt) → a fetch, one at a time across processes under
 * the KV lock `wechat:token:<appid>:lock` (10 s). A process that does not get the lock polls the
 * KV for the holder's token (and the lock, should the holder fail) for up to 3 s, then fetches by
 * itself: a stuck holder slows callers down, never blocks them.
 *
 * The KV is only a cache here: when it fails, the provider fetches by itself (normal-mode stable
 * tokens do not invalidate each other), so a KV outage costs WeChat calls, not errors. Errors are
 * WeChat's, as AdapterError (see ./answer).
 */
import type { Kv, Lock } from '../../kv';
import { MemoryKv } from '../../kv/memory';
import { fetchJson, isRecord, joinUrl } from '../http';
import { bad, errcodeOf, refuse, refusesToken, type Answer } from './answer';

export interface WechatAccessTokenOptions {
  /** https://api.weixin.qq.com, or the simulator's `<app>/sim/wechat`; read at each use. */
  baseUrl: () => string;
  appId: string;
  appSecret: string;
  /** Where processes share the token: the platform KV. */
  kv: Kv;
  timeoutMs?: number;
  /** Clock of the refresh time (ms), compared across processes; tests move it. */
  now?: () => number;
  /** How long a process without the lock waits for the holder's token; default 3000 ms. */
  lockWaitMs?: number;
}

/** A token as held in memory and in the KV; `base` tells a simulator's token from WeChat's. */
interface Held {
  token: string;
  base: string;
  refreshAt: number;
}

/** Refresh this long before WeChat's expiry (never sooner than half the lifetime). */
const MARGIN_MS = 5 * 60_000;
const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 3_000;
const POLL_MS = 100;
/** Stands in for the lock when the KV cannot give one: the caller fetches by itself. */
const NO_KV_LOCK: Lock = { release: async () => {} };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseHeld(raw: string | null): Held | undefined {
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return isRecord(v) && typeof v.token === 'string' && typeof v.base === 'string' && typeof v.refreshAt === 'number' ? (v as unknown as Held) : undefined;
  } catch {
    return undefined;
  }
}

export class WechatAccessToken {
  private held: Held | undefined;
  private loading: Promise<Held> | undefined;
  /** The last token WeChat refused: never taken again from the KV, nor from normal mode. */
  private refused: string | undefined;
  private readonly key: string;

  constructor(private readonly options: WechatAccessTokenOptions) {
    this.key = `wechat:token:${options.appId}`;
  }

  /** The token: from memory, else the KV, else WeChat; concurrent callers share one load. */
  async get(): Promise<string> {
    const base = this.options.baseUrl();
    if (this.usable(this.held, base)) return this.held.token;
    if (!this.loading) {
      const loading = this.load(base).finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return (await this.loading).token;
  }

  /**
   * WeChat refused this token (40001, 42001, 40014): drop it here, and from the KV if the KV still
   * holds it. The Kv port has no compare-and-delete, so this is get, compare, then delete: should
   * another process share a new token between the two, that one is dropped too, and the next
   * reader fetches it again from normal mode (the same token: one extra call, nothing refused).
   * A late call for a token already replaced drops nothing.
   */
  async invalidate(token: string): Promise<void> {
    this.refused = token;
    if (this.held?.token === token) this.held = undefined;
    // A load begun before the refusal may bring this token back: the next get() starts anew.
    this.loading = undefined;
    const shared = parseHeld(await this.options.kv.get(this.key).catch(() => null));
    if (shared?.token === token) await this.options.kv.del(this.key).catch(() => 0);
  }

  /** Runs a request with the token; when WeChat refuses the token, once more with a new one. */
  async call(request: (token: string) => Promise<Answer>): Promise<Answer> {
    const token = await this.get();
    const answer = await request(token);
    if (!refusesToken(answer)) return answer;
    await this.invalidate(token);
    return request(await this.get());
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private usable(held: Held | undefined, base: string): held is Held {
    return held !== undefined && held.base === base && this.now() < held.refreshAt && held.token !== this.refused;
  }

  private async load(base: string): Promise<Held> {
    const held = (await this.shared(base)) ?? (await this.fetchOnce(base));
    if (held.token !== this.refused) this.held = held;
    return held;
  }

  /** The token in the KV, unless near expiry, from another base URL, or refused. */
  private async shared(base: string): Promise<Held | undefined> {
    const held = parseHeld(await this.options.kv.get(this.key).catch(() => null));
    return this.usable(held, base) ? held : undefined;
  }

  /** One fetch at a time across processes: the lock holder fetches, the others read its token. */
  private async fetchOnce(base: string): Promise<Held> {
    const deadline = Date.now() + (this.options.lockWaitMs ?? LOCK_WAIT_MS);
    for (;;) {
      const lock = await this.options.kv.acquireLock(`${this.key}:lock`, LOCK_TTL_MS).catch(() => NO_KV_LOCK);
      if (lock) return this.fetchHolding(lock, base);
      if (Date.now() >= deadline) return this.fetchAndShare(base);
      await sleep(POLL_MS);
      const shared = await this.shared(base);
      if (shared) return shared;
    }
  }

  private async fetchHolding(lock: Lock, base: string): Promise<Held> {
    try {
      // The previous holder may have shared one between our look at the KV and our lock.
      return (await this.shared(base)) ?? (await this.fetchAndShare(base));
    } finally {
      // An unreleased lock expires by itself.
      await lock.release().catch(() => undefined);
    }
  }

  private async fetchAndShare(base: string): Promise<Held> {
    let held = await this.fetch(base, false);
    // Normal mode hands out WeChat's current token; only a forced refresh replaces one it refuses.
    if (held.token === this.refused) held = await this.fetch(base, true);
    const ttlMs = Math.max(Math.ceil(held.refreshAt - this.now()), 1);
    await this.options.kv.set(this.key, JSON.stringify(held), { ttlMs }).catch(() => false);
    return held;
  }

  private async fetch(base: string, forceRefresh: boolean): Promise<Held> {
    const { appId, appSecret, timeoutMs } = this.options;
    const body = JSON.stringify({ grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: forceRefresh });
    const answer = (await fetchJson('wechat', { method: 'POST', url: joinUrl(base, '/cgi-bin/stable_token'), body, timeoutMs })).body as Answer;
    if (errcodeOf(answer) !== 0) refuse(answer, 'cgi-bin/stable_token');
    const { access_token: token, expires_in: expiresIn } = answer;
    if (typeof token !== 'string' || !token || typeof expiresIn !== 'number' || !(expiresIn > 0)) bad('cgi-bin/stable_token', 'no access_token/expires_in');
    const lifetime = expiresIn * 1000;
    return { token, base, refreshAt: this.now() + Math.max(lifetime - MARGIN_MS, lifetime / 2) };
  }
}

/**
 * A provider of this process alone, for a client built without the container's (tests, scripts).
 * Production passes the container's, so that every client and process share one token.
 */
export function processLocalAccessToken(options: Omit<WechatAccessTokenOptions, 'kv'>): WechatAccessToken {
  return new WechatAccessToken({ ...options, kv: new MemoryKv(options.now) });
}
