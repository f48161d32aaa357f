import type { AuditEntry, ConsoleSession, ErrorBody, Page, Staff } from '@onevisit/shared-types';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { storageModes } from '../../testing/storage';

const ADMIN = { username: 'admin.test', password: 'Correct-Horse-42-Battery' };

describe.each(storageModes().map((m) => [m.name, m] as const))('console API on %s', (_name, mode) => {
  let app: TestApp;
  let admin: ConsoleClient;
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const body = (await res.json()) as T;
    expect({ status: res.status, body }).toEqual({ status, body });
    return body;
  };
  const error = async (res: Response, status: number, code: string) => expect((await json<ErrorBody>(res, status)).code).toBe(code);

  async function staffMember(role: Staff['role'], username: string): Promise<ConsoleClient> {
    const password = 'Another-Secret-77-Pass';
    await json<Staff>(await admin.request('POST', '/staff', { username, displayName: `测试${role}`, role, password }), 200);
    const client = new ConsoleClient(app.url);
    await json(await client.login(username, password), 200);
    return client;
  }

  beforeAll(async () => {
    app = await startTestApp(mode, { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, STAFF_LOCKOUT_THRESHOLD: '3' });
    admin = new ConsoleClient(app.url);
    await json(await admin.login(ADMIN.username, ADMIN.password), 200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sets an HttpOnly, SameSite=Strict session cookie scoped to /console and returns the CSRF token', async () => {
    const client = new ConsoleClient(app.url);
    const res = await client.login(ADMIN.username, ADMIN.password);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/ov_console=[\w-]+/);
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    expect(cookie.toLowerCase()).toContain('path=/console');
    const session = await json<ConsoleSession>(await client.request('GET', '/auth/session'), 200);
    expect(session).toMatchObject({ staff: { username: ADMIN.username, role: 'admin' }, csrfToken: client.csrf });
    expect(session.permissions).toContain('staff:manage');
  });

  it('finds a citizen by phone, shows only masked data, and unmasks with a reason into the audit log', async () => {
    const phone = '13700001111';
    const idNumber = testIdNumber('19900101', '777');
    await app.identity.createCitizenForTest({ phone, name: '周九', idNumber });
    const agent = await staffMember('agent', 'agent.one');

    const found = await json<{ citizens: { userId: string; phone: string; idNumber: string; name: string }[] }>(await agent.request('GET', `/citizens?phone=${phone}`), 200);
    expect(found.citizens).toHaveLength(1);
    const [citizen] = found.citizens;
    expect(citizen).toMatchObject({ phone: '137****1111', idNumber: `430***********${idNumber.slice(-4)}`, name: '周*' });
    const byId = await json<{ citizens: { userId: string }[] }>(await agent.request('GET', `/citizens?idNumber=${idNumber}`), 200);
    expect(byId.citizens.map((c) => c.userId)).toEqual([citizen.userId]);

    const detail = await agent.request('GET', `/citizens/${citizen.userId}`);
    expect(JSON.stringify(await json(detail, 200))).not.toContain(idNumber);

    await error(await agent.request('POST', `/citizens/${citizen.userId}/unmask`, { field: 'idNumber' }), 400, 'UNMASK_REASON_REQUIRED');
    await error(await agent.request('POST', `/citizens/${citizen.userId}/unmask`, { field: 'idNumber', reason: '  ' }), 400, 'UNMASK_REASON_REQUIRED');
    await error(await agent.request('POST', `/citizens/${citizen.userId}/unmask`, { field: 'idNumber', reason: '来电人核对身份' }, { csrf: false }), 403, 'CSRF_TOKEN_INVALID');
    const unmasked = await json<{ value: string; auditId: string }>(await agent.request('POST', `/citizens/${citizen.userId}/unmask`, { field: 'idNumber', reason: '来电人核对身份' }), 200);
    expect(unmasked.value).toBe(idNumber);

    const audit = await json<Page<AuditEntry>>(await admin.request('GET', `/audit?subjectId=${citizen.userId}&action=citizen.unmask`), 200);
    expect(audit.items).toEqual([expect.objectContaining({ auditId: unmasked.auditId, actorName: '测试agent', reason: '来电人核对身份', subjectType: 'citizen' })]);
    expect(audit.items[0].requestId).toMatch(/^[\w-]{8,}$/);
    // Refused unmasks wrote no audit rows and revealed nothing.
    expect(audit.total).toBe(1);
  });

  it('keeps supervisor-only and admin-only endpoints from agents', async () => {
    const agent = await staffMember('agent', 'agent.two');
    await error(await agent.request('GET', '/audit'), 403, 'PERMISSION_DENIED');
    await error(await agent.request('GET', '/staff'), 403, 'PERMISSION_DENIED');
    await error(await agent.request('POST', '/staff', { username: 'sneaky', displayName: 'x', role: 'admin', password: 'Password-1234-xyz' }), 403, 'PERMISSION_DENIED');
    const supervisor = await staffMember('supervisor', 'super.one');
    await json(await supervisor.request('GET', '/audit'), 200);
    await error(await supervisor.request('POST', '/staff', { username: 'sneaky', displayName: 'x', role: 'admin', password: 'Password-1234-xyz' }), 403, 'PERMISSION_DENIED');
  });

  it('locks an account after repeated failures, even for the right password, and audits it', async () => {
    await staffMember('approver', 'approver.one');
    const client = new ConsoleClient(app.url);
    for (let i = 0; i < 3; i++) await error(await client.login('approver.one', 'wrong-password-123'), 401, 'STAFF_LOGIN_FAILED');
    const locked = await json<ErrorBody & { details: { lockedUntil: string } }>(await client.login('approver.one', 'Another-Secret-77-Pass'), 423);
    expect(locked.code).toBe('STAFF_LOCKED');
    expect(Date.parse(locked.details.lockedUntil)).toBeGreaterThan(Date.now());
    await error(await client.login('nobody.here', 'whatever-123456'), 401, 'STAFF_LOGIN_FAILED');
    const staff = await json<{ staff: Staff[] }>(await admin.request('GET', '/staff'), 200);
    const approver = staff.staff.find((s) => s.username === 'approver.one')!;
    expect(approver.lockedUntil).not.toBeNull();
    await json(await admin.request('PATCH', `/staff/${approver.staffId}`, { unlock: true }), 200);
    await json(await client.login('approver.one', 'Another-Secret-77-Pass'), 200);
    const audit = await json<Page<AuditEntry>>(await admin.request('GET', `/audit?subjectId=${approver.staffId}&pageSize=50`), 200);
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['staff.login_failed', 'staff.locked', 'staff.login_locked', 'staff.update', 'staff.login']));
  });

  it('rate-limits login attempts per address and username', async () => {
    const client = new ConsoleClient(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await client.login('nobody.else', 'wrong-password-123')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('ends sessions at logout and when an admin disables the account', async () => {
    const agent = await staffMember('agent', 'agent.three');
    await json(await agent.request('POST', '/auth/logout', {}), 200);
    await error(await agent.request('GET', '/auth/session'), 401, 'SESSION_INVALID');
    const other = await staffMember('agent', 'agent.four');
    const list = await json<{ staff: Staff[] }>(await admin.request('GET', '/staff'), 200);
    const id = list.staff.find((s) => s.username === 'agent.four')!.staffId;
    await json(await admin.request('PATCH', `/staff/${id}`, { status: 'disabled' }), 200);
    await error(await other.request('GET', '/citizens?phone=13700001111'), 401, 'SESSION_INVALID');
    await error(await other.login('agent.four', 'Another-Secret-77-Pass'), 401, 'STAFF_LOGIN_FAILED');
  });

  it('refuses bad input without changing anything', async () => {
    await error(await admin.request('POST', '/staff', { username: 'admin.test', displayName: 'x', role: 'agent', password: 'Password-1234-xyz' }), 409, 'USERNAME_TAKEN');
    await error(await admin.request('POST', '/staff', { username: 'weak.one', displayName: 'x', role: 'agent', password: 'short' }), 400, 'VALIDATION_FAILED');
    await error(await admin.request('POST', '/staff', { username: 'Bad Name', displayName: 'x', role: 'agent', password: 'Password-1234-xyz' }), 400, 'VALIDATION_FAILED');
    await error(await admin.request('GET', '/citizens?phone=12345'), 400, 'VALIDATION_FAILED');
    await error(await admin.request('GET', '/citizens'), 400, 'VALIDATION_FAILED');
    await error(await admin.request('GET', '/citizens/u_nobody'), 404, 'CITIZEN_NOT_FOUND');
    await error(await admin.request('PATCH', '/staff/stf_nobody', { role: 'agent' }), 404, 'STAFF_NOT_FOUND');
    const me = (await json<ConsoleSession>(await admin.request('GET', '/auth/session'), 200)).staff;
    await error(await admin.request('PATCH', `/staff/${me.staffId}`, { role: 'agent' }), 409, 'CONFLICT');
    await error(await admin.request('GET', '/no/such/thing'), 404, 'ROUTE_NOT_FOUND');
    await error(await new ConsoleClient(app.url).request('GET', '/audit'), 401, 'SESSION_INVALID');
  });

  it('logged no unmasked personal data, though it searched by full numbers and unmasked one', () => {
    expect(app.logs.length).toBeGreaterThan(30);
    expectNoPersonalDataIn(app.logs);
  });
});
