import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { CASE_ACTION_NAMES } from '@onevisit/shared-types/client';
import type { StaffCaseAction, StaffCaseDetail } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import {
  CONFIRMED_ACTIONS,
  EMPTY_DRAFT,
  NOTE_MAX,
  NOTE_REQUIRED_ACTIONS,
  PENDING_MAX,
  REASON_MAX,
  REASONS_MAX,
  attemptFor,
  buildActionBody,
  keepsAttempt,
  noteLabel,
  type ActionAttempt,
  type ActionBody,
  type ActionDraft,
  type DraftIssues,
} from '../cases';
import { fieldIssues } from '../format';
import { ErrorNotice } from './ErrorNotice';

const QUICK_SUPPLEMENT_REASONS = ['材料照片不清晰，请重新拍摄上传', '材料内容与申请表填写不一致', '材料已过有效期，请提供有效材料', '缺少材料原件照片'];
const DANGER_ACTIONS: readonly StaffCaseAction[] = ['reject', 'not_accept'];
const CONFLICT_CODES: readonly string[] = ['CASE_TRANSITION_ILLEGAL', 'CONFLICT', 'APPROVAL_DEPARTMENT_INVALID'];

/** What each action does, shown above its form. */
const ACTION_HINTS: Partial<Record<StaffCaseAction, string>> = {
  accept: '受理后开始计算办理时限。允许容缺的材料可登记承诺补交日期（容缺受理）。',
  request_supplement: '列出需要补正的内容，申请人会收到通知；补正期间计时暂停。',
  not_accept: '不予受理将告知申请人理由，办件就此结束。',
  start_review: '进入审批环节。',
  approve: '审批通过将告知申请人。',
  reject: '不予批准将告知申请人理由，办件就此结束。',
  start_production: '开始制作证件。',
  ship: '证件已交寄。',
  ready_for_pickup: '证件可到窗口领取，申请人会收到通知。',
  complete: '办结本件。',
};

/**
 * The approver's actions: exactly `actions` as buttons (what the server allows now); the chosen
 * one opens its form. Decisions are confirmed in a dialog. A click's actionId is kept while the
 * same request is retried after a network or server failure, and replaced when the request changes.
 */
export function CaseActionPanel(props: {
  detail: StaffCaseDetail;
  actions: StaffCaseAction[];
  lateAllowed: string[] | null;
  today: string;
  onDone: (detail: StaffCaseDetail, action: StaffCaseAction) => void;
  onConflict: (error: unknown) => void;
}) {
  const { detail, actions, lateAllowed, today, onDone, onConflict } = props;
  const [selected, setSelected] = useState<StaffCaseAction | null>(null);

  return (
    <div className="panel case-actions" data-testid="case-actions">
      <h2>办理操作</h2>
      {actions.length === 0 ? (
        <p className="muted" data-testid="case-actions-none">
          {detail.upstream !== 'in_house' ? '本件由部门业务系统办理，此处无需操作。' : '当前状态下没有可执行的操作。'}
        </p>
      ) : (
        <div className="action-buttons" role="group" aria-label="可执行的操作">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={`btn ${selected === a ? 'btn-primary' : DANGER_ACTIONS.includes(a) ? 'btn-danger' : ''}`}
              data-testid={`case-action-${a}`}
              aria-pressed={selected === a}
              aria-controls={selected === a ? 'case-action-form' : undefined}
              onClick={() => setSelected(selected === a ? null : a)}
            >
              {CASE_ACTION_NAMES[a] ?? a}
            </button>
          ))}
        </div>
      )}
      {selected && actions.includes(selected) && (
        <ActionForm
          key={selected}
          action={selected}
          detail={detail}
          lateAllowed={lateAllowed}
          today={today}
          onCancel={() => setSelected(null)}
          onDone={(next) => onDone(next, selected)}
          onConflict={onConflict}
        />
      )}
    </div>
  );
}

