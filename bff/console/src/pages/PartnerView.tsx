import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { MappingProfileSummary, Partner, PartnerSecretIssued, UpdatePartnerRequest } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { CaseStateTag } from '../components/CaseBits';
import { CopyButton } from '../components/CopyButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { ConfirmDialog } from '../components/Modal';
import { PageTitle } from '../components/PageTitle';
import { DeliveryOutcome, HttpStatus, ScopeChips, SignatureResult, WebhookStatusTag } from '../components/PartnerBits';
import { PartnerFields } from '../components/PartnerFields';
import { SecretDialog } from '../components/SecretDialog';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import {
  EMPTY_CALLS_FILTER,
  PARTNER_ISSUE_ORDER,
  buildUpdateBody,
  callsQuery,
  changedSettingNames,
  disablesPartner,
  draftFromPartner,
  partnerServerIssues,
  secretHintText,
  secretSlots,
  type PartnerDraft,
  type PartnerIssues,
} from '../partners';
import { hrefs } from '../router';
import { useSession } from '../session';

const RECENT_DELIVERIES = 5;
const RECENT_CALLS = 10;

/**
 * 合作方详情: the settings (admins edit them; the PATCH carries only what changed, and turning a
 * partner off is confirmed), the signing secrets by their last characters with rotate and retire,
 * the webhook secret, and the partner's latest webhook deliveries and open-API calls.
 */
export function PartnerView({ appId }: { appId: string }) {
  const { can } = useSession();
  const manage = can('partners:manage');
  const [tick, setTick] = useState(0);
  const { data: partner, error, loading, setData } = useLoad(() => api.partner(appId), [appId, tick]);
  const profiles = useLoad(() => api.partnerProfiles(), []);
  // A secret just issued: kept exactly as long as its dialog is open.
  const [issued, setIssued] = useState<{ result: PartnerSecretIssued; title: string } | null>(null);
  const notFound = error instanceof ApiError && (error.code === 'PARTNER_NOT_FOUND' || error.status === 404);

  return (
    <section data-testid="partner-view" data-app-id={appId}>
      <PageTitle title={`合作方 ${appId}`}>
        <a className="btn" href={hrefs.partners}>
          返回列表
        </a>
        <button type="button" className="btn" data-testid="partner-refresh" disabled={loading} onClick={() => setTick((n) => n + 1)}>
          刷新
        </button>
      </PageTitle>
      <ErrorNotice error={error} />
      {notFound && (
        <div className="panel">
          <p>没有 AppID 为 <span className="mono">{appId}</span> 的合作方。</p>
          <a href={hrefs.partners}>返回合作方列表</a>
        </div>
      )}
      {!partner && !error && <p className="muted">正在加载…</p>}
      {partner && partner.appId === appId && (
        <>
          <PartnerSummary partner={partner} auditLink={can('audit:read')} />
          <div className="partner-layout">
            <SettingsPanel
              key={partner.appId}
              partner={partner}
              profiles={profiles.data?.profiles ?? null}
              profilesError={profiles.error}
              manage={manage}
              onSaved={(p) => setData(p)}
            />
            <div>
              <SecretsPanel
                partner={partner}
                manage={manage}
                onChanged={(p) => setData(p)}
                onReload={() => setTick((n) => n + 1)}
                onIssued={(result, title) => {
                  setData(result.partner);
                  setIssued({ result, title });
                }}
              />
            </div>
          </div>
          <RecentDeliveries appId={appId} caseLinks={can('cases:read')} />
          <RecentCalls appId={appId} />
        </>
      )}
      {issued && <SecretDialog issued={issued.result} title={issued.title} onClose={() => setIssued(null)} />}
    </section>
  );
}

function PartnerSummary({ partner: p, auditLink }: { partner: Partner; auditLink: boolean }) {
  return (
    <div className="panel">
      <div className="case-title">
        <h2>{p.name}</h2>
        {p.enabled ? (
          <span className="tag tag-ok" data-testid="partner-enabled">
            启用
          </span>
        ) : (
          <span className="tag tag-off" data-testid="partner-enabled">
            停用
          </span>
        )}
      </div>
      <dl className="case-facts">
        <div>
          <dt>AppID</dt>
          <dd className="mono">
            {p.appId} <CopyButton text={p.appId} what=" AppID" />
          </dd>
        </div>
        <div>
          <dt>签名算法</dt>
          <dd className="mono">{p.algorithm}</dd>
        </div>
        <div>
          <dt>创建时间</dt>
          <dd>{formatTime(p.createdAt)}</dd>
        </div>
        <div>
          <dt>更新时间</dt>
          <dd>
            {formatTime(p.updatedAt)}
            {auditLink && (
              <>
                {' '}
                <a href={hrefs.auditFiltered({ subjectId: p.appId })}>操作记录</a>
              </>
            )}
          </dd>
        </div>
        <div className="case-facts-wide">
          <dt>权限范围</dt>
          <dd>
            <ScopeChips scopes={p.scopes} />
          </dd>
        </div>
      </dl>
    </div>
  );
}

