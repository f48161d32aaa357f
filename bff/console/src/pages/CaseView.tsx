import { useEffect, useRef, useState } from 'react';
import {
  APPROVAL_DECISION_NAMES,
  CASE_ACTION_NAMES,
  CASE_ACTOR_NAMES,
  CASE_STATE_NAMES,
  DELIVERY_OPTION_NAMES,
  HANDLING_CLASS_NAMES,
  STAFF_CASE_ACTIONS,
  UPSTREAM_DELIVERY_NAMES,
  UPSTREAM_SYSTEM_NAMES,
} from '@onevisit/shared-types/client';
import type { CaseAction, CaseMaterial, CaseUnmaskResponse, ServiceItem, StaffCaseAction, StaffCaseDetail } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { MATERIAL_SOURCE_NAMES, formRows, formatBytes, isPendingOverdue, isPreviewableImage, lateAllowedCandidates, sortTimeline } from '../cases';
import { CaseActionPanel } from '../components/CaseActionPanel';
import { CaseStateTag, DeadlineLight, GreenChannelMark } from '../components/CaseBits';
import { CasePayments } from '../components/CasePayments';
import { CaseShipment } from '../components/CaseShipment';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { ReasonForm } from '../components/ReasonForm';
import { useLoad } from '../hooks/useLoad';
import { formatTime, todayInShanghai } from '../format';
import { hrefs } from '../router';
import { useSession } from '../session';

const APPLICANT_FIELDS = [
  { key: 'name', label: '姓名' },
  { key: 'idNumber', label: '身份证号' },
  { key: 'phone', label: '手机号' },
] as const;
const QUICK_REASONS = ['审批核对申请人身份', '核对申请材料与表单', '来电人核对身份'];

type Notice = { kind: 'success'; text: string } | { kind: 'conflict'; error: unknown };

function isStaffAction(action: CaseAction): action is StaffCaseAction {
  return (STAFF_CASE_ACTIONS as readonly string[]).includes(action);
}

/**
 * One case for the approver: header with the deadline light, the applicant and the form (masked,
 * revealed with a reason), materials, 容缺 and supplement, parallel approvals, the full timeline
 * (internal events marked) and the action panel with exactly the actions the server offers now.
 */
