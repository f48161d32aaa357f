import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { STAFF_ROLES, STAFF_ROLE_NAMES, type Staff, type StaffRole } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { USERNAME_RULE, fieldIssues, formatTime, generatePassword, passwordProblem } from '../format';
import { hrefs } from '../router';
import { useSession } from '../session';

const PASSWORD_POLICY = '至少 12 位，须同时包含字母和数字';

function isLocked(s: Staff, now = Date.now()): boolean {
  return Boolean(s.lockedUntil && new Date(s.lockedUntil).getTime() > now);
}

/** Staff list for supervisors (read-only) and admins (create, role, enable/disable, unlock, reset password). */
export function StaffPage() {
  const { session, can } = useSession();
  const manage = can('staff:manage');
  const [staff, setStaff] = useState<Staff[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const res = await api.listStaff();
      setStaff(res.staff);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const changed = useCallback(
    async (message: string) => {
      setStatus(message);
      await load();
    },
    [load],
  );

  return (
    <section>
      <PageTitle title="人员管理">
        {manage && !creating && (
          <button type="button" id="staff-create-open" className="btn btn-primary" onClick={() => (setCreating(true), setStatus(null))}>
            新建人员
          </button>
        )}
      </PageTitle>
      {!manage && <p className="field-hint page-hint">当前角色只能查看人员列表；新建、调整角色和重置密码由管理员操作。</p>}
      {status && (
        <div className="notice notice-success" role="status">
          {status}
        </div>
      )}
      {creating && (
        <CreateStaffForm
          onCancel={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            void changed(`已创建人员 ${s.displayName}（${s.username}）。请通过安全渠道将初始密码告知本人。`);
          }}
        />
      )}
      <ErrorNotice error={error} />
      <div className="panel">
        {!staff ? (
          <p className="muted" aria-busy="true">
            正在加载…
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">用户名</th>
                <th scope="col">姓名</th>
                <th scope="col">角色</th>
                <th scope="col">状态</th>
                <th scope="col">创建时间</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <StaffRow
                  key={s.staffId}
                  staff={s}
                  self={s.staffId === session.staff.staffId}
                  manage={manage}
                  auditLink={can('audit:read')}
                  editing={editing === s.staffId}
                  onToggle={() => (setEditing(editing === s.staffId ? null : s.staffId), setStatus(null))}
                  onChanged={changed}
                />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function StaffRow(props: {
  staff: Staff;
  self: boolean;
  manage: boolean;
  auditLink: boolean;
  editing: boolean;
  onToggle: () => void;
  onChanged: (message: string) => Promise<void>;
}) {
  const { staff: s, self, manage, auditLink, editing, onToggle, onChanged } = props;
  const locked = isLocked(s);
  return (
    <>
      <tr className="staff-row" data-username={s.username}>
        <td className="mono">{s.username}</td>
        <td>
          {s.displayName}
          {self && <span className="tag">本人</span>}
        </td>
        <td>{STAFF_ROLE_NAMES[s.role] ?? s.role}</td>
        <td>
          {s.status === 'active' ? <span className="tag tag-ok">启用</span> : <span className="tag tag-off">停用</span>}
          {locked && <span className="tag tag-warn">锁定至 {formatTime(s.lockedUntil)}</span>}
        </td>
        <td>{formatTime(s.createdAt)}</td>
        <td className="actions">
          {manage && (
            <button type="button" className="btn btn-link" aria-expanded={editing} onClick={onToggle}>
              {editing ? '收起' : '管理'}
            </button>
          )}
          {auditLink && (
            <a className="btn btn-link" href={hrefs.auditFiltered({ actorId: s.staffId })}>
              操作记录
            </a>
          )}
        </td>
      </tr>
      {editing && (
        <tr className="editor-row">
          <td colSpan={6}>
            <StaffEditor staff={s} self={self} locked={locked} onChanged={onChanged} />
          </td>
        </tr>
      )}
    </>
  );
}

function StaffEditor({ staff: s, self, locked, onChanged }: { staff: Staff; self: boolean; locked: boolean; onChanged: (m: string) => Promise<void> }) {
  const id = useId();
  const [role, setRole] = useState<StaffRole>(s.role);
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function run(action: () => Promise<unknown>, message: string) {
    setError(null);
    setPending(true);
    try {
      await action();
      await onChanged(message);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  function resetPassword(e: FormEvent) {
    e.preventDefault();
    const problem = passwordProblem(password);
    setPasswordError(problem);
    if (problem) return;
    void run(() => api.setStaffPassword(s.staffId, password), `已重置 ${s.displayName} 的密码。请通过安全渠道告知本人。`).then(() => setPassword(''));
  }

  return (
    <div className="staff-editor" aria-label={`管理 ${s.displayName}`} role="group">
      <div className="editor-block">
        <label htmlFor={`${id}-role`}>角色</label>
        <div className="input-row">
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as StaffRole)} disabled={self}>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {STAFF_ROLE_NAMES[r]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn"
            disabled={pending || self || role === s.role}
            onClick={() => void run(() => api.updateStaff(s.staffId, { role }), `已将 ${s.displayName} 的角色改为${STAFF_ROLE_NAMES[role]}。`)}
          >
            保存角色
          </button>
        </div>
        {self && <p className="field-hint">不能修改自己的角色或停用自己的账号。</p>}
      </div>

      <div className="editor-block">
        <span className="label">账号状态</span>
        <div className="input-row">
          {s.status === 'active' ? (
            <button
              type="button"
              className="btn btn-danger"
              disabled={pending || self}
              onClick={() => void run(() => api.updateStaff(s.staffId, { status: 'disabled' }), `已停用 ${s.displayName} 的账号。`)}
            >
              停用账号
            </button>
          ) : (
            <button
              type="button"
              className="btn"
              disabled={pending}
              onClick={() => void run(() => api.updateStaff(s.staffId, { status: 'active' }), `已启用 ${s.displayName} 的账号。`)}
            >
              启用账号
            </button>
          )}
          {locked && (
            <button
              type="button"
              className="btn"
              disabled={pending}
              onClick={() => void run(() => api.updateStaff(s.staffId, { unlock: true }), `已解除 ${s.displayName} 的登录锁定。`)}
            >
              解除锁定
            </button>
          )}
        </div>
      </div>

      <form className="editor-block" onSubmit={resetPassword} noValidate>
        <label htmlFor={`${id}-password`}>重置密码</label>
        <div className="input-row">
          <input
            id={`${id}-password`}
            type="text"
            autoComplete="new-password"
            spellCheck={false}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={`${id}-password-hint`}
          />
          <button type="button" className="btn" onClick={() => (setPassword(generatePassword()), setPasswordError(null))}>
            随机生成
          </button>
          <button type="submit" className="btn" disabled={pending}>
            重置密码
          </button>
        </div>
        {passwordError ? (
          <p id={`${id}-password-hint`} className="field-error" role="alert">
            {passwordError}
          </p>
        ) : (
          <p id={`${id}-password-hint`} className="field-hint">
            {PASSWORD_POLICY}
          </p>
        )}
      </form>
      <ErrorNotice error={error} />
    </div>
  );
}

function CreateStaffForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (s: Staff) => void }) {
  const [form, setForm] = useState({ username: '', displayName: '', role: 'agent' as StaffRole, password: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  function check(): Record<string, string> {
    const out: Record<string, string> = {};
    const username = form.username.trim();
    if (!USERNAME_RULE.test(username)) out.username = '3–32 位，小写字母开头，可含小写字母、数字和 . _ -';
    if (!form.displayName.trim()) out.displayName = '请输入姓名';
    else if (form.displayName.trim().length > 40) out.displayName = '姓名最多 40 个字';
    const pw = passwordProblem(form.password);
    if (pw) out.password = pw;
    return out;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = check();
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0) {
      document.getElementById(`staff-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setPending(true);
    try {
      const created = await api.createStaff({ ...form, username: form.username.trim(), displayName: form.displayName.trim() });
      onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'USERNAME_TAKEN') setErrors({ username: '该用户名已被占用' });
      else if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') setErrors(fieldIssues(err.details));
      setError(err);
      setPending(false);
    }
  }

  const fieldError = (key: string) =>
    errors[key] ? (
      <p id={`staff-${key}-error`} className="field-error" role="alert">
        {errors[key]}
      </p>
    ) : null;

  return (
    <form className="panel create-form" onSubmit={submit} noValidate aria-labelledby="staff-create-title">
      <h2 id="staff-create-title">新建人员</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="staff-username">用户名</label>
          <input
            id="staff-username"
            value={form.username}
            onChange={set('username')}
            autoComplete="off"
            spellCheck={false}
            placeholder="如 zhang.san"
            aria-invalid={errors.username ? true : undefined}
            aria-describedby={errors.username ? 'staff-username-error' : undefined}
          />
          {fieldError('username')}
        </div>
        <div className="field">
          <label htmlFor="staff-displayName">姓名</label>
          <input
            id="staff-displayName"
            value={form.displayName}
            onChange={set('displayName')}
            autoComplete="off"
            maxLength={40}
            aria-invalid={errors.displayName ? true : undefined}
            aria-describedby={errors.displayName ? 'staff-displayName-error' : undefined}
          />
          {fieldError('displayName')}
        </div>
        <div className="field">
          <label htmlFor="staff-role">角色</label>
          <select id="staff-role" value={form.role} onChange={set('role')}>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {STAFF_ROLE_NAMES[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="staff-password">初始密码</label>
          <div className="input-row">
            <input
              id="staff-password"
              type="text"
              value={form.password}
              onChange={set('password')}
              autoComplete="new-password"
              spellCheck={false}
              aria-invalid={errors.password ? true : undefined}
              aria-describedby={errors.password ? 'staff-password-error' : 'staff-password-hint'}
            />
            <button type="button" className="btn" onClick={() => setForm((f) => ({ ...f, password: generatePassword() }))}>
              随机生成
            </button>
          </div>
          {fieldError('password') ?? (
            <p id="staff-password-hint" className="field-hint">
              {PASSWORD_POLICY}
            </p>
          )}
        </div>
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button id="staff-create-submit" type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? '创建中…' : '创建'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
