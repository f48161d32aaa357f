import { spawnSync } from 'node:child_process';
import { shanghaiDayEnd, shanghaiInstant as at } from './dates';
import { calendarFromExceptions, computeDeadline, deadlineStatus, lastWorkingDayOnOrBefore, type DeadlineInput, type Pause } from './deadline';
import { CALENDAR_SEED } from './seed';

/** The shipped 2024–2026 schedules; other years fall back to Monday–Friday. */
const calendar = calendarFromExceptions(CALENDAR_SEED);
const weekdaysOnly = calendarFromExceptions([]);

const endOf = (date: string) => shanghaiDayEnd(date).toISOString();
const pause = (from: string, to: string | null): Pause => ({ from: at(from), to: to === null ? null : at(to) });
const due = (input: Omit<DeadlineInput, 'pauses'> & { pauses?: Pause[] }, cal = calendar) => computeDeadline({ pauses: [], ...input }, cal);
const days = (accepted: string, limitWorkingDays: number, pauses: Pause[] = [], now?: string) =>
  due({ startedAt: at(accepted), limitWorkingDays, pauses, now: now ? at(now) : undefined });

describe('working days', () => {
  it('follows holidays and make-up workdays, Monday–Friday elsewhere', () => {
    expect(calendar.isWorkingDay('2024-10-01')).toBe(false); // 国庆节, a Tuesday
    expect(calendar.isWorkingDay('2024-10-12')).toBe(true); // a Saturday worked for 国庆节
    expect(calendar.isWorkingDay('2024-10-13')).toBe(false); // an ordinary Sunday
    expect(calendar.isWorkingDay('2024-10-14')).toBe(true); // an ordinary Monday
    expect(calendar.isWorkingDay('2027-10-01')).toBe(true); // a Friday of an unseeded year: the fallback
  });

  it('finds the last working day on or before a date', () => {
    expect(lastWorkingDayOnOrBefore('2024-10-07', calendar)).toBe('2024-09-30');
    expect(lastWorkingDayOnOrBefore('2024-10-13', calendar)).toBe('2024-10-12');
    expect(lastWorkingDayOnOrBefore('2025-01-01', calendar)).toBe('2024-12-31');
  });
});

describe('deadlines in working days', () => {
  it('skips a statutory holiday: accepted the evening before 国庆节 2024, 5 working days', () => {
    const result = days('2024-09-30 17:00', 5);
    // 10/1–10/7 off; 10/8, 9, 10, 11 and the make-up Saturday 10/12 count.
    expect(result.dueAt.toISOString()).toBe(endOf('2024-10-12'));
    expect(result.dueAt.toISOString()).toBe('2024-10-12T15:59:59.999Z');
    expect(result).toMatchObject({ paused: false, pausedWorkingDays: 0 });
    // On a bare Monday–Friday calendar the same case would be due on 10/7.
    expect(due({ startedAt: at('2024-09-30 17:00'), limitWorkingDays: 5 }, weekdaysOnly).dueAt.toISOString()).toBe(endOf('2024-10-07'));
  });

  it('counts a make-up workday (调休上班)', () => {
    expect(days('2025-02-07 10:00', 1).dueAt.toISOString()).toBe(endOf('2025-02-08')); // Saturday worked for 春节
    expect(days('2025-02-07 10:00', 2).dueAt.toISOString()).toBe(endOf('2025-02-10'));
    expect(days('2024-09-29 09:00', 1).dueAt.toISOString()).toBe(endOf('2024-09-30')); // accepted on a make-up Sunday
  });

  it('jumps the nine days of 春节 2026', () => {
    expect(days('2026-02-13 16:00', 1).dueAt.toISOString()).toBe(endOf('2026-02-14'));
    expect(days('2026-02-13 16:00', 2).dueAt.toISOString()).toBe(endOf('2026-02-24'));
  });

  it('starts counting the day after acceptance, whatever the hour', () => {
    expect(days('2024-03-04 00:00', 1).dueAt.toISOString()).toBe(endOf('2024-03-05'));
    expect(days('2024-03-04 23:59:59.999', 1).dueAt.toISOString()).toBe(endOf('2024-03-05'));
    // 23:30 UTC on Monday is already Tuesday in Shanghai.
    expect(due({ startedAt: new Date('2024-03-04T23:30:00Z'), limitWorkingDays: 1 }).dueAt.toISOString()).toBe(endOf('2024-03-06'));
  });

  it('accepted on a weekend: the first working day after it is day 1 (here past 端午节)', () => {
    expect(days('2024-06-08 10:00', 1).dueAt.toISOString()).toBe(endOf('2024-06-11')); // Sat → Sun, Mon 端午节 → Tue
    expect(days('2024-03-09 10:00', 1).dueAt.toISOString()).toBe(endOf('2024-03-11')); // Sat → Mon
  });

  it('limit 0 is due at the end of the day of acceptance, weekend or not', () => {
    expect(days('2024-03-13 10:00', 0).dueAt.toISOString()).toBe(endOf('2024-03-13'));
    expect(days('2024-03-16 10:00', 0).dueAt.toISOString()).toBe(endOf('2024-03-16'));
  });

  it('runs into an unseeded year on Monday–Friday', () => {
    expect(days('2026-12-30 10:00', 3).dueAt.toISOString()).toBe(endOf('2027-01-04')); // 12/31, 1/1 (Fri, fallback), 1/4
  });
});

