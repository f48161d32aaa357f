import type { ConsoleSession } from '@onevisit/shared-types';

/** A browser-like console client: keeps the session cookie, sends the CSRF token on writes. */
export class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}

  async request(method: string, path: string, body?: unknown, opts: { csrf?: boolean } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await fetch(`${this.base}/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res;
  }

  async login(username: string, password: string): Promise<Response> {
    const res = await this.request('POST', '/auth/login', { username, password }, { csrf: false });
    if (res.ok) this.csrf = ((await res.clone().json()) as ConsoleSession).csrfToken;
    return res;
  }
}
