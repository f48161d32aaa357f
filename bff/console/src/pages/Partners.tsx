import { useRef, useState, type FormEvent } from 'react';
import type { MappingProfileSummary, Partner, PartnerSecretIssued } from '@onevisit/shared-types/client';
import { ApiError, api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageTitle } from '../components/PageTitle';
import { ScopeChips } from '../components/PartnerBits';
import { PartnerFields } from '../components/PartnerFields';
import { SecretDialog } from '../components/SecretDialog';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import {
  EMPTY_PARTNER_DRAFT,
  PARTNER_ISSUE_ORDER,
  appIdProblem,
  buildCreateBody,
  partnerServerIssues,
  webhookHost,
  type PartnerDraft,
  type PartnerIssues,
} from '../partners';
import { hrefs } from '../router';
import { useSession } from '../session';

/** A profile's name for the list (its id when the list is not loaded or does not know it). */
function profileName(profiles: MappingProfileSummary[] | null, id: string): string {
  return profiles?.find((p) => p.id === id)?.name ?? id;
}

/**
 * 合作方: the platforms and relying parties allowed to call the open API, for supervisors
 * (read-only) and admins (新建合作方). A new partner's secrets are shown once, in a dialog, and
 * leave this page's state when it closes.
 */
export function PartnersPage() {
  const { can } = useSession();
  const manage = can('partners:manage');
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useLoad(() => api.partners(), [tick]);
  const profiles = useLoad(() => api.partnerProfiles(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Partner | null>(null);
  // The one-time secrets of a partner just created: kept exactly as long as their dialog is open.
  const [issued, setIssued] = useState<PartnerSecretIssued | null>(null);

  return (
    <section data-testid="partners-page">
      <PageTitle title="合作方">
        <button type="button" className="btn" data-testid="partners-refresh" disabled={loading} onClick={() => setTick((n) => n + 1)}>
          刷新
        </button>
        {manage && !creating && (
          <button type="button" className="btn btn-primary" data-testid="partner-create-open" onClick={() => (setCreating(true), setCreated(null))}>
            新建合作方
          </button>
        )}
      </PageTitle>
      <p className="field-hint page-hint">
        通过开放接口（/open/v1）同步事项、代为申办、查询进度的政务平台与第三方机构。每个合作方以 AppID 和签名密钥调用，按权限范围、IP 白名单与调用频率受限。
        {manage ? '' : '新建与修改由管理员操作。'}
      </p>
      {created && (
        <div className="notice notice-success" role="status" data-testid="partner-created">
          <strong>
            已创建合作方 {created.name}（<span className="mono">{created.appId}</span>）
          </strong>
          <div>
            <a href={hrefs.partner(created.appId)}>查看详情</a>
          </div>
        </div>
      )}
      {creating && (
        <CreatePartnerForm
          profiles={profiles.data?.profiles ?? null}
          profilesError={profiles.error}
          onCancel={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setCreated(result.partner);
            setIssued(result);
            setTick((n) => n + 1);
          }}
        />
      )}
      {issued && <SecretDialog issued={issued} title="合作方已创建：请保存密钥" onClose={() => setIssued(null)} />}
      <ErrorNotice error={error} />
      <div className="panel" aria-busy={loading}>
        {data ? (
          data.partners.length === 0 ? (
            <p className="empty" data-testid="partners-empty">
              尚未登记任何合作方。{manage ? '点击“新建合作方”登记第一个对接方。' : ''}
            </p>
          ) : (
            <div className="table-scroll">
              <table className="table table-dense partner-table">
                <thead>
                  <tr>
                    <th scope="col">AppID / 名称</th>
                    <th scope="col">签名算法</th>
                    <th scope="col">权限范围</th>
                    <th scope="col">映射配置</th>
                    <th scope="col">状态推送</th>
                    <th scope="col">IP 白名单</th>
                    <th scope="col">状态</th>
                    <th scope="col">更新时间（北京时间）</th>
                  </tr>
                </thead>
                <tbody>
                  {data.partners.map((p) => (
                    <tr key={p.appId} data-testid="partner-row" data-app-id={p.appId} data-enabled={p.enabled}>
                      <td>
                        <a className="mono" href={hrefs.partner(p.appId)}>
                          {p.appId}
                        </a>
                        <div className="sub">{p.name}</div>
                      </td>
                      <td className="nowrap mono">{p.algorithm}</td>
                      <td>
                        <ScopeChips scopes={p.scopes} />
                      </td>
                      <td>
                        {profileName(profiles.data?.profiles ?? null, p.profileId)}
                        {profiles.data && profileName(profiles.data.profiles, p.profileId) !== p.profileId && <div className="sub mono">{p.profileId}</div>}
                      </td>
                      <td>
                        {p.webhookUrl ? (
                          <>
                            <span className="tag tag-ok">已配置</span>
                            <div className="sub mono" title={p.webhookUrl}>
                              {webhookHost(p.webhookUrl)}
                            </div>
                          </>
                        ) : (
                          <span className="tag tag-off">未配置</span>
                        )}
                      </td>
                      <td className="nowrap">{p.ipAllowList.length === 0 ? <span className="tag tag-warn">不限</span> : `${p.ipAllowList.length} 条`}</td>
                      <td>{p.enabled ? <span className="tag tag-ok">启用</span> : <span className="tag tag-off">停用</span>}</td>
                      <td className="nowrap">{formatTime(p.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : (
          !error && <p className="muted">正在加载…</p>
        )}
      </div>
    </section>
  );
}

function CreatePartnerForm(props: {
  profiles: MappingProfileSummary[] | null;
  profilesError: unknown;
  onCancel: () => void;
  onCreated: (issued: PartnerSecretIssued) => void;
}) {
  const { profiles, profilesError, onCancel, onCreated } = props;
  const [appId, setAppId] = useState('');
  const [draft, setDraft] = useState<PartnerDraft>(EMPTY_PARTNER_DRAFT);
  const [issues, setIssues] = useState<PartnerIssues>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  function focusFirst(found: PartnerIssues) {
    const first = PARTNER_ISSUE_ORDER.find((k) => found[k]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[data-issue-field="${first}"]`)?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (pending) return;
    const built = buildCreateBody(appId, draft);
    setError(null);
    if (!built.ok) {
      setIssues(built.issues);
      focusFirst(built.issues);
      return;
    }
    setIssues({});
    setPending(true);
    try {
      onCreated(await api.createPartner(built.body));
    } catch (err) {
      setPending(false);
      let found: PartnerIssues = {};
      if (err instanceof ApiError && err.code === 'PARTNER_EXISTS') found = { appId: '该 AppID 已被使用，请换一个' };
      else if (err instanceof ApiError && err.code === 'MAPPING_PROFILE_UNKNOWN') found = { profileId: '该映射配置不存在，请重新选择' };
      else if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') found = partnerServerIssues(err.details);
      setIssues(found);
      focusFirst(found);
      setError(err);
    }
  }

  return (
    <form ref={formRef} className="panel create-form partner-form" onSubmit={submit} noValidate aria-labelledby="partner-create-title" data-testid="partner-create-form">
      <h2 id="partner-create-title">新建合作方</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="partner-appId">AppID</label>
          <input
            id="partner-appId"
            data-issue-field="appId"
            value={appId}
            onChange={(e) => setAppId(e.target.value)}
            onBlur={() => appId.trim() && setIssues((i) => ({ ...i, appId: appIdProblem(appId.trim()) ?? undefined }))}
            maxLength={32}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="如 gd-gov-platform"
            aria-invalid={issues.appId ? true : undefined}
            aria-describedby="partner-appId-msg"
          />
          {issues.appId ? (
            <p id="partner-appId-msg" className="field-error" role="alert">
              {issues.appId}
            </p>
          ) : (
            <p id="partner-appId-msg" className="field-hint">
              3–32 位，小写字母开头，可含小写字母、数字和 -；创建后不可修改
            </p>
          )}
        </div>
      </div>
      <PartnerFields idPrefix="partner-new" draft={draft} issues={issues} profiles={profiles} onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))} />
      {profilesError ? <ErrorNotice error={profilesError} /> : null}
      <p className="field-hint">创建后将生成调用签名密钥与推送签名密钥，只显示一次。</p>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="partner-create-submit" disabled={pending}>
          {pending ? '创建中…' : '创建'}
        </button>
        <button type="button" className="btn" disabled={pending} onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