describe('supplement pauses (working days)', () => {
  it('extends by every working day the pause touches, even partly', () => {
    const result = days('2024-03-04 09:00', 3, [pause('2024-03-05 16:00', '2024-03-06 10:00')]);
    // Tue and Wed are touched → Thu, Fri, Mon count.
    expect(result.dueAt.toISOString()).toBe(endOf('2024-03-11'));
    expect(result).toMatchObject({ paused: false, pausedWorkingDays: 2 });
  });

  it('does not count weekend or holiday days inside a pause', () => {
    expect(days('2024-03-04 09:00', 5, [pause('2024-03-08 18:00', '2024-03-11 09:00')])).toMatchObject({
      dueAt: shanghaiDayEnd('2024-03-13'),
      pausedWorkingDays: 2, // Fri and Mon, not Sat and Sun
    });
    // Requested 9/30, answered 10/9: the 国庆节 days are off anyway; 9/30, 10/8 and 10/9 are extensions.
    expect(days('2024-09-27 10:00', 3, [pause('2024-09-30 10:00', '2024-10-09 10:00')])).toMatchObject({
      dueAt: shanghaiDayEnd('2024-10-11'),
      pausedWorkingDays: 3,
    });
  });

  it('treats a pause as [from, to): answered at midnight does not touch the new day', () => {
    expect(days('2024-03-04 09:00', 3, [pause('2024-03-05 10:00', '2024-03-06 00:00')])).toMatchObject({ dueAt: shanghaiDayEnd('2024-03-08'), pausedWorkingDays: 1 });
  });

  it('counts overlapping pauses once and ignores zero-length ones', () => {
    const result = days('2024-03-04 09:00', 3, [pause('2024-03-05 09:00', '2024-03-05 12:00'), pause('2024-03-05 11:00', '2024-03-05 15:00'), pause('2024-03-06 10:00', '2024-03-06 10:00')]);
    expect(result).toMatchObject({ dueAt: shanghaiDayEnd('2024-03-08'), pausedWorkingDays: 1 });
  });

  it('ignores pauses before acceptance and on the (uncounted) day of acceptance', () => {
    expect(days('2024-03-04 09:00', 3, [pause('2024-03-01 10:00', '2024-03-04 08:00')]).dueAt.toISOString()).toBe(endOf('2024-03-07'));
    expect(days('2024-03-04 09:00', 3, [pause('2024-03-04 10:00', '2024-03-04 15:00')]).dueAt.toISOString()).toBe(endOf('2024-03-07'));
  });

  it('extends for a pause on the due day, not for one after it (already overdue)', () => {
    expect(days('2024-03-04 09:00', 3, [pause('2024-03-07 10:00', '2024-03-07 11:00')]).dueAt.toISOString()).toBe(endOf('2024-03-08'));
    expect(days('2024-03-04 09:00', 3, [pause('2024-03-11 10:00', '2024-03-12 11:00')]).dueAt.toISOString()).toBe(endOf('2024-03-07'));
  });

  it('runs an open pause until now and says the case is paused', () => {
    const result = days('2024-03-04 09:00', 3, [pause('2024-03-05 10:00', null)], '2024-03-06 12:00');
    expect(result).toMatchObject({ dueAt: shanghaiDayEnd('2024-03-11'), paused: true, pausedWorkingDays: 2 });
  });

  it('limit 0 with a pause on the day of acceptance: due on the first working day no pause touches', () => {
    expect(days('2024-03-13 10:00', 0, [pause('2024-03-13 11:00', '2024-03-14 15:00')])).toMatchObject({ dueAt: shanghaiDayEnd('2024-03-15'), pausedWorkingDays: 2 });
  });
});

