import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { CALENDAR_SOURCE_NAMES, CALENDAR_YEAR_MAX, CALENDAR_YEAR_MIN } from '@onevisit/shared-types/client';
import type { CalendarCoverage, CalendarDay } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { useLoad } from '../hooks/useLoad';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { fieldIssues, formatTime, todayInShanghai, yearInShanghai } from '../format';
import { hrefs, navigate } from '../router';

const WEEKDAY_NAMES = ['一', '二', '三', '四', '五', '六', '日'];
const NOTE_MAX = 40;
const FALLBACK_TEXT = '本年度尚未录入国务院节假日安排，按周一至周五计算工作日';

type Choice = 'offday' | 'workday' | 'clear';

/** ISO weekday (1 Monday … 7 Sunday) of a `YYYY-MM-DD` date; calendar arithmetic only, no time zone. */
function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2026年10月1日 星期四` */
function longDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日 星期${WEEKDAY_NAMES[isoWeekday(date) - 1]}`;
}

/** The years offered: at least 2024–2027, and two either side of the current year. */
function yearOptions(current: number, shown: number): number[] {
  const from = Math.max(CALENDAR_YEAR_MIN, Math.min(2024, current - 2, shown));
  const to = Math.min(CALENDAR_YEAR_MAX, Math.max(2027, current + 2, shown));
  const out: number[] = [];
  for (let y = from; y <= to; y++) out.push(y);
  return out;
}

/** What a day is without an exception row: Monday–Friday work, weekends off. */
function defaultKind(date: string): string {
  return isoWeekday(date) >= 6 ? '周末休息' : '工作日';
}

/**
 * The working-day calendar for admins: one year as twelve month grids, official holidays (休)
 * and make-up workdays (班) marked in text, and an inline editor for the chosen day.
 */
export function CalendarPage({ year: routeYear }: { year?: number }) {
  const currentYear = yearInShanghai();
  const year = routeYear ?? currentYear;
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const loaded = useLoad(
    () => api.calendar(year).then((res) => ({ coverage: res.coverage, days: new Map(res.days.map((d) => [d.date, d])) })),
    [year],
  );
  const { error, loading } = loaded;
  // A failed load shows no stale year.
  const coverage = error ? null : (loaded.data?.coverage ?? null);
  const days = error ? null : (loaded.data?.days ?? null);

  useEffect(() => {
    setSelected(null);
    setStatus(null);
  }, [year]);

  const list = useMemo(() => (days ? [...days.values()].sort((a, b) => a.date.localeCompare(b.date)) : []), [days]);
  const offCount = list.filter((d) => d.isOffDay).length;
  const today = todayInShanghai();

  function saved(message: string, date: string, day: CalendarDay | null, cov: CalendarCoverage) {
    loaded.setData((prev) => {
      const next = new Map(prev?.days ?? []);
      if (day) next.set(date, day);
      else next.delete(date);
      return { coverage: cov, days: next };
    });
    setStatus(message);
  }

  return (
    <section>
      <PageTitle title="工作日历">
        <div className="input-row">
          <label htmlFor="calendar-year" className="inline-label">
            年份
          </label>
          <select id="calendar-year" value={year} onChange={(e) => navigate(hrefs.calendarYear(Number(e.target.value)))}>
            {yearOptions(currentYear, year).map((y) => (
              <option key={y} value={y}>
                {y} 年{y === currentYear ? '（今年）' : ''}
              </option>
            ))}
          </select>
        </div>
      </PageTitle>
      <p className="field-hint page-hint">
        办理时限按工作日计算：周一至周五为工作日、周末休息，本页录入的例外日期优先——“休”为法定节假日放假（含假期中的周末），“班”为周末调休上班。请按国务院办公厅每年公布的放假安排录入。
      </p>
      <ErrorNotice error={error} />
      {coverage?.source === 'weekday-fallback' && (
        <div className="notice notice-warn calendar-fallback-banner" role="status">
          <strong>{FALLBACK_TEXT}</strong>
          <div>{year} 年的放假安排公布后，请点击日期逐日录入放假和调休上班日期。</div>
        </div>
      )}
      {status && (
        <div className="notice notice-success" role="status">
          {status}
        </div>
      )}
      {days && coverage && (
        <div className="calendar-layout" aria-busy={loading}>
          <div>
            <div className="calendar-summary">
              <span>
                {year} 年：{CALENDAR_SOURCE_NAMES[coverage.source] ?? coverage.source}
              </span>
              {coverage.source === 'official' && (
                <span className="muted">
                  {' '}
                  · 放假 {offCount} 天，调休上班 {list.length - offCount} 天
                </span>
              )}
              <span className="calendar-legend" aria-hidden="true">
                <span className="day-mark mark-off">休</span> 放假
                <span className="day-mark mark-work">班</span> 调休上班
                <span className="legend-weekend">六 日</span> 周末
              </span>
            </div>
            <div className="calendar-months">
              {Array.from({ length: 12 }, (_, i) => (
                <MonthGrid key={i} year={year} month={i + 1} days={days} selected={selected} today={today} onSelect={(d) => (setSelected(d), setStatus(null))} />
              ))}
            </div>
          </div>
          <aside className="calendar-side" aria-label="编辑日期">
            {selected ? (
              <DayEditor key={selected} date={selected} day={days.get(selected) ?? null} onClose={() => setSelected(null)} onSaved={saved} />
            ) : (
              <div className="panel calendar-editor-empty">
                <h2>编辑日期</h2>
                <p className="muted">点击左侧日历中的日期，可设为放假、调休上班，或恢复默认。</p>
              </div>
            )}
            <ExceptionList days={list} year={year} onSelect={(d) => (setSelected(d), setStatus(null))} />
          </aside>
        </div>
      )}
      {!days && !error && <p className="muted">正在加载…</p>}
    </section>
  );
}

