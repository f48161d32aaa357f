import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { CONSOLE_API_PREFIX, type AuditEntry, type ErrorBody, type OutboxEntry, type OutboxRetryTopicResponse, type Page, type StaffRole } from '@onevisit/shared-types';
import { errorMiddleware } from '../http/errors';
import { requestContext } from '../http/requestContext';
import { ApiRouter, type Authenticator } from '../http/route';
import { AuditRepo } from '../modules/audit/repo';
import { AuditService } from '../modules/audit/service';
import { storageModes } from '../testing/storage';
import { OutboxDispatcher } from './dispatcher';
import { enqueue } from './enqueue';
import { PermanentFailure } from './failure';
import { OutboxRepo } from './repo';
import { outboxConsolePaths, outboxRoutes } from './routes';
import { OutboxService } from './service';
import { capturingLogger, openTestDatabase, type TestDatabase } from './testing';

/**
 * The console routes mounted the way app.ts mounts console routes, with a stand-in staff
 * authenticator (the real one — cookie session, CSRF — is the console module's and tested there).
 */
describe.each(storageModes().map((m) => [m.name, m] as const))('outbox console routes on %s', (_name, mode) => {
  let t: TestDatabase;
  let server: http.Server;
  let base: string;
  let audit: AuditService;
  let dispatcher: OutboxDispatcher;
  const topic = 'webhook.partner';
  const deadIds: string[] = [];
  const delivered: string[] = [];
  let failing = true;

  const staffAuthenticator: Authenticator = async (ctx) => {
    const role = ctx.get('x-test-role') as StaffRole;
    if (!role) throw Object.assign(new Error('no session'), { status: 401 });
    ctx.state.staff = { staffId: `stf_${role}`, username: `${role}.one`, displayName: `测试${role}`, role, sessionId: 'sess' };
  };
  const call = async <T>(method: string, path: string, role: StaffRole | null, status: number, json?: unknown): Promise<T> => {
    const headers: Record<string, string> = role ? { 'x-test-role': role } : {};
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${CONSOLE_API_PREFIX}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const body = (await res.json()) as T;
    expect({ status: res.status, body }).toEqual({ status, body });
    return body;
  };

  beforeAll(async () => {
    t = await openTestDatabase(mode);
    const repo = new OutboxRepo(t.database.db, t.database.dialect);
    audit = new AuditService(new AuditRepo(t.database.db));
    const { logger } = capturingLogger('warn');
    const router = new ApiRouter(CONSOLE_API_PREFIX, { validateResponses: true, authenticators: { staff: staffAuthenticator } }).add(
      ...outboxRoutes({ outbox: new OutboxService(repo), audit }),
    );
    const app = new Koa();
    app.silent = true;
    app.use(requestContext(logger));
    app.use(errorMiddleware());
    app.use(bodyParser({ enableTypes: ['json'] }));
    app.use(router.router.routes());
    app.use(router.router.allowedMethods({ throw: true }));
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    dispatcher = new OutboxDispatcher(repo).register<{ n: number }>(topic, async (_p, meta) => {
      if (failing) throw new PermanentFailure('partner answered 400');
      delivered.push(meta.id);
    });
    for (let n = 0; n < 3; n++) {
      const r = await enqueue(t.database.db, { topic, dedupeKey: `evt-${n}`, payload: { n, phone: '13612345678' } });
      if (r.created) deadIds.push(r.id);
    }
    expect(await dispatcher.runOnce()).toMatchObject({ dead: 3 });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  it('lists dead letters for staff with audit:read, paged, never with payloads', async () => {
    const page = await call<Page<OutboxEntry>>('GET', `${outboxConsolePaths.dead}?pageSize=2`, 'supervisor', 200);
    expect(page).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ topic, status: 'dead', attempts: 1, lastError: 'PermanentFailure: partner answered 400' });
    expect(JSON.stringify(page)).not.toContain('13612345678');
    expect(JSON.stringify(page)).not.toContain('payload');
    const filtered = await call<Page<OutboxEntry>>('GET', `${outboxConsolePaths.dead}?topic=notify.sms`, 'admin', 200);
    expect(filtered.total).toBe(0);
    expect((await call<ErrorBody>('GET', outboxConsolePaths.dead, 'agent', 403)).code).toBe('PERMISSION_DENIED');
    expect((await call<ErrorBody>('GET', `${outboxConsolePaths.dead}?pageSize=500`, 'admin', 400)).code).toBe('VALIDATION_FAILED');
  });

  it('retries a dead letter for staff with outbox:manage, audited, and the dispatcher delivers it', async () => {
    const [id] = deadIds;
    expect((await call<ErrorBody>('POST', outboxConsolePaths.retry(id), 'supervisor', 403)).code).toBe('PERMISSION_DENIED');
    const entry = await call<OutboxEntry>('POST', outboxConsolePaths.retry(id), 'admin', 200);
    expect(entry).toMatchObject({ id, status: 'pending', attempts: 0 });

    const { items } = await audit.list({ action: 'outbox.retry' }, 1, 10);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject<Partial<AuditEntry>>({ actorType: 'staff', actorId: 'stf_admin', subjectType: 'outbox', subjectId: id, details: { topic, attempts: 1 } });

    failing = false;
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(delivered).toEqual([id]);

    // A delivered entry is not dead any more; an unknown one does not exist. Neither is audited.
    expect(await call<ErrorBody>('POST', outboxConsolePaths.retry(id), 'admin', 409)).toMatchObject({ code: 'OUTBOX_ENTRY_NOT_DEAD', details: { status: 'delivered' } });
    expect((await call<ErrorBody>('POST', outboxConsolePaths.retry('obx_missing'), 'admin', 404)).code).toBe('OUTBOX_ENTRY_NOT_FOUND');
    expect((await audit.list({ action: 'outbox.retry' }, 1, 10)).total).toBe(1);
    expect((await call<Page<OutboxEntry>>('GET', outboxConsolePaths.dead, 'admin', 200)).total).toBe(2);
  });
  it('puts every dead letter of a topic back at once for outbox:manage, audited once, and a repeat does nothing', async () => {
    failing = true;
    const other = 'e2e.other';
    dispatcher.register<{ n: number }>(other, async () => {
      throw new PermanentFailure('never');
    });
    await enqueue(t.database.db, { topic: other, dedupeKey: 'other-1', payload: { n: 9 } });
    await dispatcher.runOnce();
    const deadOf = async (topicName: string) => (await call<Page<OutboxEntry>>('GET', `${outboxConsolePaths.dead}?topic=${topicName}`, 'admin', 200)).total;
    expect(await deadOf(topic)).toBe(2);
    expect(await deadOf(other)).toBe(1);

    expect((await call<ErrorBody>('POST', outboxConsolePaths.retryTopic, 'supervisor', 403, { topic })).code).toBe('PERMISSION_DENIED');
    expect((await call<ErrorBody>('POST', outboxConsolePaths.retryTopic, 'admin', 400, { topic: 'Not A Topic!' })).code).toBe('VALIDATION_FAILED');
    expect((await call<ErrorBody>('POST', outboxConsolePaths.retryTopic, 'admin', 400, {})).code).toBe('VALIDATION_FAILED');
    expect(await deadOf(topic)).toBe(2);

    expect(await call<OutboxRetryTopicResponse>('POST', outboxConsolePaths.retryTopic, 'admin', 200, { topic })).toEqual({ topic, retried: 2, remaining: 0 });
    expect(await deadOf(topic)).toBe(0);
    expect(await deadOf(other)).toBe(1); // another topic is untouched
    const { items } = await audit.list({ action: 'outbox.retry_topic' }, 1, 10);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject<Partial<AuditEntry>>({ actorId: 'stf_admin', subjectType: 'outbox_topic', subjectId: topic, details: { dead: 2 } });
    // Again: nothing dead, nothing done, nothing audited.
    expect(await call<OutboxRetryTopicResponse>('POST', outboxConsolePaths.retryTopic, 'admin', 200, { topic })).toEqual({ topic, retried: 0, remaining: 0 });
    expect((await audit.list({ action: 'outbox.retry_topic' }, 1, 10)).total).toBe(1);

    failing = false;
    expect(await dispatcher.runOnce()).toMatchObject({ delivered: 2 });
  });
});