describe('deadlines in hours (urgent, green channel)', () => {
  it('counts 24 clock hours, holidays included', () => {
    const result = due({ startedAt: at('2024-09-30 15:00'), limitHours: 24 });
    expect(result.dueAt.toISOString()).toBe(at('2024-10-01 15:00').toISOString());
    expect(result).toMatchObject({ paused: false, pausedMs: 0 });
  });

  it('adds paused time, clipped to acceptance, pauses after the deadline ignored', () => {
    const pauses = [pause('2024-09-30 14:00', '2024-09-30 16:00'), pause('2024-09-30 20:00', '2024-09-30 22:00'), pause('2024-10-02 09:00', '2024-10-02 10:00')];
    const result = due({ startedAt: at('2024-09-30 15:00'), limitHours: 24, pauses });
    expect(result.dueAt.toISOString()).toBe(at('2024-10-01 18:00').toISOString());
    expect(result.pausedMs).toBe(3 * 3_600_000);
  });

  it('extends for a pause starting exactly at the deadline', () => {
    expect(due({ startedAt: at('2024-09-30 15:00'), limitHours: 24, pauses: [pause('2024-10-01 15:00', '2024-10-01 16:00')] }).dueAt.toISOString()).toBe(at('2024-10-01 16:00').toISOString());
  });

  it('runs an open pause until now', () => {
    const result = due({ startedAt: at('2024-09-30 15:00'), limitHours: 24, pauses: [pause('2024-09-30 20:00', null)], now: at('2024-10-01 08:00') });
    expect(result).toMatchObject({ dueAt: at('2024-10-02 03:00'), paused: true, pausedMs: 12 * 3_600_000 });
  });
});

describe('input checks', () => {
  it.each<[string, Partial<DeadlineInput>]>([
    ['no limit', {}],
    ['both limits', { limitWorkingDays: 1, limitHours: 24 }],
    ['negative days', { limitWorkingDays: -1 }],
    ['fractional days', { limitWorkingDays: 1.5 }],
    ['zero hours', { limitHours: 0 }],
    ['a pause ending before it starts', { limitWorkingDays: 1, pauses: [pause('2024-03-05 10:00', '2024-03-05 09:00')] }],
  ])('refuses %s', (_name, input) => {
    expect(() => computeDeadline({ startedAt: at('2024-03-04 09:00'), pauses: [], ...input }, calendar)).toThrow(RangeError);
  });

  it('refuses a calendar with no working day at all', () => {
    expect(() => due({ startedAt: at('2024-03-04 09:00'), limitWorkingDays: 1 }, { isWorkingDay: () => false })).toThrow(/no working day/);
  });
});

describe('deadline status lights', () => {
  const friday = shanghaiDayEnd('2024-03-08');

  it('green before the last working day, yellow on it, red after the deadline instant', () => {
    expect(deadlineStatus(friday, at('2024-03-07 23:59:59.999'), calendar)).toBe('green');
    expect(deadlineStatus(friday, at('2024-03-08 00:00'), calendar)).toBe('yellow');
    expect(deadlineStatus(friday, friday, calendar)).toBe('yellow');
    expect(deadlineStatus(friday, new Date(friday.getTime() + 1), calendar)).toBe('red');
  });

  it('the weekend before a Monday deadline is not yet the last working day', () => {
    const monday = shanghaiDayEnd('2024-03-11');
    expect(deadlineStatus(monday, at('2024-03-09 12:00'), calendar)).toBe('green');
    expect(deadlineStatus(monday, at('2024-03-11 00:00'), calendar)).toBe('yellow');
  });

  it('a make-up Saturday can be the last working day', () => {
    const due = shanghaiDayEnd('2024-10-12');
    expect(deadlineStatus(due, at('2024-10-11 12:00'), calendar)).toBe('green');
    expect(deadlineStatus(due, at('2024-10-12 08:00'), calendar)).toBe('yellow');
  });

  it('an hour deadline on a Sunday turns yellow on the Friday before', () => {
    const sunday = at('2024-03-10 10:00');
    expect(deadlineStatus(sunday, at('2024-03-07 18:00'), calendar)).toBe('green');
    expect(deadlineStatus(sunday, at('2024-03-08 09:00'), calendar)).toBe('yellow');
    expect(deadlineStatus(sunday, at('2024-03-09 09:00'), calendar)).toBe('yellow');
    expect(deadlineStatus(sunday, at('2024-03-10 10:00:00.001'), calendar)).toBe('red');
  });
});