function MonthGrid(props: { year: number; month: number; days: Map<string, CalendarDay>; selected: string | null; today: string; onSelect: (date: string) => void }) {
  const { year, month, days, selected, today, onSelect } = props;
  const first = `${year}-${pad(month)}-01`;
  const lead = isoWeekday(first) - 1;
  const count = daysInMonth(year, month);
  const cells: (string | null)[] = [...Array<null>(lead).fill(null)];
  for (let d = 1; d <= count; d++) cells.push(`${year}-${pad(month)}-${pad(d)}`);
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const titleId = `calendar-month-${month}`;

  return (
    <div className="calendar-month">
      <h3 id={titleId}>{month} 月</h3>
      <table className="calendar-grid" aria-labelledby={titleId}>
        <thead>
          <tr>
            {WEEKDAY_NAMES.map((w, i) => (
              <th key={w} scope="col" className={i >= 5 ? 'weekend' : undefined} abbr={`星期${w}`}>
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, wi) => (
            <tr key={wi}>
              {week.map((date, di) =>
                date ? (
                  <DayCell key={date} date={date} day={days.get(date)} selected={selected === date} today={today === date} onSelect={onSelect} />
                ) : (
                  <td key={`blank-${di}`} className="calendar-blank" />
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DayCell({ date, day, selected, today, onSelect }: { date: string; day?: CalendarDay; selected: boolean; today: boolean; onSelect: (d: string) => void }) {
  const weekend = isoWeekday(date) >= 6;
  const kind = day ? (day.isOffDay ? '放假' : '调休上班') : defaultKind(date);
  const classes = ['calendar-day'];
  if (weekend) classes.push('is-weekend');
  if (day) classes.push(day.isOffDay ? 'is-off' : 'is-work');
  if (selected) classes.push('is-selected');
  if (today) classes.push('is-today');
  const label = `${longDate(date)}，${kind}${day?.note ? `，${day.note}` : ''}${today ? '，今天' : ''}`;
  return (
    <td>
      <button
        type="button"
        className={classes.join(' ')}
        data-date={date}
        data-kind={day ? (day.isOffDay ? 'offday' : 'workday') : 'default'}
        aria-label={label}
        aria-pressed={selected}
        title={label}
        onClick={() => onSelect(date)}
      >
        <span className="day-num">{Number(date.slice(8))}</span>
        {day && <span className={`day-mark ${day.isOffDay ? 'mark-off' : 'mark-work'}`}>{day.isOffDay ? '休' : '班'}</span>}
        {day?.note && <span className="day-note">{day.note}</span>}
      </button>
    </td>
  );
}

function DayEditor(props: {
  date: string;
  day: CalendarDay | null;
  onClose: () => void;
  onSaved: (message: string, date: string, day: CalendarDay | null, coverage: CalendarCoverage) => void;
}) {
  const { date, day, onClose, onSaved } = props;
  const id = useId();
  const initial: Choice = day ? (day.isOffDay ? 'offday' : 'workday') : 'clear';
  const [choice, setChoice] = useState<Choice>(initial);
  const [note, setNote] = useState(day?.note ?? '');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus({ preventScroll: true }), []);

  const weekend = isoWeekday(date) >= 6;
  const unchanged = choice === initial && (choice === 'clear' || note.trim() === (day?.note ?? ''));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (unchanged || pending) return;
    const trimmed = note.trim();
    if (choice !== 'clear' && trimmed.length > NOTE_MAX) {
      setNoteError(`备注最多 ${NOTE_MAX} 个字`);
      return;
    }
    setNoteError(null);
    setError(null);
    setPending(true);
    try {
      if (choice === 'clear') {
        const res = await api.clearCalendarDay(date);
        onSaved(`已将 ${longDate(date)} 恢复为默认（${defaultKind(date)}）。`, date, null, res.coverage);
      } else {
        const res = await api.setCalendarDay(date, { isOffDay: choice === 'offday', note: trimmed });
        const what = choice === 'offday' ? '放假' : '调休上班';
        setNote(res.day.note);
        onSaved(`已将 ${longDate(date)} 设为${what}${res.day.note ? `（${res.day.note}）` : ''}。`, date, res.day, res.coverage);
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') setNoteError(fieldIssues(err.details).note ?? null);
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="panel calendar-editor" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        {longDate(date)}
      </h2>
      <p className="calendar-current">
        当前：
        {day ? (
          <>
            <span className={`day-mark ${day.isOffDay ? 'mark-off' : 'mark-work'}`}>{day.isOffDay ? '休' : '班'}</span>
            {day.isOffDay ? '放假' : '调休上班'}
            {day.note && `（${day.note}）`}
          </>
        ) : (
          <>默认{defaultKind(date)}（无例外）</>
        )}
      </p>
      {day && (
        <p className="field-hint">
          最后修改：{day.updatedBy === 'seed' ? '系统预置' : day.updatedBy} · {formatTime(day.updatedAt)}
        </p>
      )}
      <fieldset className="choice-group">
        <legend className="label">设为</legend>
        <label className="choice">
          <input type="radio" id="calendar-day-offday" name={`${id}-choice`} checked={choice === 'offday'} onChange={() => setChoice('offday')} />
          <span className="day-mark mark-off">休</span> 放假
        </label>
        <label className="choice">
          <input type="radio" id="calendar-day-workday" name={`${id}-choice`} checked={choice === 'workday'} onChange={() => setChoice('workday')} />
          <span className="day-mark mark-work">班</span> 调休上班
        </label>
        <label className="choice">
          <input type="radio" id="calendar-day-clear" name={`${id}-choice`} checked={choice === 'clear'} onChange={() => setChoice('clear')} />
          {day ? '恢复默认（删除例外）' : '默认（不设例外）'}
        </label>
      </fieldset>
      {choice === 'workday' && !weekend && <p className="field-hint calendar-warn">该日是周一至周五，本来就是工作日；调休上班通常设在周末。</p>}
      {choice === 'offday' && weekend && !day && <p className="field-hint">周末本来就休息；录入为放假可让整个假期连续显示。</p>}
      <div className="field">
        <label htmlFor="calendar-day-note">备注</label>
        <input
          id="calendar-day-note"
          value={choice === 'clear' ? '' : note}
          onChange={(e) => setNote(e.target.value)}
          disabled={choice === 'clear'}
          maxLength={NOTE_MAX}
          autoComplete="off"
          placeholder={choice === 'workday' ? '如 国庆节调休上班' : '如 国庆节'}
          aria-invalid={noteError ? true : undefined}
          aria-describedby={`${id}-note-hint`}
        />
        {noteError ? (
          <p id={`${id}-note-hint`} className="field-error" role="alert">
            {noteError}
          </p>
        ) : (
          <p id={`${id}-note-hint`} className="field-hint">
            最多 {NOTE_MAX} 个字，可不填
          </p>
        )}
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button id="calendar-day-save" type="submit" className="btn btn-primary" disabled={pending || unchanged}>
          {pending ? '保存中…' : '保存'}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          关闭
        </button>
      </div>
    </form>
  );
}

function ExceptionList({ days, year, onSelect }: { days: CalendarDay[]; year: number; onSelect: (date: string) => void }) {
  if (days.length === 0) return null;
  return (
    <details className="panel calendar-list">
      <summary>
        {year} 年全部例外日期（{days.length}）
      </summary>
      <ul>
        {days.map((d) => (
          <li key={d.date}>
            <button type="button" className="btn-link" onClick={() => onSelect(d.date)}>
              <span className="mono">{d.date}</span> 周{WEEKDAY_NAMES[d.weekday - 1]}
            </button>{' '}
            <span className={`day-mark ${d.isOffDay ? 'mark-off' : 'mark-work'}`}>{d.isOffDay ? '休' : '班'}</span> {d.note}
          </li>
        ))}
      </ul>
    </details>
  );
}