function ActionForm(props: {
  action: StaffCaseAction;
  detail: StaffCaseDetail;
  lateAllowed: string[] | null;
  today: string;
  onCancel: () => void;
  onDone: (detail: StaffCaseDetail) => void;
  onConflict: (error: unknown) => void;
}) {
  const { action, detail, lateAllowed, today, onCancel, onDone, onConflict } = props;
  const id = useId();
  const departments = detail.pendingDepartments;
  const needsDepartment = (action === 'approve' || action === 'reject') && departments.length > 0;
  const [draft, setDraft] = useState<ActionDraft>(() => ({ ...EMPTY_DRAFT, department: needsDepartment && departments.length === 1 ? departments[0] : '' }));
  const [issues, setIssues] = useState<DraftIssues>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState<ActionBody | null>(null);
  const attempt = useRef<ActionAttempt | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('select, textarea, input')?.focus();
  }, []);

  const update = (patch: Partial<ActionDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const label = CASE_ACTION_NAMES[action] ?? action;
  const noteRequired = NOTE_REQUIRED_ACTIONS.includes(action);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (pending) return;
    const built = buildActionBody(action, draft, { pendingDepartments: departments, lateAllowed, today });
    if (!built.ok) {
      setIssues(built.issues);
      // Focus the first field with a problem.
      const first = (['department', 'reasons', 'pending', 'note'] as const).find((k) => built.issues[k]);
      if (first) formRef.current?.querySelector<HTMLElement>(`[data-issue-field="${first}"]`)?.focus();
      return;
    }
    setIssues({});
    setError(null);
    if (CONFIRMED_ACTIONS.includes(action)) setConfirming(built.body);
    else void send(built.body);
  }

  async function send(body: ActionBody) {
    const current = attemptFor(attempt.current, body);
    attempt.current = current;
    setPending(true);
    try {
      const next = await api.caseAction(detail.caseNo, { ...body, actionId: current.actionId });
      attempt.current = null;
      setConfirming(null);
      onDone(next);
    } catch (err) {
      setPending(false);
      setConfirming(null);
      if (!(err instanceof ApiError) || !keepsAttempt(err.status)) attempt.current = null;
      // Someone else moved the case (or signed for that department) first: show it and reload.
      if (err instanceof ApiError && CONFLICT_CODES.includes(err.code)) {
        onConflict(err);
        return;
      }
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const f = fieldIssues(err.details);
        const mapped: DraftIssues = {};
        for (const [key, message] of Object.entries(f)) {
          if (key.startsWith('note')) mapped.note = message;
          else if (key.startsWith('reasons')) mapped.reasons = message;
          else if (key.startsWith('pendingMaterials')) mapped.pending = message;
          else if (key.startsWith('department')) mapped.department = message;
        }
        setIssues(mapped);
      }
      setError(err);
    }
  }

  return (
    <form id="case-action-form" ref={formRef} className="action-form" onSubmit={submit} noValidate aria-label={label} data-testid="case-action-form" data-action={action}>
      <h3>{label}</h3>
      {ACTION_HINTS[action] && <p className="field-hint">{ACTION_HINTS[action]}</p>}

      {needsDepartment && (
        <div className="field">
          <label htmlFor={`${id}-department`}>会签部门（必选）</label>
          <select
            id={`${id}-department`}
            data-testid="case-department"
            data-issue-field="department"
            value={draft.department}
            onChange={(e) => update({ department: e.target.value })}
            aria-invalid={issues.department ? true : undefined}
            aria-describedby={`${id}-department-hint`}
          >
            <option value="">请选择部门</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <FieldMessage id={`${id}-department-hint`} error={issues.department} hint={`并联审批：尚待会签的部门 ${departments.length} 个，任一部门不同意即不予批准。`} />
        </div>
      )}

      {action === 'request_supplement' && <ReasonsEditor id={id} reasons={draft.reasons} error={issues.reasons} onChange={(reasons) => update({ reasons })} />}

      {action === 'accept' && <PendingEditor id={id} rows={draft.pending} lateAllowed={lateAllowed} today={today} error={issues.pending} onChange={(pending) => update({ pending })} />}

      <div className="field">
        <label htmlFor={`${id}-note`}>
          {noteLabel(action)}
          {noteRequired ? '（必填' : '（选填'}
          {action === 'reject' || action === 'not_accept' ? '，将告知申请人）' : '）'}
        </label>
        <textarea
          id={`${id}-note`}
          data-testid="case-note"
          data-issue-field="note"
          value={draft.note}
          onChange={(e) => update({ note: e.target.value })}
          maxLength={NOTE_MAX}
          rows={4}
          aria-invalid={issues.note ? true : undefined}
          aria-describedby={`${id}-note-hint`}
          aria-required={noteRequired || undefined}
        />
        <FieldMessage id={`${id}-note-hint`} error={issues.note} hint={`${draft.note.trim().length} / ${NOTE_MAX} 字`} />
      </div>

      <div data-testid="case-action-error">
        <ErrorNotice error={error} />
      </div>
      <div className="form-actions">
        <button type="submit" className={`btn ${DANGER_ACTIONS.includes(action) ? 'btn-danger' : 'btn-primary'}`} data-testid="case-action-submit" disabled={pending}>
          {pending ? '提交中…' : `确认${label}`}
        </button>
        <button type="button" className="btn" data-testid="case-action-cancel" disabled={pending} onClick={onCancel}>
          取消
        </button>
      </div>

      {confirming && (
        <ConfirmDialog
          title={`确认${label}？`}
          danger={DANGER_ACTIONS.includes(action)}
          pending={pending}
          onConfirm={() => void send(confirming)}
          onCancel={() => !pending && setConfirming(null)}
        >
          <dl className="confirm-summary">
            <dt>办件</dt>
            <dd>
              <span className="mono">{detail.caseNo}</span> {detail.itemName}
            </dd>
            {confirming.department && (
              <>
                <dt>会签部门</dt>
                <dd>{confirming.department}</dd>
              </>
            )}
            {confirming.pendingMaterials && (
              <>
                <dt>容缺材料</dt>
                <dd>{confirming.pendingMaterials.map((p) => `${p.materialName}（${p.promisedBy} 前补交）`).join('；')}</dd>
              </>
            )}
            {confirming.note && (
              <>
                <dt>{noteLabel(action)}</dt>
                <dd className="confirm-note">{confirming.note}</dd>
              </>
            )}
          </dl>
          <p className="field-hint">提交后申请人将收到通知，操作记入办理过程，不能撤回。</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

function FieldMessage({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  if (error) {
    return (
      <p id={id} className="field-error" role="alert">
        {error}
      </p>
    );
  }
  return hint ? (
    <p id={id} className="field-hint">
      {hint}
    </p>
  ) : null;
}

function ReasonsEditor({ id, reasons, error, onChange }: { id: string; reasons: string[]; error?: string; onChange: (r: string[]) => void }) {
  const set = (i: number, value: string) => onChange(reasons.map((r, j) => (j === i ? value : r)));
  const pick = (text: string) => {
    if (reasons.some((r) => r.trim() === text)) return;
    const empty = reasons.findIndex((r) => !r.trim());
    if (empty >= 0) set(empty, text);
    else if (reasons.length < REASONS_MAX) onChange([...reasons, text]);
  };
  return (
    <fieldset className="field editor-list" aria-describedby={`${id}-reasons-hint`}>
      <legend className="label">需要补正的内容（至少一项）</legend>
      <div className="quick-picks" role="group" aria-label="常用补正内容">
        {QUICK_SUPPLEMENT_REASONS.map((r) => (
          <button key={r} type="button" className="chip" data-testid="case-reason-pick" onClick={() => pick(r)}>
            {r}
          </button>
        ))}
      </div>
      {reasons.map((r, i) => (
        <div className="editor-row-line" key={i}>
          <input
            data-testid="case-reason-input"
            data-issue-field={i === 0 ? 'reasons' : undefined}
            aria-label={`补正内容 ${i + 1}`}
            value={r}
            onChange={(e) => set(i, e.target.value)}
            maxLength={REASON_MAX}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            placeholder="如：身份证正面照片不清晰"
          />
          <button
            type="button"
            className="btn btn-link"
            data-testid="case-reason-remove"
            aria-label={`删除补正内容 ${i + 1}`}
            disabled={reasons.length <= 1}
            onClick={() => onChange(reasons.filter((_, j) => j !== i))}
          >
            删除
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" data-testid="case-reason-add" disabled={reasons.length >= REASONS_MAX} onClick={() => onChange([...reasons, ''])}>
        + 添加一项
      </button>
      <FieldMessage id={`${id}-reasons-hint`} error={error} hint={`最多 ${REASONS_MAX} 项，每项不超过 ${REASON_MAX} 字，将原样告知申请人。`} />
    </fieldset>
  );
}

/** 容缺受理: materials allowed late, each with the date the applicant promises to supply it by. */
function PendingEditor(props: {
  id: string;
  rows: { materialName: string; promisedBy: string }[];
  lateAllowed: string[] | null;
  today: string;
  error?: string;
  onChange: (rows: { materialName: string; promisedBy: string }[]) => void;
}) {
  const { id, rows, lateAllowed, today, error, onChange } = props;
  const set = (i: number, patch: Partial<{ materialName: string; promisedBy: string }>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const used = new Set(rows.map((r) => r.materialName));
  const canAdd = rows.length < PENDING_MAX && (lateAllowed === null || lateAllowed.some((n) => !used.has(n)));
  const hint =
    lateAllowed === null
      ? '未能读取本事项的材料清单，请输入材料名称（须为事项中允许容缺的材料，服务端会核对）。'
      : lateAllowed.length === 0
        ? '本事项没有允许容缺且尚未提交的材料。'
        : `可容缺的材料：${lateAllowed.join('、')}。不登记则为正常受理。`;
  return (
    <fieldset className="field editor-list" aria-describedby={`${id}-pending-hint`}>
      <legend className="label">容缺受理（选填）</legend>
      {rows.map((r, i) => (
        <div className="editor-row-line" key={i} data-testid="case-pending-row">
          {lateAllowed === null ? (
            <input
              data-testid="case-pending-name"
              data-issue-field={i === 0 ? 'pending' : undefined}
              aria-label={`容缺材料 ${i + 1}`}
              value={r.materialName}
              onChange={(e) => set(i, { materialName: e.target.value })}
              maxLength={100}
              autoComplete="off"
              placeholder="材料名称"
            />
          ) : (
            <select
              data-testid="case-pending-name"
              data-issue-field={i === 0 ? 'pending' : undefined}
              aria-label={`容缺材料 ${i + 1}`}
              value={r.materialName}
              onChange={(e) => set(i, { materialName: e.target.value })}
            >
              <option value="">请选择材料</option>
              {lateAllowed
                .filter((n) => n === r.materialName || !used.has(n))
                .map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
            </select>
          )}
          <input
            type="date"
            data-testid="case-pending-date"
            aria-label={`承诺补交日期 ${i + 1}`}
            value={r.promisedBy}
            min={today}
            onChange={(e) => set(i, { promisedBy: e.target.value })}
          />
          <button type="button" className="btn btn-link" data-testid="case-pending-remove" aria-label={`删除容缺材料 ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            删除
          </button>
        </div>
      ))}
      {canAdd && (
        <button type="button" className="btn btn-small" data-testid="case-pending-add" onClick={() => onChange([...rows, { materialName: '', promisedBy: '' }])}>
          + 登记容缺材料
        </button>
      )}
      <FieldMessage id={`${id}-pending-hint`} error={error} hint={hint} />
    </fieldset>
  );
}

/** A modal confirmation (native <dialog>: focus stays inside, Escape cancels). */
function ConfirmDialog(props: { title: string; danger: boolean; pending: boolean; onConfirm: () => void; onCancel: () => void; children: ReactNode }) {
  const { title, danger, pending, onConfirm, onCancel, children } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      data-testid="case-confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="form-actions">
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} data-testid="case-confirm-ok" disabled={pending} onClick={onConfirm}>
          {pending ? '提交中…' : '确认提交'}
        </button>
        <button type="button" className="btn" data-testid="case-confirm-cancel" disabled={pending} onClick={onCancel}>
          取消
        </button>
      </div>
    </dialog>
  );
}
