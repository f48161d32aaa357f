import { useEffect, useRef, useState } from 'react';
import { IDENTITY_LEVEL_NAMES, IDENTITY_LEVELS, type LinkedIdentity, type UnmaskableField } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { useLoad } from '../hooks/useLoad';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { ReasonForm } from '../components/ReasonForm';
import { citizenLevelName, formatTime } from '../format';
import { hrefs } from '../router';
import { useSession } from '../session';

const FIELD_LABELS: Record<UnmaskableField, string> = { name: '姓名', idNumber: '身份证号', phone: '手机号' };
const FIELD_ORDER: UnmaskableField[] = ['name', 'idNumber', 'phone'];
const QUICK_REASONS = ['来电人核对身份', '协助办理业务', '投诉处理核实'];
const PLATFORM_NAMES: Record<LinkedIdentity['platform'], string> = {
  wechat: '微信',
  alipay: '支付宝',
  phone: '手机号',
  trusted_issuer: '互认平台',
  partner: '合作平台',
};

interface Revealed {
  value: string;
  auditId: string;
}

/**
 * One citizen, masked. Each personal field can be revealed with a reason; the full value lives
 * only in this component's state (never in storage or the URL) and is gone when the page is left.
 */
export function CitizenView({ userId }: { userId: string }) {
  const { can } = useSession();
  const { data: citizen, error: loadError } = useLoad(() => api.citizen(userId), [userId]);
  const [revealed, setRevealed] = useState<Partial<Record<UnmaskableField, Revealed>>>({});
  const [openField, setOpenField] = useState<UnmaskableField | null>(null);

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.code === 'CITIZEN_NOT_FOUND';
    return (
      <section>
        <PageTitle title={notFound ? '未找到该市民' : '市民信息'} />
        <ErrorNotice error={loadError} />
        <p>
          <a href={hrefs.citizens}>返回市民查询</a>
        </p>
      </section>
    );
  }
  if (!citizen) {
    return (
      <section aria-busy="true">
        <PageTitle title="市民信息" />
        <p className="muted">正在加载…</p>
      </section>
    );
  }

  const mayUnmask = can('citizen:unmask');
  const levelIndex = IDENTITY_LEVELS.indexOf(citizen.level);
  const canApplyFor = IDENTITY_LEVELS.slice(0, levelIndex + 1).map((l) => IDENTITY_LEVEL_NAMES[l]);

  return (
    <section>
      <PageTitle title="市民信息">
        <a href={hrefs.citizens} className="btn btn-ghost">
          ← 返回查询结果
        </a>
        {can('audit:read') && (
          <a href={hrefs.auditFiltered({ subjectId: citizen.userId })} className="btn btn-ghost">
            该市民的审计记录
          </a>
        )}
      </PageTitle>

      <div className="panel">
        <h2>基本信息</h2>
        <dl className="kv">
          {FIELD_ORDER.map((field) => {
            const masked = citizen[field];
            const shown = revealed[field];
            return (
              <div className="kv-row" key={field} data-field={field}>
                <dt>{FIELD_LABELS[field]}</dt>
                <dd>
                  <div className="kv-value">
                    {shown ? (
                      <>
                        <RevealedValue revealed={shown} />
                        <button
                          type="button"
                          className="btn btn-link"
                          onClick={() => setRevealed(({ [field]: _hidden, ...rest }) => rest)}
                          aria-label={`隐藏${FIELD_LABELS[field]}`}
                        >
                          隐藏
                        </button>
                      </>
                    ) : (
                      <>
                        <span className={field === 'name' ? undefined : 'mono'}>{masked ?? <span className="muted">{field === 'phone' ? '未绑定' : '未实名'}</span>}</span>
                        {masked && mayUnmask && openField !== field && (
                          <button
                            type="button"
                            className="btn btn-link"
                            data-unmask={field}
                            onClick={() => setOpenField(field)}
                            aria-label={`查看完整${FIELD_LABELS[field]}`}
                          >
                            查看完整信息
                          </button>
                        )}
                      </>
                    )}
                  </div>
                  {openField === field && !shown && (
                    <UnmaskForm
                      userId={citizen.userId}
                      field={field}
                      onCancel={() => setOpenField(null)}
                      onRevealed={(r) => {
                        setRevealed((prev) => ({ ...prev, [field]: r }));
                        setOpenField(null);
                      }}
                    />
                  )}
                </dd>
              </div>
            );
          })}
          <div className="kv-row">
            <dt>认证等级</dt>
            <dd>
              <span className={`level level-${citizen.level}`}>{citizen.level}</span> {citizenLevelName(citizen.level)}
              <div className="field-hint">可办理要求为{canApplyFor.map((n) => `「${n}」`).join('')}的事项</div>
            </dd>
          </div>
          <div className="kv-row">
            <dt>实名认证时间</dt>
            <dd>{formatTime(citizen.realNameVerifiedAt)}</dd>
          </div>
          <div className="kv-row">
            <dt>刷脸认证有效期至</dt>
            <dd>
              {formatTime(citizen.faceValidUntil)}
              {citizen.faceValidUntil && new Date(citizen.faceValidUntil).getTime() < Date.now() && <span className="tag tag-warn">已过期</span>}
            </dd>
          </div>
          <div className="kv-row">
            <dt>注册时间</dt>
            <dd>{formatTime(citizen.createdAt)}</dd>
          </div>
          <div className="kv-row">
            <dt>用户号</dt>
            <dd className="mono">{citizen.userId}</dd>
          </div>
        </dl>
      </div>

      <div className="panel">
        <h2>关联账号</h2>
        {citizen.linked.length === 0 ? (
          <p className="empty">无关联账号。</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">渠道</th>
                <th scope="col">账号</th>
                <th scope="col">关联时间</th>
              </tr>
            </thead>
            <tbody>
              {citizen.linked.map((l, i) => (
                <tr key={`${l.platform}-${i}`}>
                  <td>{PLATFORM_NAMES[l.platform] ?? l.platform}</td>
                  <td className="mono">{l.label}</td>
                  <td>{formatTime(l.linkedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** The full value, focused when it appears so a screen reader reads it with its audit note. */
function RevealedValue({ revealed }: { revealed: Revealed }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => ref.current?.focus({ preventScroll: true }), []);
  return (
    <span className="revealed" ref={ref} tabIndex={-1}>
      <span className="unmasked-value mono">{revealed.value}</span>
      <span className="audit-note">已记录审计（审计号 {revealed.auditId}）</span>
    </span>
  );
}

/** The reason form for one field; the full value comes back with the audit number of this read. */
function UnmaskForm({
  userId,
  field,
  onCancel,
  onRevealed,
}: {
  userId: string;
  field: UnmaskableField;
  onCancel: () => void;
  onRevealed: (r: Revealed) => void;
}) {
  return (
    <ReasonForm
      label={`查看完整${FIELD_LABELS[field]}`}
      inputId="unmask-reason"
      submitId="unmask-submit"
      quickReasons={QUICK_REASONS}
      placeholder="如：来电人核对身份（至少 4 个字）"
      onCancel={onCancel}
      onSubmit={async (reason) => {
        const res = await api.unmask(userId, field, reason);
        onRevealed({ value: res.value, auditId: res.auditId });
      }}
    />
  );
}
