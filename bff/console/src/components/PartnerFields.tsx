import { PARTNER_SCOPES, RELYING_PARTY_TYPES, SIGNATURE_ALGORITHMS } from '@onevisit/shared-types/client';
import type { MappingProfileSummary, PartnerScope, SignatureAlgorithm } from '@onevisit/shared-types/client';
import {
  IP_ALLOW_LIST_MAX,
  NAME_MAX,
  RATE_LIMIT_MAX,
  parseIpAllowList,
  scopeName,
  webhookUrlWarning,
  type PartnerDraft,
  type PartnerIssues,
} from '../partners';

function Message({ id, error, hint }: { id: string; error?: string; hint?: string | null }) {
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

/**
 * The settings of a partner, shared by 新建合作方 and the detail page: name, algorithm, scopes, IP
 * allow-list (one rule a line), rate limit, webhook URL, mapping profile, enabled. Every control
 * carries `data-issue-field` so the form can focus the first one with a problem.
 */
export function PartnerFields(props: {
  idPrefix: string;
  draft: PartnerDraft;
  issues: PartnerIssues;
  /** null while loading or when the list failed: the current profile is then the only choice. */
  profiles: MappingProfileSummary[] | null;
  onChange: (patch: Partial<PartnerDraft>) => void;
}) {
  const { idPrefix: id, draft, issues, profiles, onChange } = props;
  const ip = parseIpAllowList(draft.ipText);
  const options = profiles ?? [];
  const known = options.some((p) => p.id === draft.profileId);
  const profile = options.find((p) => p.id === draft.profileId);
  const toggleScope = (scope: PartnerScope, on: boolean) =>
    onChange({ scopes: on ? [...draft.scopes.filter((s) => s !== scope), scope] : draft.scopes.filter((s) => s !== scope) });
  const aria = (key: keyof PartnerIssues) => ({ 'aria-invalid': issues[key] ? true : undefined, 'aria-describedby': `${id}-${key}-msg`, 'data-issue-field': key });

  return (
    <div className="form-grid partner-fields">
      <div className="field">
        <label htmlFor={`${id}-name`}>名称</label>
        <input id={`${id}-name`} value={draft.name} onChange={(e) => onChange({ name: e.target.value })} maxLength={NAME_MAX} autoComplete="off" placeholder="如 省政务服务平台" {...aria('name')} />
        <Message id={`${id}-name-msg`} error={issues.name} hint={`2–${NAME_MAX} 个字，显示在工作台与审计日志中`} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-algorithm`}>签名算法</label>
        <select id={`${id}-algorithm`} value={draft.algorithm} onChange={(e) => onChange({ algorithm: e.target.value as SignatureAlgorithm })} {...aria('algorithm')}>
          {SIGNATURE_ALGORITHMS.map((a) => (
            <option key={a} value={a}>
              {a}
              {a === 'HMAC-SM3' ? '（国密）' : ''}
            </option>
          ))}
        </select>
        <Message id={`${id}-algorithm-msg`} error={issues.algorithm} hint="须与对接方签名所用算法一致，否则调用被拒绝（SIGNATURE_ALGORITHM_MISMATCH）" />
      </div>

      <fieldset className="field field-wide choice-group partner-scopes" aria-describedby={`${id}-scopes-msg`}>
        <legend className="label">权限范围（至少一项）</legend>
        <div className="scope-options">
          {PARTNER_SCOPES.map((s, i) => (
            <label key={s} className="choice">
              <input
                type="checkbox"
                data-scope={s}
                data-issue-field={i === 0 ? 'scopes' : undefined}
                checked={draft.scopes.includes(s)}
                onChange={(e) => toggleScope(s, e.target.checked)}
              />
              {scopeName(s)} <code className="muted">{s}</code>
            </label>
          ))}
        </div>
        <Message
          id={`${id}-scopes-msg`}
          error={issues.scopes}
          hint={draft.scopes.includes('identity:attest') ? '注意：“以本平台核验的身份申办”允许对方以其自行核验的身份代市民申办，仅授予经认定的政务平台。' : '只授予对接方实际需要的权限。'}
        />
      </fieldset>

      <div className="field field-wide">
        <label htmlFor={`${id}-ip`}>IP 白名单</label>
        <textarea
          id={`${id}-ip`}
          className="mono ip-list"
          rows={4}
          value={draft.ipText}
          onChange={(e) => onChange({ ipText: e.target.value })}
          spellCheck={false}
          autoComplete="off"
          placeholder={'每行一个，如\n203.0.113.10\n198.51.100.0/24'}
          {...aria('ipAllowList')}
        />
        <Message
          id={`${id}-ipAllowList-msg`}
          error={issues.ipAllowList}
          hint={
            ip.issue && ip.bad.length > 0
              ? ip.issue
              : ip.rules.length === 0
                ? `每行一个 IPv4/IPv6 地址或 CIDR 网段，最多 ${IP_ALLOW_LIST_MAX} 条。留空表示不限制来源地址（不建议）。`
                : `已填写 ${ip.rules.length} 条（最多 ${IP_ALLOW_LIST_MAX} 条），来源地址须落在其中之一。`
          }
        />
      </div>

      <div className="field">
        <label htmlFor={`${id}-rate`}>每分钟调用上限</label>
        <input id={`${id}-rate`} inputMode="numeric" value={draft.rateLimit} onChange={(e) => onChange({ rateLimit: e.target.value })} maxLength={6} autoComplete="off" {...aria('rateLimitPerMinute')} />
        <Message id={`${id}-rateLimitPerMinute-msg`} error={issues.rateLimitPerMinute} hint={`1–${RATE_LIMIT_MAX.toLocaleString('en-US')} 次，超出后返回 PARTNER_RATE_LIMITED`} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-rp`}>用证方类型</label>
        <select id={`${id}-rp`} value={draft.relyingPartyType} onChange={(e) => onChange({ relyingPartyType: e.target.value as PartnerDraft['relyingPartyType'] })}>
          <option value="">不是用证方（政务平台）</option>
          {(Object.keys(RELYING_PARTY_TYPES) as (keyof typeof RELYING_PARTY_TYPES)[]).map((t) => (
            <option key={t} value={t}>
              {RELYING_PARTY_TYPES[t]}
            </option>
          ))}
        </select>
        <Message id={`${id}-rp-msg`} hint="核验亮证二维码时决定可见的字段（需 licences:verify 权限）" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-profile`}>映射配置</label>
        <select id={`${id}-profile`} value={draft.profileId} onChange={(e) => onChange({ profileId: e.target.value })} {...aria('profileId')}>
          {!known && <option value={draft.profileId}>{draft.profileId}</option>}
          {options.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}（{p.id}）
            </option>
          ))}
        </select>
        <Message
          id={`${id}-profileId-msg`}
          error={issues.profileId}
          hint={profile ? `${profile.description}${profile.envelope === 'wrapped' ? '（响应带外层信封）' : ''}` : profiles ? null : '映射配置列表未加载，暂只能保持当前配置。'}
        />
      </div>

      <div className="field field-wide">
        <label htmlFor={`${id}-webhook`}>状态推送地址</label>
        <input
          id={`${id}-webhook`}
          value={draft.webhookUrl}
          onChange={(e) => onChange({ webhookUrl: e.target.value })}
          maxLength={500}
          autoComplete="off"
          spellCheck={false}
          placeholder="https://…，留空表示不推送（对方通过事件接口拉取）"
          {...aria('webhookUrl')}
        />
        <Message
          id={`${id}-webhookUrl-msg`}
          error={issues.webhookUrl}
          hint={webhookUrlWarning(draft.webhookUrl) ?? '办件状态变化时向此地址推送，请求以推送签名密钥签名；留空则不推送。'}
        />
      </div>

      <div className="field field-wide">
        <label className="choice">
          <input type="checkbox" data-testid={`${id}-enabled`} checked={draft.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} />
          启用
        </label>
        <p className="field-hint">{draft.enabled ? '启用后对方可按权限范围调用开放接口。' : '停用后，该合作方的所有开放接口调用都将被拒绝（PARTNER_DISABLED）。'}</p>
      </div>
    </div>
  );
}