export function CaseView({ caseNo, backHref }: { caseNo: string; backHref: string }) {
  const { can } = useSession();
  const [tick, setTick] = useState(0);
  const { data: detail, error: loadError, loading, setData } = useLoad(() => api.case(caseNo), [caseNo, tick]);
  const itemCode = detail?.itemCode ?? null;
  // The catalogue entry gives the form's labels and which materials allow 容缺受理; without it the page still works.
  const { data: item } = useLoad<ServiceItem | null>(() => (itemCode ? api.catalogItem(itemCode).catch(() => null) : Promise.resolve(null)), [itemCode]);
  const [revealed, setRevealed] = useState<CaseUnmaskResponse | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  // A changed case may carry a changed form: what was revealed goes with the old version.
  const version = detail?.updatedAt;
  useEffect(() => setRevealed(null), [version]);
  useEffect(() => {
    if (notice) noticeRef.current?.focus({ preventScroll: false });
  }, [notice]);

  const reload = () => setTick((n) => n + 1);

  if (!detail) {
    const notFound = loadError instanceof ApiError && loadError.code === 'APPLICATION_NOT_FOUND';
    return (
      <section aria-busy={!loadError}>
        <PageTitle title={notFound ? '未找到该办件' : '办件详情'} />
        {loadError ? (
          <>
            <ErrorNotice error={loadError} />
            <p>
              <a href={backHref}>返回办件列表</a>
            </p>
          </>
        ) : (
          <p className="muted">正在加载…</p>
        )}
      </section>
    );
  }

  const actions = detail.actions.filter(isStaffAction);
  const today = todayInShanghai();
  const formData = revealed?.formData ?? detail.formData;
  const applicant = revealed?.applicant ?? detail.applicant;
  const candidates = lateAllowedCandidates(item ?? null, detail.materials, detail.pendingMaterials);

  return (
    <section data-testid="case-view" data-case-no={detail.caseNo} data-state={detail.state}>
      <PageTitle title="办件详情">
        <a href={backHref} className="btn btn-ghost" data-testid="case-back">
          ← 返回办件列表
        </a>
        <button type="button" className="btn" data-testid="case-refresh" disabled={loading} onClick={reload}>
          {loading ? '刷新中…' : '刷新'}
        </button>
      </PageTitle>

      {notice && (
        <div ref={noticeRef} tabIndex={-1} className="case-notice">
          {notice.kind === 'success' ? (
            <div className="notice notice-success" role="status" data-testid="case-action-result">
              {notice.text}
            </div>
          ) : (
            <div data-testid="case-action-conflict">
              <div className="notice notice-warn" role="status">
                <strong>该办件已被他人处理或状态已变化，本次操作未执行</strong>
                <div>已重新加载办件的最新状态，请核对后再操作。</div>
              </div>
              <ErrorNotice error={notice.error} />
            </div>
          )}
        </div>
      )}
      {loadError ? <ErrorNotice error={loadError} /> : null}

      <div className="panel case-header" data-testid="case-header">
        <div className="case-title">
          <h2>{detail.itemName}</h2>
          <CaseStateTag state={detail.state} testId="case-state" />
          <GreenChannelMark on={detail.greenChannel} />
        </div>
        <dl className="case-facts">
          <div className="case-facts-wide">
            <dt>办件编号</dt>
            <dd className="mono nowrap" data-testid="case-no">
              {detail.caseNo}
            </dd>
          </div>
          <div>
            <dt>事项编码</dt>
            <dd className="mono">{detail.itemCode}</dd>
          </div>
          <div>
            <dt>办理类型</dt>
            <dd data-testid="case-handling-class">{HANDLING_CLASS_NAMES[detail.handlingClass] ?? detail.handlingClass}</dd>
          </div>
          <div className="case-facts-wide">
            <dt>办理时限</dt>
            <dd>
              <DeadlineLight deadline={detail.deadline} detailed testId="case-deadline" />
            </dd>
          </div>
          <div className="case-facts-wide">
            <dt>办理方</dt>
            <dd data-testid="case-upstream" data-upstream={detail.upstream}>
              {detail.upstream === 'in_house' || !detail.upstreamSystem ? (
                UPSTREAM_DELIVERY_NAMES.in_house
              ) : (
                <>
                  {UPSTREAM_SYSTEM_NAMES[detail.upstreamSystem] ?? detail.upstreamSystem}
                  {detail.upstreamRef ? (
                    <>
                      {' · 业务编号 '}
                      <span className="mono" data-testid="case-upstream-ref">
                        {detail.upstreamRef}
                      </span>
                    </>
                  ) : null}
                  <span className={`tag ${detail.upstream === 'waiting' ? 'tag-warn' : ''}`}>{UPSTREAM_DELIVERY_NAMES[detail.upstream]}</span>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>送达方式</dt>
            <dd>{DELIVERY_OPTION_NAMES[detail.deliveryOption] ?? detail.deliveryOption}</dd>
          </div>
          {detail.bundleCaseNo && (
            <div>
              <dt>所属一件事</dt>
              <dd className="mono">{detail.bundleCaseNo}</dd>
            </div>
          )}
          <div>
            <dt>提交时间</dt>
            <dd>{formatTime(detail.submittedAt)}</dd>
          </div>
          <div>
            <dt>受理时间</dt>
            <dd>{formatTime(detail.acceptedAt)}</dd>
          </div>
          <div>
            <dt>办结/决定时间</dt>
            <dd>{formatTime(detail.decidedAt)}</dd>
          </div>
          <div>
            <dt>最后更新</dt>
            <dd>{formatTime(detail.updatedAt)}</dd>
          </div>
        </dl>
      </div>

      <div className="case-layout">
        <div className="case-main">
          <div className="panel" data-testid="case-applicant">
            <div className="panel-head">
              <h2>申请人</h2>
              {can('citizen:view') && (
                <a href={hrefs.citizen(detail.applicant.userId)} className="btn btn-link">
                  查看市民信息
                </a>
              )}
            </div>
            <dl className="kv">
              {APPLICANT_FIELDS.map(({ key, label }) => (
                <div className="kv-row" key={key}>
                  <dt>{label}</dt>
                  <dd>
                    <span className={revealed ? 'unmasked-value mono' : key === 'name' ? undefined : 'mono'} data-testid={`case-applicant-${key}`}>
                      {applicant[key] || <span className="muted">{key === 'phone' ? '未绑定' : '未实名'}</span>}
                    </span>
                  </dd>
                </div>
              ))}
            </dl>
            <RevealControl caseNo={detail.caseNo} revealed={revealed} mayUnmask={can('citizen:unmask')} onRevealed={setRevealed} onHide={() => setRevealed(null)} />
          </div>

          <div className="panel" data-testid="case-form">
            <h2>
              申请表单
              {revealed ? <span className="tag tag-warn">完整信息</span> : <span className="tag">已脱敏</span>}
            </h2>
            <FormDataTable formData={formData} item={item ?? null} />
          </div>

          <div className="panel" data-testid="case-materials">
            <h2>申请材料</h2>
            {detail.materials.length === 0 ? (
              <p className="empty">未提交材料。</p>
            ) : (
              <ul className="material-list">
                {detail.materials.map((m) => (
                  <MaterialEntry key={`${m.sha256}-${m.materialName}`} caseNo={detail.caseNo} material={m} />
                ))}
              </ul>
            )}
          </div>

          {detail.pendingMaterials.length > 0 && (
            <div className="panel" data-testid="case-pending-materials">
              <h2>容缺材料</h2>
              <p className="field-hint page-hint-inline">容缺受理：以下材料允许申请人在承诺日期前补交。</p>
              <table className="table table-dense">
                <thead>
                  <tr>
                    <th scope="col">材料</th>
                    <th scope="col">承诺补交日期</th>
                    <th scope="col">补交情况</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.pendingMaterials.map((p) => {
                    const overdue = isPendingOverdue(p, today);
                    return (
                      <tr key={p.materialName} data-testid="case-pending-material" data-supplied={p.suppliedAt ? 'true' : 'false'} data-overdue={overdue ? 'true' : undefined}>
                        <td>{p.materialName}</td>
                        <td className="mono">{p.promisedBy}</td>
                        <td>
                          {p.suppliedAt ? (
                            <span className="tag tag-ok">已补交 {formatTime(p.suppliedAt).slice(0, 16)}</span>
                          ) : overdue ? (
                            <span className="tag tag-bad">逾期未补交</span>
                          ) : (
                            <span className="tag tag-warn">待补交</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}

          {detail.supplement && (
            <div className="panel" data-testid="case-supplement" data-answered={detail.supplement.answeredAt ? 'true' : 'false'}>
              <h2>
                补正
                {detail.supplement.answeredAt ? <span className="tag tag-ok">申请人已补正</span> : <span className="tag tag-warn">等待申请人补正</span>}
              </h2>
              <p className="muted">要求补正时间：{formatTime(detail.supplement.requestedAt)}</p>
              <ol className="reason-list">
                {detail.supplement.reasons.map((r, i) => (
                  <li key={i} data-testid="case-supplement-reason">
                    {r}
                  </li>
                ))}
              </ol>
              {detail.supplement.answeredAt && (
                <p>
                  补正时间：{formatTime(detail.supplement.answeredAt)}
                  {detail.supplement.answerNote && (
                    <>
                      <br />
                      申请人说明：<span data-testid="case-supplement-answer">{detail.supplement.answerNote}</span>
                    </>
                  )}
                </p>
              )}
            </div>
          )}

          {(detail.approvals.length > 0 || detail.pendingDepartments.length > 0) && (
            <div className="panel" data-testid="case-approvals">
              <h2>并联审批</h2>
              <p className="field-hint page-hint-inline">各部门分别会签，任一部门不同意即不予批准。</p>
              <table className="table table-dense">
                <thead>
                  <tr>
                    <th scope="col">部门</th>
                    <th scope="col">意见</th>
                    <th scope="col">说明</th>
                    <th scope="col">会签时间</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.approvals.map((a) => (
                    <tr key={a.department} data-testid="case-approval" data-department={a.department} data-decision={a.decision}>
                      <td>{a.department}</td>
                      <td>
                        <span className={`tag approval-${a.decision}`}>{APPROVAL_DECISION_NAMES[a.decision] ?? a.decision}</span>
                      </td>
                      <td>{a.note ?? <span className="muted">—</span>}</td>
                      <td>{formatTime(a.decidedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <CasePayments caseNo={detail.caseNo} version={`${detail.updatedAt}-${tick}`} />

          <CaseShipment caseNo={detail.caseNo} deliveryOption={detail.deliveryOption} version={`${detail.updatedAt}-${tick}`} />

          <div className="panel" data-testid="case-timeline">
            <h2>办理过程</h2>
            {detail.timeline.length === 0 ? (
              <p className="empty">暂无记录。</p>
            ) : (
              <ol className="timeline">
                {sortTimeline(detail.timeline).map((e, i) => (
                  <li
                    key={`${e.at}-${i}`}
                    className={`timeline-event ${e.visibleToCitizen ? '' : 'timeline-internal'}`}
                    data-testid="case-timeline-event"
                    data-action={e.action}
                    data-internal={e.visibleToCitizen ? 'false' : 'true'}
                  >
                    <div className="timeline-head">
                      <strong>{CASE_ACTION_NAMES[e.action] ?? e.action}</strong>
                      <span className="muted"> → {CASE_STATE_NAMES[e.state] ?? e.state}</span>
                      {!e.visibleToCitizen && (
                        <span className="tag tag-internal" data-testid="case-timeline-internal">
                          内部记录 · 申请人不可见
                        </span>
                      )}
                    </div>
                    <div className="timeline-meta">
                      {formatTime(e.at)} · {CASE_ACTOR_NAMES[e.actor] ?? e.actor}
                      {e.actorName && e.actorName !== CASE_ACTOR_NAMES[e.actor] ? ` · ${e.actorName}` : ''}
                    </div>
                    {e.note && <div className="timeline-note">{e.note}</div>}
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>

        <aside className="case-side" aria-label="办理操作">
          {can('cases:review') ? (
            <CaseActionPanel
              key={`${detail.caseNo}-${detail.updatedAt}`}
              detail={detail}
              actions={actions}
              lateAllowed={candidates}
              today={today}
              onDone={(next: StaffCaseDetail, action: StaffCaseAction) => {
                setData(next);
                setNotice({ kind: 'success', text: `已执行「${CASE_ACTION_NAMES[action]}」，办件当前状态：${CASE_STATE_NAMES[next.state] ?? next.state}。` });
              }}
              onConflict={(error: unknown) => {
                setNotice({ kind: 'conflict', error });
                reload();
              }}
            />
          ) : (
            <div className="panel">
              <h2>办理操作</h2>
              <p className="muted">当前角色可以查看办件；受理、审批等操作需要审批权限。</p>
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}

function FormDataTable({ formData, item }: { formData: Record<string, unknown>; item: ServiceItem | null }) {
  const rows = formRows(formData, item?.formSchema ?? null);
  if (rows.length === 0) return <p className="empty">表单为空。</p>;
  return (
    <dl className="kv">
      {rows.map((r) => (
        <div className="kv-row" key={r.key} data-testid="case-form-field" data-key={r.key}>
          <dt>{r.label}</dt>
          <dd className="form-value">{r.text}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A material: opens in a new tab through the console API (the session cookie goes along); JPEG and
 * PNG can be previewed inline. Every read of a material is audited server-side, so nothing is
 * fetched until the approver asks: the preview loads on its button, not with the page.
 */
function MaterialEntry({ caseNo, material: m }: { caseNo: string; material: CaseMaterial }) {
  const url = api.caseMaterialUrl(caseNo, m.sha256);
  const [preview, setPreview] = useState(false);
  const [broken, setBroken] = useState(false);
  const previewable = isPreviewableImage(m.contentType);
  return (
    <li className="material" data-testid="case-material" data-sha256={m.sha256} data-source={m.source}>
      <div className="material-info">
        <strong>{m.materialName}</strong>
        <span className="tag">{MATERIAL_SOURCE_NAMES[m.source] ?? m.source}</span>
        <div className="sub">
          {m.fileName} · {m.contentType} · {formatBytes(m.bytes)} · {formatTime(m.attachedAt)}
        </div>
        <div className="material-buttons">
          <a href={url} target="_blank" rel="noopener noreferrer" className="btn btn-small" data-testid="case-material-open">
            在新标签页打开
          </a>
          {previewable && (
            <button type="button" className="btn btn-small" data-testid="case-material-preview-toggle" aria-expanded={preview} onClick={() => (setPreview((p) => !p), setBroken(false))}>
              {preview ? '收起预览' : '预览'}
            </button>
          )}
        </div>
      </div>
      {previewable &&
        preview &&
        (broken ? (
          <span className="muted material-broken">无法预览（请在新标签页打开）</span>
        ) : (
          <a href={url} target="_blank" rel="noopener noreferrer" className="material-thumb">
            <img src={url} alt={`${m.materialName}（${m.fileName}）`} loading="lazy" data-testid="case-material-preview" onError={() => setBroken(true)} />
          </a>
        ))}
    </li>
  );
}

/** The unmask button and its reason form; one reveal shows the applicant and the form in full, audited server-side. */
function RevealControl(props: {
  caseNo: string;
  revealed: CaseUnmaskResponse | null;
  mayUnmask: boolean;
  onRevealed: (r: CaseUnmaskResponse) => void;
  onHide: () => void;
}) {
  const { caseNo, revealed, mayUnmask, onRevealed, onHide } = props;
  const [open, setOpen] = useState(false);
  if (revealed) {
    return (
      <div className="reveal-bar">
        <span className="audit-note" data-testid="case-unmask-note">
          正在显示完整的申请人信息和表单，本次查看已记录审计{revealed.auditId ? `（审计号 ${revealed.auditId}）` : ''}。
        </span>
        <button type="button" className="btn btn-link" data-testid="case-unmask-hide" onClick={onHide}>
          隐藏
        </button>
      </div>
    );
  }
  if (!mayUnmask) return null;
  if (!open) {
    return (
      <button type="button" className="btn btn-small" data-testid="case-unmask" onClick={() => setOpen(true)}>
        查看完整信息
      </button>
    );
  }
  return (
    <CaseUnmaskForm
      caseNo={caseNo}
      onCancel={() => setOpen(false)}
      onRevealed={(r) => {
        setOpen(false);
        onRevealed(r);
      }}
    />
  );
}

function CaseUnmaskForm({ caseNo, onCancel, onRevealed }: { caseNo: string; onCancel: () => void; onRevealed: (r: CaseUnmaskResponse) => void }) {
  return (
    <ReasonForm
      label="查看完整的申请人信息和表单"
      inputId="case-unmask-reason"
      inputTestId="case-unmask-reason"
      submitTestId="case-unmask-submit"
      quickReasons={QUICK_REASONS}
      placeholder="如：审批核对申请人身份（至少 4 个字）"
      onCancel={onCancel}
      onSubmit={async (reason) => onRevealed(await api.caseUnmask(caseNo, reason))}
    />
  );
}
