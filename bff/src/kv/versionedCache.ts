import { createHash } from 'node:crypto';
import { JsonPayload } from '../http/route';
import type { Kv } from './port';

export interface VersionedCacheOptions {
  /** Namespace of the keys, e.g. `catalog`. */
  name: string;
  ttlSeconds: number;
  /**
   * How long this process trusts its last read of the version before asking the KV again. A
   * write in this process is seen at once; a write in another process within this bound.
   */
  versionTrustMs: number;
  /** Serialised responses kept in this process (most recently used). */
  localEntries: number;
}

/**
 * Read-through cache of serialised JSON responses, in two layers: this process's memory, then
 * the KV (shared by all BFF processes). Every key lives under the namespace's version; bumping
 * the version invalidates everything at once, everywhere, without deleting keys one by one.
 */
export class VersionedCache {
  private trusted: { version: string; until: number } | null = null;
  private readonly local = new Map<string, JsonPayload>();

  constructor(
    private readonly kv: Kv,
    private readonly options: VersionedCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private get versionKey(): string {
    return `${this.options.name}:version`;
  }

  /** Starts from the clock, so a version key lost from the KV can never resurrect stale entries. */
  async version(): Promise<string> {
    if (this.trusted && this.trusted.until > this.now()) return this.trusted.version;
    let version = await this.kv.get(this.versionKey);
    if (!version) {
      await this.kv.set(this.versionKey, String(this.now()), { ifAbsent: true });
      version = (await this.kv.get(this.versionKey)) ?? '0';
    }
    this.trust(version);
    return version;
  }

  async bump(): Promise<void> {
    await this.version();
    this.trust(String(await this.kv.incr(this.versionKey)));
  }

  private trust(version: string): void {
    if (this.trusted?.version !== version) this.local.clear();
    this.trusted = { version, until: this.now() + this.options.versionTrustMs };
  }

  async get(key: string, produce: () => Promise<unknown>): Promise<JsonPayload> {
    const fullKey = `${this.options.name}:v${await this.version()}:${key}`;
    const local = this.local.get(fullKey);
    if (local) {
      this.local.delete(fullKey); // re-insert: Map order is our recency order
      this.local.set(fullKey, local);
      return local;
    }
    const shared = await this.kv.get(fullKey);
    let payload: JsonPayload;
    if (shared) {
      const newline = shared.indexOf('\n');
      payload = new JsonPayload(shared.slice(newline + 1), shared.slice(0, newline));
    } else {
      const json = JSON.stringify(await produce());
      payload = new JsonPayload(json, `"${createHash('sha1').update(json).digest('base64url')}"`);
      await this.kv.set(fullKey, `${payload.etag}\n${payload.json}`, { ttlMs: this.options.ttlSeconds * 1000 });
    }
    this.local.set(fullKey, payload);
    if (this.local.size > this.options.localEntries) this.local.delete(this.local.keys().next().value!);
    return payload;
  }
}