function SettingsPanel(props: {
  partner: Partner;
  profiles: MappingProfileSummary[] | null;
  profilesError: unknown;
  manage: boolean;
  onSaved: (p: Partner) => void;
}) {
  const { partner, profiles, profilesError, manage, onSaved } = props;
  const [draft, setDraft] = useState<PartnerDraft>(() => draftFromPartner(partner));
  const [issues, setIssues] = useState<PartnerIssues>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState<UpdatePartnerRequest | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(draftFromPartner(partner)), [draft, partner]);
  // The partner changed under the form (a refresh, a rotation, a save): follow it unless the admin has unsaved edits.
  const shown = useRef(partner);
  useEffect(() => {
    const before = draftFromPartner(shown.current);
    shown.current = partner;
    setDraft((d) => (JSON.stringify(d) === JSON.stringify(before) ? draftFromPartner(partner) : d));
  }, [partner]);

  function focusFirst(found: PartnerIssues) {
    const first = PARTNER_ISSUE_ORDER.find((k) => found[k]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[data-issue-field="${first}"]`)?.focus();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (pending || !manage) return;
    setNotice(null);
    setError(null);
    const built = buildUpdateBody(partner, draft);
    if (!built.ok) {
      setIssues(built.issues);
      focusFirst(built.issues);
      return;
    }
    setIssues({});
    if (Object.keys(built.body).length === 0) {
      setNotice('没有需要保存的修改。');
      return;
    }
    if (disablesPartner(partner, built.body)) setConfirming(built.body);
    else void send(built.body);
  }

  async function send(body: UpdatePartnerRequest) {
    setPending(true);
    try {
      const saved = await api.updatePartner(partner.appId, body);
      setConfirming(null);
      setDraft(draftFromPartner(saved));
      setNotice(`已保存：${changedSettingNames(body).join('、')}。`);
      onSaved(saved);
    } catch (err) {
      setConfirming(null);
      let found: PartnerIssues = {};
      if (err instanceof ApiError && err.code === 'MAPPING_PROFILE_UNKNOWN') found = { profileId: '该映射配置不存在，请重新选择' };
      else if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') found = partnerServerIssues(err.details);
      setIssues(found);
      focusFirst(found);
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <form ref={formRef} className="panel partner-form" onSubmit={submit} noValidate aria-labelledby="partner-settings-title" data-testid="partner-settings">
      <div className="panel-head">
        <h2 id="partner-settings-title">接入设置</h2>
        {manage && dirty && <span className="tag tag-warn">有未保存的修改</span>}
      </div>
      {!manage && <p className="field-hint page-hint-inline">当前角色只能查看；修改由管理员操作。</p>}
      <fieldset className="plain-fieldset" disabled={!manage || pending}>
        <PartnerFields idPrefix="partner-edit" draft={draft} issues={issues} profiles={profiles} onChange={(patch) => (setDraft((d) => ({ ...d, ...patch })), setNotice(null))} />
      </fieldset>
      {profilesError ? <ErrorNotice error={profilesError} /> : null}
      {notice && (
        <div className="notice notice-success" role="status" data-testid="partner-settings-notice">
          {notice}
        </div>
      )}
      <ErrorNotice error={error} />
      {manage && (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="partner-save" disabled={pending}>
            {pending ? '保存中…' : '保存修改'}
          </button>
          <button type="button" className="btn" disabled={pending || !dirty} onClick={() => (setDraft(draftFromPartner(partner)), setIssues({}), setError(null), setNotice(null))}>
            撤销修改
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title="确认停用该合作方？"
          confirmLabel="确认停用"
          danger
          pending={pending}
          testId="partner-disable-confirm"
          onConfirm={() => void send(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            停用后，<b>{partner.name}</b>（<span className="mono">{partner.appId}</span>）的所有开放接口调用都将被拒绝（PARTNER_DISABLED），直到重新启用。
          </p>
          {changedSettingNames(confirming).length > 1 && <p className="field-hint">本次同时保存：{changedSettingNames(confirming).join('、')}。</p>}
        </ConfirmDialog>
      )}
    </form>
  );
}

type SecretAction = 'rotate' | 'retire' | 'webhook';

function SecretsPanel(props: {
  partner: Partner;
  manage: boolean;
  onChanged: (p: Partner) => void;
  onReload: () => void;
  onIssued: (result: PartnerSecretIssued, title: string) => void;
}) {
  const { partner, manage, onChanged, onReload, onIssued } = props;
  const { current, previous } = secretSlots(partner);
  const [confirming, setConfirming] = useState<SecretAction | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function open(action: SecretAction) {
    setConfirming(action);
    setError(null);
    setNotice(null);
  }

  async function run(action: SecretAction) {
    setPending(true);
    setError(null);
    try {
      if (action === 'rotate') {
        const result = await api.rotatePartnerSecret(partner.appId);
        setConfirming(null);
        onIssued(result, '新的调用签名密钥');
        setNotice('已生成新的调用签名密钥；旧密钥在停用前仍然有效。');
      } else if (action === 'webhook') {
        const result = await api.rotatePartnerWebhookSecret(partner.appId);
        setConfirming(null);
        onIssued(result, '新的推送签名密钥');
        setNotice('已生成新的推送签名密钥，此后的推送以新密钥签名。');
      } else {
        const updated = await api.retirePartnerSecret(partner.appId);
        setConfirming(null);
        onChanged(updated);
        setNotice('已停用旧密钥：以旧密钥签名的调用将被拒绝。');
      }
    } catch (err) {
      setError(err);
      // Someone else retired it first: close the dialog and show the partner as it is now.
      if (err instanceof ApiError && err.code === 'PARTNER_NO_PREVIOUS_SECRET') {
        setConfirming(null);
        onReload();
      }
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="panel partner-secrets" data-testid="partner-secrets">
      <h2>签名密钥</h2>
      <table className="table table-dense">
        <caption className="sr-only">调用签名密钥（只显示末 4 位）</caption>
        <thead>
          <tr>
            <th scope="col">密钥</th>
            <th scope="col">末 4 位</th>
            <th scope="col">创建时间</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="secret-current">
            <td className="nowrap">当前密钥</td>
            <td className="mono">{secretHintText(current?.hint)}</td>
            <td className="secret-created">{formatTime(current?.createdAt)}</td>
          </tr>
          {previous && (
            <tr data-testid="secret-previous">
              <td className="nowrap">
                旧密钥 <span className="tag tag-warn">轮换中</span>
              </td>
              <td className="mono">{secretHintText(previous.hint)}</td>
              <td className="secret-created">{formatTime(previous.createdAt)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="field-hint">
        {previous
          ? '轮换进行中：新旧两把密钥签名的调用都会被接受。请确认对接方已改用当前密钥（可在下方调用记录核对）后，再停用旧密钥。'
          : '轮换后，原密钥成为“旧密钥（轮换中）”并继续有效，对接方可从容切换；切换完成后停用旧密钥。'}
      </p>
      {manage && (
        <div className="form-actions">
          <button type="button" className="btn" data-testid="secret-rotate" disabled={pending} onClick={() => open('rotate')}>
            轮换密钥
          </button>
          {previous && (
            <button type="button" className="btn btn-danger" data-testid="secret-retire" disabled={pending} onClick={() => open('retire')}>
              停用旧密钥
            </button>
          )}
        </div>
      )}

      <h2 className="partner-secrets-sub">推送签名密钥</h2>
      <dl className="payment-facts">
        <div>
          <dt>末 4 位</dt>
          <dd className="mono" data-testid="webhook-secret-hint">
            {secretHintText(partner.webhookSecretHint)}
          </dd>
        </div>
        <div>
          <dt>状态推送</dt>
          <dd>{partner.webhookUrl ? '已配置' : <span className="muted">未配置推送地址</span>}</dd>
        </div>
      </dl>
      <p className="field-hint">平台向对方推送状态时以此密钥签名，对方用它验签。</p>
      {manage && (
        <div className="form-actions">
          <button type="button" className="btn" data-testid="webhook-secret-rotate" disabled={pending} onClick={() => open('webhook')}>
            轮换推送签名密钥
          </button>
        </div>
      )}
      {notice && (
        <div className="notice notice-success secret-notice" role="status">
          {notice}
        </div>
      )}
      {!confirming && <ErrorNotice error={error} />}

      {confirming === 'rotate' && (
        <ConfirmDialog title="轮换调用签名密钥？" confirmLabel="生成新密钥" pending={pending} error={error} testId="secret-rotate-confirm" onConfirm={() => void run('rotate')} onCancel={() => setConfirming(null)}>
          <p>将为 <span className="mono">{partner.appId}</span> 生成新的当前密钥，新密钥只显示一次。</p>
          <p>当前密钥（{secretHintText(current?.hint)}）将成为旧密钥并继续有效，直到您停用它，对接方可在此期间切换。</p>
          {previous && (
            <p className="notice notice-warn">
              已有一把旧密钥（{secretHintText(previous.hint)}）仍在轮换中：再次轮换时它将被替换而失效，仍在使用它的调用会被拒绝。建议先确认对接方已切换并停用旧密钥。
            </p>
          )}
        </ConfirmDialog>
      )}
      {confirming === 'retire' && previous && (
        <ConfirmDialog title="停用旧密钥？" confirmLabel="确认停用" danger pending={pending} error={error} testId="secret-retire-confirm" onConfirm={() => void run('retire')} onCancel={() => setConfirming(null)}>
          <p>
            停用后，以旧密钥（{secretHintText(previous.hint)}）签名的调用将被拒绝（SIGNATURE_INVALID），且不能恢复。请确认对接方已改用当前密钥（{secretHintText(current?.hint)}）。
          </p>
        </ConfirmDialog>
      )}
      {confirming === 'webhook' && (
        <ConfirmDialog title="轮换推送签名密钥？" confirmLabel="生成新密钥" pending={pending} error={error} testId="webhook-secret-rotate-confirm" onConfirm={() => void run('webhook')} onCancel={() => setConfirming(null)}>
          <p>将生成新的推送签名密钥，只显示一次。此后的推送以新密钥签名，对接方须同步更新验签密钥，否则验签失败、推送可能被拒收而重试。</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function RecentDeliveries({ appId, caseLinks }: { appId: string; caseLinks: boolean }) {
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useLoad(() => api.partnerWebhooks({ appId, page: 1, pageSize: RECENT_DELIVERIES }), [appId, tick]);
  return (
    <div className="panel" aria-busy={loading} data-testid="partner-recent-deliveries">
      <div className="panel-head">
        <h2>最近状态推送</h2>
        <span className="input-row">
          <button type="button" className="btn btn-link" disabled={loading} onClick={() => setTick((n) => n + 1)}>
            刷新
          </button>
          <a href={hrefs.partnerWebhooksFiltered({ appId, page: 1 })}>查看全部{data ? ` ${data.total} 条` : ''} →</a>
        </span>
      </div>
      <ErrorNotice error={error} />
      {data &&
        (data.items.length === 0 ? (
          <p className="empty">暂无推送记录。</p>
        ) : (
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">办件</th>
                <th scope="col">推送状态</th>
                <th scope="col" className="num">
                  尝试次数
                </th>
                <th scope="col">最近结果</th>
                <th scope="col">产生 / 最近尝试（北京时间）</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((d) => (
                <tr key={d.deliveryId} data-testid="partner-recent-delivery" data-status={d.status}>
                  <td>
                    {caseLinks ? (
                      <a className="mono request-id" href={hrefs.case(d.caseNo)}>
                        {d.caseNo}
                      </a>
                    ) : (
                      <span className="mono request-id">{d.caseNo}</span>
                    )}
                    <div className="sub">
                      <CaseStateTag state={d.state} />
                    </div>
                  </td>
                  <td>
                    <WebhookStatusTag status={d.status} />
                  </td>
                  <td className="num mono">{d.attempts}</td>
                  <td className="delivery-outcome">
                    <DeliveryOutcome d={d} />
                  </td>
                  <td className="nowrap">
                    {formatTime(d.createdAt)}
                    <div className="sub">{formatTime(d.lastAttemptAt)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {!data && !error && <p className="muted">正在加载…</p>}
    </div>
  );
}

function RecentCalls({ appId }: { appId: string }) {
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useLoad(() => api.partnerCalls(callsQuery({ ...EMPTY_CALLS_FILTER, appId }, RECENT_CALLS)), [appId, tick]);
  return (
    <div className="panel" aria-busy={loading} data-testid="partner-recent-calls">
      <div className="panel-head">
        <h2>最近调用</h2>
        <span className="input-row">
          <button type="button" className="btn btn-link" disabled={loading} onClick={() => setTick((n) => n + 1)}>
            刷新
          </button>
          <a href={hrefs.partnerCallsFiltered({ ...EMPTY_CALLS_FILTER, appId })}>查看全部{data ? ` ${data.total} 条` : ''} →</a>
        </span>
      </div>
      <ErrorNotice error={error} />
      {data &&
        (data.items.length === 0 ? (
          <p className="empty">暂无调用记录。</p>
        ) : (
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">时间（北京时间）</th>
                <th scope="col">接口</th>
                <th scope="col">签名校验</th>
                <th scope="col">状态码</th>
                <th scope="col" className="num">
                  耗时
                </th>
                <th scope="col">请求号</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((c, i) => (
                <tr key={`${c.requestId}-${c.at}-${i}`} data-testid="partner-recent-call">
                  <td className="nowrap">{formatTime(c.at)}</td>
                  <td className="call-path">
                    <span className="mono">{c.method}</span> <span className="mono">{c.path}</span>
                  </td>
                  <td>
                    <SignatureResult call={c} />
                  </td>
                  <td>
                    <HttpStatus status={c.status} />
                  </td>
                  <td className="num mono nowrap">{c.latencyMs} ms</td>
                  <td>
                    <code className="request-id">{c.requestId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {!data && !error && <p className="muted">正在加载…</p>}
    </div>
  );
}
