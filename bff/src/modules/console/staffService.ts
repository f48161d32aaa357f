import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { ROLE_PERMISSIONS, type ConsoleSession, type Staff, type StaffRole } from '@onevisit/shared-types';
import { dbTimeIn, fromDbTime, newId } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Authenticator } from '../../http/route';
import type { StaffPrincipal } from '../../http/context';
import type { SessionStore } from '../../security/sessions';
import type { AuditService } from '../audit/service';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords';
import { toStaff, type StaffRepo, type StaffRow } from './staffRepo';

export const CONSOLE_COOKIE = 'ov_console';

export interface StaffSessionData {
  csrfToken: string;
}

export interface StaffOptions {
  lockoutThreshold: number;
  lockoutMinutes: number;
}

/** What a request tells the audit log about itself. */
export interface RequestMeta {
  requestId: string;
  ip: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Staff accounts and console sessions: scrypt passwords, lockout after repeated failures,
 * sessions in HttpOnly SameSite cookies with a CSRF token for every state-changing request,
 * role and status re-read on every request (a disabled account stops at once).
 */
export class StaffService {
  constructor(
    private readonly repo: StaffRepo,
    private readonly sessions: SessionStore<StaffSessionData>,
    private readonly audit: AuditService,
    private readonly options: StaffOptions,
  ) {}

  private actor(row: StaffRow) {
    return { type: 'staff' as const, id: row.staff_id, name: row.display_name };
  }

  private sessionView(row: StaffRow, csrfToken: string): ConsoleSession {
    const staff = toStaff(row);
    return { staff, permissions: [...ROLE_PERMISSIONS[staff.role]], csrfToken };
  }

  async login(username: string, password: string, meta: RequestMeta): Promise<{ token: string; session: ConsoleSession }> {
    const row = await this.repo.byUsername(username.toLowerCase());
    const passwordOk = await verifyPassword(password, row?.password_hash ?? DECOY_HASH);
    if (!row || row.status !== 'active') {
      throw new AppError('STAFF_LOGIN_FAILED', 'wrong username or password');
    }
    if (row.locked_until && Date.parse(fromDbTime(row.locked_until)) > Date.now()) {
      await this.audit.record({ actor: this.actor(row), action: 'staff.login_locked', subject: { type: 'staff', id: row.staff_id }, ...meta });
      throw new AppError('STAFF_LOCKED', 'this account is locked after repeated failures; try later or ask an admin', { lockedUntil: fromDbTime(row.locked_until) });
    }
    if (!passwordOk) {
      const failures = await this.repo.recordFailure(row.staff_id);
      const lock = failures >= this.options.lockoutThreshold;
      if (lock) await this.repo.update(row.staff_id, { failed_attempts: 0, locked_until: dbTimeIn(this.options.lockoutMinutes * 60_000) });
      await this.audit.record({ actor: this.actor(row), action: lock ? 'staff.locked' : 'staff.login_failed', subject: { type: 'staff', id: row.staff_id }, ...meta, details: { failures } });
      throw new AppError('STAFF_LOGIN_FAILED', 'wrong username or password');
    }
    await this.repo.update(row.staff_id, { failed_attempts: 0, locked_until: null });
    const csrfToken = randomBytes(24).toString('base64url');
    const { token } = await this.sessions.create(row.staff_id, { csrfToken });
    await this.audit.record({ actor: this.actor(row), action: 'staff.login', subject: { type: 'staff', id: row.staff_id }, ...meta });
    return { token, session: this.sessionView(row, csrfToken) };
  }

  async logout(token: string, staff: StaffPrincipal, meta: RequestMeta): Promise<void> {
    await this.sessions.revoke(token);
    await this.audit.record({ actor: { type: 'staff', id: staff.staffId, name: staff.displayName }, action: 'staff.logout', subject: { type: 'staff', id: staff.staffId }, ...meta });
  }

  /** Console routes: the session cookie, a live active account, and the CSRF header on writes. */
  authenticator(): Authenticator {
    return async (ctx) => {
      const token = ctx.cookies.get(CONSOLE_COOKIE);
      const session = token ? await this.sessions.resolve(token) : null;
      if (!session) throw new AppError('SESSION_INVALID', 'log in to the console');
      const row = await this.repo.byId(session.subjectId);
      if (!row || row.status !== 'active') {
        await this.sessions.revoke(token!);
        throw new AppError('SESSION_INVALID', 'this account is no longer active');
      }
      if (!SAFE_METHODS.has(ctx.method) && !sameToken(ctx.get('x-csrf-token'), session.data.csrfToken)) {
        throw new AppError('CSRF_TOKEN_INVALID', 'missing or wrong X-CSRF-Token header');
      }
      ctx.state.staff = { staffId: row.staff_id, username: row.username, displayName: row.display_name, role: row.role as StaffRole, sessionId: session.sessionId };
      ctx.state.consoleSession = this.sessionView(row, session.data.csrfToken);
    };
  }

