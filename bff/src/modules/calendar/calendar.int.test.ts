import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { CalendarDayDeleteResponse, CalendarDayUpsertResponse, CalendarYearResponse, ErrorBody, StaffRole } from '@onevisit/shared-types';
import { loadConfig } from '../../config';
import { createDatabase, type Database } from '../../db';
import { errorMiddleware } from '../../http/errors';
import { requestContext } from '../../http/requestContext';
import { ApiRouter } from '../../http/route';
import { createKv, type Kv } from '../../kv';
import { createLogger } from '../../logger';
import { storageModes } from '../../testing/storage';
import { AuditRepo } from '../audit/repo';
import { AuditService } from '../audit/service';
import { shanghaiDayEnd, shanghaiInstant as at, shanghaiYear, yearOf } from './dates';
import { CalendarRepo } from './repo';
import { calendarRoutes } from './routes';
import { CalendarService } from './service';
import { CALENDAR_SEED } from './seed';

const admin = { staffId: 'stf_admin', displayName: '管理员甲' };
const meta = { requestId: 'req-calendar-test', ip: '127.0.0.1' };
const seededIn = (year: number) => CALENDAR_SEED.filter((d) => yearOf(d.date) === year).length;

describe.each(storageModes().map((m) => [m.name, m] as const))('working-day calendar on %s', (_name, mode) => {
  let cleanup: () => Promise<void>;
  let database: Database;
  let kv: Kv;
  let audit: AuditService;
  let repo: CalendarRepo;
  let calendar: CalendarService;
  const auditCount = async (date: string) => (await audit.list({ action: 'calendar.update', subjectId: date }, 1, 50)).total;

  beforeAll(async () => {
    const storage = await mode.prepare();
    cleanup = storage.cleanup;
    const config = loadConfig({ NODE_ENV: 'test', ...storage.env });
    database = await createDatabase(config.db);
    await database.migrate();
    kv = await createKv(config);
    audit = new AuditService(new AuditRepo(database.db));
    repo = new CalendarRepo(database.db, database.dialect);
    // A long trust: only this process's own writes may invalidate, unless a test says otherwise.
    calendar = new CalendarService(repo, audit, { kv, versionTrustMs: 60_000 });
  });
  afterAll(async () => {
    await kv?.close();
    await database?.close();
    await cleanup?.();
  });

  it('seeds each empty year once, and the seed replaces the cached fallback', async () => {
    expect(await calendar.coverage(2024)).toEqual({ year: 2024, source: 'weekday-fallback' }); // cached before seeding
    expect(await calendar.isWorkingDay('2024-10-01')).toBe(true);
    expect(await calendar.seedIfEmpty(CALENDAR_SEED)).toEqual([2024, 2025, 2026]);
    expect(await calendar.seedIfEmpty(CALENDAR_SEED)).toEqual([]);
    expect(await calendar.coverage(2024)).toEqual({ year: 2024, source: 'official' });
    expect(await calendar.isWorkingDay('2024-10-01')).toBe(false);
    const y2026 = await calendar.listYear(2026);
    expect(y2026.days).toHaveLength(seededIn(2026));
    expect(y2026.days[0]).toMatchObject({ date: '2026-01-01', isOffDay: true, note: '元旦', weekday: 4, updatedBy: 'seed' });
    expect(y2026.days.find((d) => d.date === '2026-02-14')).toMatchObject({ isOffDay: false, note: '春节调休上班', weekday: 6 });
    expect(y2026.days.map((d) => d.date)).toEqual([...y2026.days.map((d) => d.date)].sort());
  });

  it('answers working days from the table, and Monday–Friday for a year without rows', async () => {
    expect(await calendar.isWorkingDay('2024-10-12')).toBe(true); // make-up Saturday
    expect(await calendar.isWorkingDay('2026-02-23')).toBe(false); // last day of the nine-day 春节
    expect(await calendar.isWorkingDay('2026-03-02')).toBe(true);
    expect(await calendar.hasDataFor(2025)).toBe(true);
    expect(await calendar.hasDataFor(2027)).toBe(false);
    expect(await calendar.coverage(2027)).toEqual({ year: 2027, source: 'weekday-fallback' });
    expect(await calendar.isWorkingDay('2027-10-01')).toBe(true); // a Friday: nobody has entered 2027's 国庆节
    expect(await calendar.isWorkingDay('2027-10-02')).toBe(false);
    expect(await calendar.listYear(2027)).toEqual({ coverage: { year: 2027, source: 'weekday-fallback' }, days: [] });
    await expect(calendar.isWorkingDay('2027-02-30')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('upserts idempotently, audits only real changes, and drops the cached year at once', async () => {
    expect(await calendar.isWorkingDay('2027-10-01')).toBe(true); // cached
    const first = await calendar.setDay('2027-10-01', { isOffDay: true, note: ' 国庆节 ' }, admin, meta);
    expect(first).toMatchObject({ changed: true, day: { date: '2027-10-01', isOffDay: true, note: '国庆节', weekday: 5, updatedBy: admin.staffId }, coverage: { year: 2027, source: 'official' } });
    expect(await calendar.isWorkingDay('2027-10-01')).toBe(false);
    expect(await calendar.coverage(2027)).toEqual({ year: 2027, source: 'official' });

    const retry = await calendar.setDay('2027-10-01', { isOffDay: true, note: '国庆节' }, admin, meta);
    expect(retry.changed).toBe(false);
    expect(await auditCount('2027-10-01')).toBe(1);

    await calendar.setDay('2027-10-01', { isOffDay: true, note: '国庆节（待国务院通知）' }, admin, meta);
    expect(await auditCount('2027-10-01')).toBe(2);
    const entry = (await audit.list({ action: 'calendar.update', subjectId: '2027-10-01' }, 1, 1)).items[0];
    expect(entry).toMatchObject({ actorId: admin.staffId, actorName: admin.displayName, subjectType: 'calendar_day', requestId: meta.requestId });
    expect(entry.details).toEqual({ op: 'set', before: { isOffDay: true, note: '国庆节' }, after: { isOffDay: true, note: '国庆节（待国务院通知）' } });

    // A make-up workday on a Sunday.
    await calendar.setDay('2027-09-26', { isOffDay: false, note: '国庆节调休上班' }, admin, meta);
    expect(await calendar.isWorkingDay('2027-09-26')).toBe(true);
  });

  it('deletes back to Monday–Friday (idempotently), falling back when the year has no rows left', async () => {
    expect(await calendar.removeDay('2027-09-26', admin, meta)).toEqual({ date: '2027-09-26', removed: true, coverage: { year: 2027, source: 'official' } });
    expect(await calendar.isWorkingDay('2027-09-26')).toBe(false);
    expect(await calendar.removeDay('2027-10-01', admin, meta)).toEqual({ date: '2027-10-01', removed: true, coverage: { year: 2027, source: 'weekday-fallback' } });
    expect(await calendar.isWorkingDay('2027-10-01')).toBe(true);
    expect(await calendar.removeDay('2027-10-01', admin, meta)).toMatchObject({ removed: false });
    expect(await auditCount('2027-10-01')).toBe(3);
    const entry = (await audit.list({ action: 'calendar.update', subjectId: '2027-10-01' }, 1, 1)).items[0];
    expect(entry.details).toMatchObject({ op: 'delete', after: null });
  });

  it('another process sees a write through the KV version; without it, only its own writes', async () => {
    const peer = new CalendarService(repo, audit, { kv, versionTrustMs: 0 });
    const isolated = new CalendarService(repo, audit, { versionTrustMs: 0 });
    expect(await peer.isWorkingDay('2025-06-03')).toBe(true);
    expect(await isolated.isWorkingDay('2025-06-03')).toBe(true);
    await calendar.setDay('2025-06-03', { isOffDay: true, note: '测试' }, admin, meta);
    expect(await peer.isWorkingDay('2025-06-03')).toBe(false);
    expect(await isolated.isWorkingDay('2025-06-03')).toBe(true); // stale: no shared KV to tell it
    await peer.removeDay('2025-06-03', admin, meta);
    expect(await calendar.isWorkingDay('2025-06-03')).toBe(false); // trusts its version for 60 s …
    await calendar.setDay('2025-06-04', { isOffDay: false, note: '' }, admin, meta); // … until it writes itself
    expect(await calendar.isWorkingDay('2025-06-03')).toBe(true);
    await calendar.removeDay('2025-06-04', admin, meta);
  });

  it('computes deadlines and lights over the stored calendar, loading the years it runs into', async () => {
    const beforeNationalDay = await calendar.deadlineFor({ startedAt: at('2024-09-30 17:00'), limitWorkingDays: 5, pauses: [] });
    expect(beforeNationalDay).toMatchObject({ dueAt: shanghaiDayEnd('2024-10-12'), fallbackYears: [] });
    const intoNextYear = await calendar.deadlineFor({ startedAt: at('2026-12-30 10:00'), limitWorkingDays: 3, pauses: [{ from: at('2026-12-31 09:00'), to: at('2026-12-31 10:00') }] });
    expect(intoNextYear).toMatchObject({ dueAt: shanghaiDayEnd('2027-01-05'), pausedWorkingDays: 1, fallbackYears: [2027] });
    const greenChannel = await calendar.deadlineFor({ startedAt: at('2025-01-27 10:00'), limitHours: 24, pauses: [] });
    expect(greenChannel.dueAt).toEqual(at('2025-01-28 10:00'));
    expect(await calendar.deadlineStatus(shanghaiDayEnd('2024-10-12'), at('2024-10-11 12:00'))).toBe('green');
    expect(await calendar.deadlineStatus(shanghaiDayEnd('2024-10-12'), at('2024-10-12 08:00'))).toBe('yellow');
    expect(await calendar.deadlineStatus(shanghaiDayEnd('2024-10-12'), at('2024-10-13 00:00'))).toBe('red');
    // Due on 元旦 2025 (an hour limit): the last working day before it is 2024-12-31, in the previous year.
    expect(await calendar.deadlineStatus(at('2025-01-01 10:00'), at('2024-12-31 09:00'))).toBe('yellow');
  });

  describe('console API', () => {
    let server: http.Server;
    let base: string;
    const call = async <T>(method: string, path: string, role: StaffRole = 'admin', body?: unknown) => {
      const res = await fetch(`${base}/console/api${path}`, {
        method,
        headers: { 'x-test-role': role, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    };

    beforeAll(async () => {
      // The calendar's routes on a bare console router; the staff authenticator is a stand-in.
      const router = new ApiRouter('/console/api', {
        validateResponses: true,
        authenticators: {
          staff: async (ctx) => {
            ctx.state.staff = { staffId: 'stf_http', username: 'http', displayName: '接口测试', role: ctx.get('x-test-role') as StaffRole, sessionId: 's' };
          },
        },
      }).add(...calendarRoutes({ calendar }));
      const app = new Koa();
      app.silent = true;
      app.use(requestContext(createLogger('silent')));
      app.use(errorMiddleware());
      app.use(bodyParser({ enableTypes: ['json'] }));
      app.use(router.router.routes());
      server = http.createServer(app.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
    });

    it('lists a year with its coverage; the current Shanghai year by default', async () => {
      const y2025 = await call<CalendarYearResponse>('GET', '/calendar?year=2025');
      expect(y2025.status).toBe(200);
      expect(y2025.body.coverage).toEqual({ year: 2025, source: 'official' });
      expect(y2025.body.days).toHaveLength(seededIn(2025));
      const current = await call<CalendarYearResponse>('GET', '/calendar');
      expect(current.body.coverage.year).toBe(shanghaiYear(new Date()));
    });

    it('validates years and dates as real dates', async () => {
      const badYear = await call<ErrorBody>('GET', '/calendar?year=1999');
      expect(badYear).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      const badDate = await call<ErrorBody>('PUT', '/calendar/days/2025-02-30', 'admin', { isOffDay: true });
      expect(badDate).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: { issues: [{ field: 'params.date' }] } } });
      const badBody = await call<ErrorBody>('PUT', '/calendar/days/2027-05-03', 'admin', { isOffDay: 'yes', note: 'x'.repeat(41) });
      expect(badBody.status).toBe(400);
      expect((badBody.body.details as { issues: { field: string }[] }).issues.map((i) => i.field).sort()).toEqual(['body.isOffDay', 'body.note']);
    });

    it('is for admins only', async () => {
      expect(await call<ErrorBody>('GET', '/calendar?year=2025', 'supervisor')).toMatchObject({ status: 403, body: { code: 'PERMISSION_DENIED' } });
      expect(await call<ErrorBody>('PUT', '/calendar/days/2027-05-03', 'agent', { isOffDay: true })).toMatchObject({ status: 403, body: { code: 'PERMISSION_DENIED' } });
      expect(await calendar.isWorkingDay('2027-05-03')).toBe(true);
    });

    it('PUT and DELETE are idempotent and take effect at once', async () => {
      const put = await call<CalendarDayUpsertResponse>('PUT', '/calendar/days/2027-05-03', 'admin', { isOffDay: true, note: '劳动节' });
      expect(put).toMatchObject({ status: 200, body: { changed: true, day: { date: '2027-05-03', isOffDay: true, note: '劳动节', updatedBy: 'stf_http' } } });
      expect((await call<CalendarDayUpsertResponse>('PUT', '/calendar/days/2027-05-03', 'admin', { isOffDay: true, note: '劳动节' })).body.changed).toBe(false);
      expect(await calendar.isWorkingDay('2027-05-03')).toBe(false);
      expect(await call<CalendarDayDeleteResponse>('DELETE', '/calendar/days/2027-05-03')).toMatchObject({ status: 200, body: { removed: true, coverage: { source: 'weekday-fallback' } } });
      expect((await call<CalendarDayDeleteResponse>('DELETE', '/calendar/days/2027-05-03')).body.removed).toBe(false);
      expect(await calendar.isWorkingDay('2027-05-03')).toBe(true);
      expect(await auditCount('2027-05-03')).toBe(2);
    });
  });
});