describe('independent of the process time zone', () => {
  const expected = [
    '2024-10-12T15:59:59.999Z',
    '2024-06-11T15:59:59.999Z',
    '2024-03-11T15:59:59.999Z',
    '2024-03-06T15:59:59.999Z',
    '2024-10-01T07:00:00.000Z',
    'yellow',
    '2025-06-30T16:30:00.000Z',
  ];
  /** The same computations, in this process and in child processes; the source is shared as text. */
  const batterySource = `[
    computeDeadline({ startedAt: at('2024-09-30 17:00'), limitWorkingDays: 5, pauses: [] }, calendar).dueAt.toISOString(),
    computeDeadline({ startedAt: at('2024-06-08 10:00'), limitWorkingDays: 1, pauses: [] }, calendar).dueAt.toISOString(),
    computeDeadline({ startedAt: at('2024-03-04 09:00'), limitWorkingDays: 3, pauses: [{ from: at('2024-03-05 16:00'), to: at('2024-03-06 10:00') }] }, calendar).dueAt.toISOString(),
    computeDeadline({ startedAt: new Date('2024-03-04T23:30:00Z'), limitWorkingDays: 1, pauses: [] }, calendar).dueAt.toISOString(),
    computeDeadline({ startedAt: at('2024-09-30 15:00'), limitHours: 24, pauses: [] }, calendar).dueAt.toISOString(),
    deadlineStatus(shanghaiDayEnd('2024-03-08'), at('2024-03-08 00:00'), calendar),
    at('2025-07-01 00:30').toISOString(),
  ]`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const battery = new Function('computeDeadline', 'deadlineStatus', 'shanghaiDayEnd', 'at', 'calendar', `return ${batterySource};`) as (...args: unknown[]) => string[];

  it('never calls a local-time Date method or Intl (they throw while the battery runs)', () => {
    const localTime = ['getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds', 'getTimezoneOffset',
      'setFullYear', 'setMonth', 'setDate', 'setHours', 'setMinutes', 'setSeconds', 'setMilliseconds', 'toString', 'toDateString', 'toTimeString',
      'toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'] as const;
    const proto = Date.prototype as unknown as Record<string, unknown>;
    const saved = localTime.map((name) => [name, proto[name]] as const);
    const savedIntl = Intl.DateTimeFormat;
    let results: string[];
    try {
      for (const name of localTime) proto[name] = () => { throw new Error(`local-time ${name} called`); };
      (Intl as { DateTimeFormat: unknown }).DateTimeFormat = () => { throw new Error('Intl.DateTimeFormat called'); };
      results = battery(computeDeadline, deadlineStatus, shanghaiDayEnd, at, calendar);
    } finally {
      for (const [name, fn] of saved) proto[name] = fn;
      (Intl as { DateTimeFormat: unknown }).DateTimeFormat = savedIntl;
    }
    expect(results).toEqual(expected);
  });

  it.each(['America/Los_Angeles', 'Pacific/Chatham'])('gives the same results in a process running with TZ=%s', (tz) => {
    const dir = __dirname.replace(/\\/g, '/');
    const script = `
      import { computeDeadline, deadlineStatus, calendarFromExceptions } from '${dir}/deadline';
      import { shanghaiDayEnd, shanghaiInstant as at } from '${dir}/dates';
      import { CALENDAR_SEED } from '${dir}/seed';
      const calendar = calendarFromExceptions(CALENDAR_SEED);
      console.log(JSON.stringify({ offset: new Date(2025, 6, 1).getTimezoneOffset(), results: ${batterySource} }));`;
    const child = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as { offset: number; results: string[] };
    expect(out.offset).toBe(tz === 'America/Los_Angeles' ? 420 : -765); // the zone really applied (PDT, CHAST)
    expect(out.results).toEqual(expected);
  });
});