  static tokenOf(ctx: Context): string | undefined {
    return ctx.cookies.get(CONSOLE_COOKIE);
  }

  // ---- management (admins) ----

  async list(): Promise<Staff[]> {
    return (await this.repo.list()).map(toStaff);
  }

  async create(input: { username: string; displayName: string; role: StaffRole; password: string }, by: StaffPrincipal, meta: RequestMeta): Promise<Staff> {
    const staffId = newId('stf');
    const ok = await this.repo.insert({
      staff_id: staffId,
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      status: 'active',
      password_hash: await hashPassword(input.password),
    });
    if (!ok) throw new AppError('USERNAME_TAKEN', `the username ${input.username} is taken`);
    await this.audit.record({ actor: { type: 'staff', id: by.staffId, name: by.displayName }, action: 'staff.create', subject: { type: 'staff', id: staffId }, ...meta, details: { role: input.role } });
    return toStaff((await this.repo.byId(staffId))!);
  }

  async update(staffId: string, changes: { role?: StaffRole; status?: 'active' | 'disabled'; unlock?: true }, by: StaffPrincipal, meta: RequestMeta): Promise<Staff> {
    const row = await this.repo.byId(staffId);
    if (!row) throw new AppError('STAFF_NOT_FOUND', `no staff account ${staffId}`);
    const demotesAdmin = row.role === 'admin' && row.status === 'active' && ((changes.role && changes.role !== 'admin') || changes.status === 'disabled');
    if (demotesAdmin && (await this.repo.countActiveAdmins()) <= 1) {
      throw new AppError('CONFLICT', 'the last active admin cannot be demoted or disabled');
    }
    await this.repo.update(staffId, {
      ...(changes.role ? { role: changes.role } : {}),
      ...(changes.status ? { status: changes.status } : {}),
      ...(changes.unlock ? { locked_until: null, failed_attempts: 0 } : {}),
    });
    // A new role or a disabled account takes effect now, not at the next login.
    if (changes.role || changes.status === 'disabled') await this.sessions.revokeAll(staffId);
    await this.audit.record({ actor: { type: 'staff', id: by.staffId, name: by.displayName }, action: 'staff.update', subject: { type: 'staff', id: staffId }, ...meta, details: changes });
    return toStaff((await this.repo.byId(staffId))!);
  }

  async setPassword(staffId: string, password: string, by: StaffPrincipal, meta: RequestMeta): Promise<Staff> {
    if (!(await this.repo.byId(staffId))) throw new AppError('STAFF_NOT_FOUND', `no staff account ${staffId}`);
    await this.repo.update(staffId, { password_hash: await hashPassword(password), failed_attempts: 0, locked_until: null });
    await this.sessions.revokeAll(staffId);
    await this.audit.record({ actor: { type: 'staff', id: by.staffId, name: by.displayName }, action: 'staff.password_reset', subject: { type: 'staff', id: staffId }, ...meta });
    return toStaff((await this.repo.byId(staffId))!);
  }

  /** The first admin, from the environment at start-up; never a default password. */
  async ensureFirstAdmin(admin: { username: string; password: string } | undefined): Promise<'created' | 'exists' | 'none'> {
    if ((await this.repo.countActiveAdmins()) > 0) return 'exists';
    if (!admin) return 'none';
    return (await this.createAdmin(admin.username, admin.password)) ? 'created' : 'exists';
  }

  /** An admin account made outside the console (start-up or the create-admin script); false if the username exists. */
  async createAdmin(username: string, password: string): Promise<boolean> {
    const staffId = newId('stf');
    const ok = await this.repo.insert({ staff_id: staffId, username, display_name: '系统管理员', role: 'admin', status: 'active', password_hash: await hashPassword(password) });
    if (ok) await this.audit.record({ actor: { type: 'system', id: 'setup', name: 'system' }, action: 'staff.create_admin', subject: { type: 'staff', id: staffId }, requestId: 'setup' });
    return ok;
  }
}
