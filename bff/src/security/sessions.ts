import { createHash, randomBytes } from 'node:crypto';
import type { Kv } from '../kv';

export interface SessionOptions {
  /** Key namespace, e.g. `cs` (citizens) or `ss` (staff). */
  name: string;
  /** The session ends after this long without use; each use extends it. */
  idleMs: number;
  /** Refresh tokens (citizens) live this long; 0 = no refresh tokens (staff). */
  refreshMs: number;
}

export interface Session<D> {
  sessionId: string;
  subjectId: string;
  data: D;
  expiresAt: Date;
}

interface Stored<D> {
  sessionId: string;
  subjectId: string;
  generation: number;
  data: D;
  refreshHash: string | null;
  extendedAt: number;
}

interface RefreshRecord<D> {
  tokenHash: string;
  subjectId: string;
  generation: number;
  data: D;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const token = () => randomBytes(32).toString('base64url');

/**
 * Opaque session tokens in the KV. Only hashes are stored, so a KV dump holds nothing usable.
 * Sliding expiry; refresh tokens rotate on use (the old pair dies); logout revokes one session,
 * `revokeAll` every session of a subject at once (a generation counter, checked on each use).
 */
export class SessionStore<D> {
  constructor(
    private readonly kv: Kv,
    private readonly options: SessionOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private key(kind: 's' | 'r' | 'g', id: string): string {
    return `${this.options.name}:${kind}:${id}`;
  }

  private async generation(subjectId: string): Promise<number> {
    return Number((await this.kv.get(this.key('g', subjectId))) ?? 0);
  }

  async create(subjectId: string, data: D): Promise<{ token: string; refreshToken: string | null; session: Session<D> }> {
    const sessionToken = token();
    const refreshToken = this.options.refreshMs > 0 ? token() : null;
    const stored: Stored<D> = {
      sessionId: randomBytes(9).toString('base64url'),
      subjectId,
      generation: await this.generation(subjectId),
      data,
      refreshHash: refreshToken ? hash(refreshToken) : null,
      extendedAt: this.now(),
    };
    await this.kv.set(this.key('s', hash(sessionToken)), JSON.stringify(stored), { ttlMs: this.options.idleMs });
    if (refreshToken) {
      const record: RefreshRecord<D> = { tokenHash: hash(sessionToken), subjectId, generation: stored.generation, data };
      await this.kv.set(this.key('r', stored.refreshHash!), JSON.stringify(record), { ttlMs: this.options.refreshMs });
    }
    return { token: sessionToken, refreshToken, session: this.view(stored) };
  }

  private view(stored: Stored<D>): Session<D> {
    return { sessionId: stored.sessionId, subjectId: stored.subjectId, data: stored.data, expiresAt: new Date(stored.extendedAt + this.options.idleMs) };
  }

  /** The live session of a token, extended (at most once a minute, to spare the KV), or null. */
  async resolve(sessionToken: string): Promise<Session<D> | null> {
    const key = this.key('s', hash(sessionToken));
    const raw = await this.kv.get(key);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Stored<D>;
    if (stored.generation !== (await this.generation(stored.subjectId))) {
      await this.kv.del(key);
      return null;
    }
    if (this.now() - stored.extendedAt > 60_000) {
      stored.extendedAt = this.now();
      await this.kv.set(key, JSON.stringify(stored), { ttlMs: this.options.idleMs });
    }
    return this.view(stored);
  }

  /**
   * Rotates: a refresh token works once, ends the session it was issued with (if still alive)
   * and starts a new one — also after that session idled out, which is what refresh is for.
   */
  async refresh(refreshToken: string): Promise<{ token: string; refreshToken: string | null; session: Session<D> } | null> {
    const rKey = this.key('r', hash(refreshToken));
    const raw = await this.kv.get(rKey);
    if (!raw || (await this.kv.del(rKey)) === 0) return null; // del = 0: a concurrent refresh won
    const record = JSON.parse(raw) as RefreshRecord<D>;
    await this.kv.del(this.key('s', record.tokenHash));
    if (record.generation !== (await this.generation(record.subjectId))) return null;
    return this.create(record.subjectId, record.data);
  }

  async revoke(sessionToken: string): Promise<void> {
    const key = this.key('s', hash(sessionToken));
    const raw = await this.kv.get(key);
    if (raw) {
      const stored = JSON.parse(raw) as Stored<D>;
      if (stored.refreshHash) await this.kv.del(this.key('r', stored.refreshHash));
    }
    await this.kv.del(key);
  }

  async revokeAll(subjectId: string): Promise<void> {
    await this.kv.incr(this.key('g', subjectId));
  }
}
