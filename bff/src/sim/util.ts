/**
 * Plumbing shared by the simulators: raw bodies (signatures cover bytes, so no body parser runs
 * before them), expiring in-memory maps, injected faults, small HTML helpers.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { signRequest } from '../adapters/signing';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as bytes; reuses a body parser's rawBody when one already ran. */
export async function readRawBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const parsed = (ctx.request as { rawBody?: string }).rawBody;
  if (typeof parsed === 'string') return Buffer.from(parsed, 'utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) ctx.throw(413, 'request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** JSON object body, or undefined when the body is not a JSON object. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw.toString('utf8') || 'null');
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function parseForm(raw: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

/** A Map whose entries expire; pruned as it is written so it cannot grow without bound. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 50_000,
  ) {}

  set(key: string, value: V, ttlMs: number): void {
    if (this.entries.size >= this.maxEntries) this.prune();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** The live value, or undefined when absent or expired. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** The value even when expired (to tell "expired" from "never existed"), with its state. */
  peek(key: string): { value: V; expired: boolean } | undefined {
    const e = this.entries.get(key);
    return e ? { value: e.value, expired: e.expiresAt <= this.now() } : undefined;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}

/** Nonce memory for signed gateways: true when the nonce is new. */
export function nonceMemory(now: () => number): (appKey: string, nonce: string, ttlSeconds: number) => boolean {
  const seen = new ExpiringMap<true>(now, 200_000);
  return (appKey, nonce, ttlSeconds) => {
    const key = `${appKey}\u0000${nonce}`;
    if (seen.get(key)) return false;
    seen.set(key, true, ttlSeconds * 1000);
    return true;
  };
}

export function randomToken(bytes = 16, encoding: 'hex' | 'base64url' = 'hex'): string {
  return randomBytes(bytes).toString(encoding);
}

export function randomDigits(n: number): string {
  let s = '';
  const bytes = randomBytes(n);
  for (let i = 0; i < n; i++) s += String(bytes[i] % 10);
  return s;
}

/** A simulated outage or slowness of one system (dev and tests). */
export interface Fault {
  /** Wait this long before answering (or before the fault's own answer). */
  delayMs?: number;
  /** Answer with this HTTP status instead of the real handler. */
  status?: number;
  /** Body of that answer (default: a short text). */
  body?: string;
  contentType?: string;
}

export const SYSTEMS = ['wechat', 'alipay', 'sms', 'household', 'face', 'idp', 'upstream', 'courier', 'province', 'licence_library'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export class FaultBoard {
  private readonly faults = new Map<SystemName, Fault>();
  set(system: SystemName, fault: Fault | null): void {
    if (fault) this.faults.set(system, fault);
    else this.faults.delete(system);
  }
  clear(): void {
    this.faults.clear();
  }
  /** Applies the system's fault; true when the fault answered and the handler must not run. */
  async apply(system: SystemName, ctx: Context): Promise<boolean> {
    const fault = this.faults.get(system);
    if (!fault) return false;
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs).unref());
    if (fault.status === undefined) return false;
    ctx.status = fault.status;
    ctx.type = fault.contentType ?? 'text/plain; charset=utf-8';
    ctx.body = fault.body ?? `simulated ${system} fault`;
    return true;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Appends a query parameter to a URL (absolute or path-relative), keeping its fragment last. */
export function withQueryParam(url: string, name: string, value: string): string {
  const hashAt = url.indexOf('#');
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  return `${base}${base.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}${hash}`;
}

/** A minimal mobile page in the simulators' house style. */
export function simPage(title: string, inner: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;background:#f5f6f8;color:#1f2329}
main{max-width:420px;margin:0 auto;padding:32px 20px;text-align:center}
.badge{display:inline-block;font-size:12px;color:#8f959e;border:1px solid #dee0e3;border-radius:4px;padding:2px 6px}
.face{width:160px;height:160px;border-radius:50%;margin:28px auto;background:radial-gradient(circle,#e8f3ff 60%,#1677ff 61%,#1677ff 64%,#e8f3ff 65%)}
button{display:block;width:100%;padding:14px;margin:12px 0;border:0;border-radius:8px;font-size:16px;cursor:pointer}
.pass{background:#1677ff;color:#fff}.fail{background:#fff;color:#f54a45;border:1px solid #f54a45}
p{line-height:1.6}
</style></head><body><main>${inner}</main></body></html>`;
}

/** Accepts an absolute http(s) URL or a same-origin path; anything else (javascript:, //host) is refused. */
export function isSafeRedirect(url: string): boolean {
  if (/^\/(?!\/)/.test(url)) return true;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * A simulator's timers (decision steps, retry backoffs): unref'd so they never hold the process,
 * counted for tests, and all cancelled by `stop()`, after which nothing is scheduled.
 */
export class SimTimers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private halted = false;

  get stopped(): boolean {
    return this.halted;
  }

  get size(): number {
    return this.timers.size;
  }

  schedule(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.halted) return undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.halted) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  stop(): void {
    this.halted = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * POSTs one JSON event to our signed push endpoint as the simulated system does (our gateway
 * signing scheme, no redirects, a timeout): the HTTP status, or the transport failure's code.
 */
export async function postSignedEvent(callbackUrl: string, event: unknown, credentials: { appKey: string; appSecret: string }, signal: AbortSignal, timeoutMs: number): Promise<number | string> {
  try {
    const url = new URL(callbackUrl);
    const body = JSON.stringify(event);
    const headers = signRequest({ method: 'POST', path: `${url.pathname}${url.search}`, body, ...credentials });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch (err) {
    return (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.name ?? 'error';
  }
}
