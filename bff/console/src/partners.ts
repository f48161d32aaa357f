/**
 * Open-API partners in the console, the pure part (no React, no fetch): the settings form's checks
 * and request bodies (the PATCH carries only what changed), the IP allow-list textarea, the
 * filters of the webhook-delivery and call-evidence pages (kept in the hash, sent as the query),
 * and how statuses and signature results are named and coloured. Unit-tested in partners.test.ts.
 */
import { PARTNER_SCOPES, PARTNER_SCOPE_NAMES, SIGNATURE_ALGORITHMS, WEBHOOK_DELIVERY_STATUSES } from '@onevisit/shared-types/client';
import type {
  RelyingPartyType,
  CreatePartnerRequest,
  Partner,
  PartnerScope,
  SignatureAlgorithm,
  UpdatePartnerRequest,
  WebhookDeliveryStatus,
} from '@onevisit/shared-types/client';
import { CASE_NO_PATTERN, normalizeCaseNo, type StateTone } from './cases';
import { fieldIssues } from './format';

// ---- the contract's rules (PartnerSettingsSchema, CreatePartnerRequestSchema in shared-types/partners.ts) ----

export const APP_ID_RULE = /^[a-z][a-z0-9-]{2,31}$/;
/** The same pattern as `IpRuleSchema`: an IPv4/IPv6 address or CIDR range (checked after trimming). */
export const IP_RULE = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/;
export const PROFILE_ID_RULE = /^[a-z][a-z0-9-]{1,40}$/;
export const IP_ALLOW_LIST_MAX = 50;
export const NAME_MIN = 2;
export const NAME_MAX = 60;
export const RATE_LIMIT_MIN = 1;
export const RATE_LIMIT_MAX = 100_000;
export const DEFAULT_RATE_LIMIT = 600;
export const WEBHOOK_URL_MAX = 500;
export const DEFAULT_PROFILE_ID = 'canonical';

/** The one-time secret warning, word for word wherever a secret is shown. */
export const SECRET_ONCE_WARNING = '只显示一次，请立即复制并通过安全渠道交给对接方';

// ---- the IP allow-list textarea ----

export interface IpListParse {
  /** Valid rules, trimmed, in the order typed, duplicates dropped. */
  rules: string[];
  /** Lines (1-based) that are not an address or range. */
  bad: { line: number; text: string }[];
  /** What to tell the admin, or null when the list can be sent. */
  issue: string | null;
}

/** One rule a line; blank lines are ignored. Empty list: any address may call. */
export function parseIpAllowList(text: string): IpListParse {
  const rules: string[] = [];
  const bad: IpListParse['bad'] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (!IP_RULE.test(line)) bad.push({ line: i + 1, text: line });
    else if (!rules.includes(line)) rules.push(line);
  });
  let issue: string | null = null;
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map((b) => `第 ${b.line} 行“${b.text.length > 40 ? `${b.text.slice(0, 40)}…` : b.text}”`);
    issue = `${shown.join('、')}${bad.length > 3 ? ` 等 ${bad.length} 行` : ''}不是有效的 IP 地址或网段（如 10.0.0.8、10.1.0.0/16、2001:db8::/32）`;
  } else if (rules.length > IP_ALLOW_LIST_MAX) {
    issue = `最多 ${IP_ALLOW_LIST_MAX} 条，当前 ${rules.length} 条`;
  }
  return { rules, bad, issue };
}

export function ipAllowListText(rules: readonly string[]): string {
  return rules.join('\n');
}

// ---- the settings form ----

/** What the settings form holds while an admin edits it (text as typed). */
export interface PartnerDraft {
  name: string;
  algorithm: SignatureAlgorithm;
  scopes: PartnerScope[];
  /** The IP allow-list, one rule a line. */
  ipText: string;
  rateLimit: string;
  /** Empty: no webhook, the partner only pulls the event feed. */
  webhookUrl: string;
  profileId: string;
  enabled: boolean;
  /** Empty: not a relying party (a government platform). */
  relyingPartyType: RelyingPartyType | '';
}

export const EMPTY_PARTNER_DRAFT: PartnerDraft = {
  name: '',
  algorithm: SIGNATURE_ALGORITHMS[0],
  scopes: [],
  ipText: '',
  rateLimit: String(DEFAULT_RATE_LIMIT),
  webhookUrl: '',
  profileId: DEFAULT_PROFILE_ID,
  enabled: true,
  relyingPartyType: '',
};

export function draftFromPartner(p: Partner): PartnerDraft {
  return {
    name: p.name,
    algorithm: p.algorithm,
    scopes: sortScopes(p.scopes),
    ipText: ipAllowListText(p.ipAllowList),
    rateLimit: String(p.rateLimitPerMinute),
    webhookUrl: p.webhookUrl ?? '',
    profileId: p.profileId,
    enabled: p.enabled,
    relyingPartyType: p.relyingPartyType ?? '',
  };
}

export type PartnerIssueKey = 'appId' | 'name' | 'algorithm' | 'scopes' | 'ipAllowList' | 'rateLimitPerMinute' | 'webhookUrl' | 'profileId';
export type PartnerIssues = Partial<Record<PartnerIssueKey, string>>;
/** The form's fields in page order, to focus the first one with a problem. */
export const PARTNER_ISSUE_ORDER: readonly PartnerIssueKey[] = ['appId', 'name', 'algorithm', 'scopes', 'ipAllowList', 'rateLimitPerMinute', 'webhookUrl', 'profileId'];

/** The settings as the API takes them, checked. */
export interface PartnerSettings {
  name: string;
  algorithm: SignatureAlgorithm;
  scopes: PartnerScope[];
  ipAllowList: string[];
  rateLimitPerMinute: number;
  webhookUrl: string | null;
  profileId: string;
  enabled: boolean;
  relyingPartyType: RelyingPartyType | null;
}

/** Known scopes only, each once, in the contract's order (so comparing and sending are stable). */
export function sortScopes(scopes: readonly string[]): PartnerScope[] {
  return PARTNER_SCOPES.filter((s) => scopes.includes(s));
}

export function webhookUrlProblem(url: string): string | null {
  if (url.length > WEBHOOK_URL_MAX) return `最多 ${WEBHOOK_URL_MAX} 个字符`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '请输入完整的网址，如 https://gov.example.cn/onevisit/webhook';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return '须为 https:// 开头的网址';
  if (!parsed.hostname) return '网址缺少主机名';
  return null;
}

/** A warning that does not block saving: plain http is for test environments only. */
export function webhookUrlWarning(url: string): string | null {
  return /^http:\/\//i.test(url.trim()) ? '未使用 https：推送内容将以明文传输，生产环境须使用 https。' : null;
}

export function checkSettings(draft: PartnerDraft): { ok: true; settings: PartnerSettings } | { ok: false; issues: PartnerIssues } {
  const issues: PartnerIssues = {};
  const name = draft.name.trim();
  if (name.length < NAME_MIN || name.length > NAME_MAX) issues.name = name ? `名称 ${NAME_MIN}–${NAME_MAX} 个字` : '请输入合作方名称';
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(draft.algorithm)) issues.algorithm = '请选择签名算法';
  const scopes = sortScopes(draft.scopes);
  if (scopes.length === 0) issues.scopes = '至少选择一项权限范围';
  const ip = parseIpAllowList(draft.ipText);
  if (ip.issue) issues.ipAllowList = ip.issue;
  const rateText = draft.rateLimit.trim();
  const rate = Number(rateText);
  if (!/^\d+$/.test(rateText) || rate < RATE_LIMIT_MIN || rate > RATE_LIMIT_MAX) {
    issues.rateLimitPerMinute = `请输入 ${RATE_LIMIT_MIN}–${RATE_LIMIT_MAX.toLocaleString('en-US')} 之间的整数`;
  }
  const url = draft.webhookUrl.trim();
  const urlProblem = url ? webhookUrlProblem(url) : null;
  if (urlProblem) issues.webhookUrl = urlProblem;
  if (!PROFILE_ID_RULE.test(draft.profileId)) issues.profileId = '请选择映射配置';
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  return {
    ok: true,
    settings: {
      name,
      algorithm: draft.algorithm,
      scopes,
      ipAllowList: ip.rules,
      rateLimitPerMinute: rate,
      webhookUrl: url || null,
      profileId: draft.profileId,
      enabled: draft.enabled,
      relyingPartyType: draft.relyingPartyType || null,
    },
  };
}

export function appIdProblem(appId: string): string | null {
  if (!appId) return '请输入 AppID';
  return APP_ID_RULE.test(appId) ? null : '3–32 位，小写字母开头，可含小写字母、数字和 -';
}

/** The body of `POST /partners`: every setting, checked. */
export function buildCreateBody(appIdRaw: string, draft: PartnerDraft): { ok: true; body: CreatePartnerRequest } | { ok: false; issues: PartnerIssues } {
  const appId = appIdRaw.trim();
  const appIdIssue = appIdProblem(appId);
  const checked = checkSettings(draft);
  if (!checked.ok || appIdIssue) {
    const issues: PartnerIssues = checked.ok ? {} : { ...checked.issues };
    if (appIdIssue) issues.appId = appIdIssue;
    return { ok: false, issues };
  }
  return { ok: true, body: { appId, ...checked.settings } };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/**
 * The body of `PATCH /partners/{appId}`: only the fields that differ from the partner as loaded,
 * so a save never overwrites what another admin changed meanwhile in a field left alone. An empty
 * body means nothing changed. Scopes and IP rules compare as sets (order does not matter).
 */
export function buildUpdateBody(partner: Partner, draft: PartnerDraft): { ok: true; body: UpdatePartnerRequest } | { ok: false; issues: PartnerIssues } {
  const checked = checkSettings(draft);
  if (!checked.ok) return checked;
  const s = checked.settings;
  const body: UpdatePartnerRequest = {};
  if (s.name !== partner.name) body.name = s.name;
  if (s.algorithm !== partner.algorithm) body.algorithm = s.algorithm;
  if (!sameSet(s.scopes, partner.scopes)) body.scopes = s.scopes;
  if (!sameSet(s.ipAllowList, partner.ipAllowList)) body.ipAllowList = s.ipAllowList;
  if (s.rateLimitPerMinute !== partner.rateLimitPerMinute) body.rateLimitPerMinute = s.rateLimitPerMinute;
  if (s.webhookUrl !== (partner.webhookUrl || null)) body.webhookUrl = s.webhookUrl;
  if (s.profileId !== partner.profileId) body.profileId = s.profileId;
  if (s.enabled !== partner.enabled) body.enabled = s.enabled;
  if (s.relyingPartyType !== (partner.relyingPartyType ?? null)) body.relyingPartyType = s.relyingPartyType;
  return { ok: true, body };
}

const SETTING_NAMES: Record<keyof PartnerSettings, string> = {
  name: '名称',
  algorithm: '签名算法',
  scopes: '权限范围',
  ipAllowList: 'IP 白名单',
  rateLimitPerMinute: '每分钟调用上限',
  webhookUrl: '状态推送地址',
  profileId: '映射配置',
  enabled: '启用状态',
  relyingPartyType: '用证方类型',
};

/** What a PATCH body changes, in the form's order, by name (`名称、权限范围`). */
export function changedSettingNames(body: UpdatePartnerRequest): string[] {
  return (Object.keys(SETTING_NAMES) as (keyof PartnerSettings)[]).filter((k) => body[k] !== undefined).map((k) => SETTING_NAMES[k]);
}

/** Whether a PATCH turns the partner off (every call it makes is refused afterwards): confirm first. */
export function disablesPartner(partner: Pick<Partner, 'enabled'>, body: UpdatePartnerRequest): boolean {
  return partner.enabled && body.enabled === false;
}

/** A VALIDATION_FAILED body's field messages on the form's fields (`ipAllowList.3` → `ipAllowList`). */
export function partnerServerIssues(details: unknown): PartnerIssues {
  const out: PartnerIssues = {};
  for (const [field, message] of Object.entries(fieldIssues(details))) {
    const key = field.split('.')[0] as PartnerIssueKey;
    if (PARTNER_ISSUE_ORDER.includes(key)) out[key] ??= message || '不符合要求';
  }
  return out;
}

// ---- display ----

export function scopeName(scope: string): string {
  return (PARTNER_SCOPE_NAMES as Record<string, string>)[scope] ?? scope;
}

/** `••••a1b2`: the last characters the server keeps of a secret, to tell secrets apart. */
export function secretHintText(hint: string | null | undefined): string {
  return hint ? `••••${hint}` : '—';
}

export type PartnerSecretInfo = Partner['secrets'][number];

/** The signing secrets by slot: the current one, and the previous one while a rotation is in progress. */
export function secretSlots(p: Pick<Partner, 'secrets'>): { current: PartnerSecretInfo | null; previous: PartnerSecretInfo | null } {
  return {
    current: p.secrets.find((s) => s.slot === 'current') ?? null,
    previous: p.secrets.find((s) => s.slot === 'previous') ?? null,
  };
}

/** The host a webhook goes to (`gov.example.cn`), for the list; the text itself if it is not a URL. */
export function webhookHost(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

export function webhookStatusTone(status: WebhookDeliveryStatus): StateTone {
  switch (status) {
    case 'delivered':
      return 'ok';
    case 'retrying':
      return 'warn';
    case 'dead':
      return 'bad';
    default:
      return 'progress'; // pending
  }
}

/** An HTTP status's colour: 2xx ok, 4xx warn, 5xx bad, anything else (none, 1xx, 3xx) muted. */
export function httpStatusTone(status: number | null | undefined): StateTone {
  if (status == null) return 'muted';
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'warn';
  if (status >= 500 && status < 600) return 'bad';
  return 'muted';
}

/** Why the open API refused a call, by the code the signature check (or what follows it) gave. */
const REFUSAL_NAMES: Record<string, string> = {
  SIGNATURE_HEADERS_MISSING: '缺少签名请求头',
  PARTNER_UNKNOWN: '未知的 AppID',
  PARTNER_DISABLED: '合作方已停用',
  IP_NOT_ALLOWED: '来源 IP 不在白名单',
  PARTNER_RATE_LIMITED: '超过调用频率上限',
  SIGNATURE_TIMESTAMP_SKEWED: '时间戳偏差过大',
  SIGNATURE_ALGORITHM_MISMATCH: '签名算法与登记不符',
  BODY_HASH_MISMATCH: '请求体摘要不符',
  SIGNATURE_INVALID: '签名错误',
  SIGNATURE_NONCE_REPLAYED: '随机串重复（疑似重放）',
  PAYLOAD_TOO_LARGE: '请求体过大',
  SCOPE_MISSING: '未授权该接口',
  /** The check did not finish (an internal failure before any verdict). */
  unverified: '未完成校验',
};

/**
 * A call's signature result: `ok`, or refused with its code and a Chinese name where known. (A
 * signed call refused afterwards, e.g. SCOPE_MISSING, keeps `ok` here: its status code tells.)
 */
export function signatureResultView(result: string): { refused: boolean; code: string | null; label: string } {
  if (result === 'ok') return { refused: false, code: null, label: '通过' };
  return { refused: true, code: result, label: REFUSAL_NAMES[result] ?? '已拒绝' };
}

// ---- paging in the hash ----

function parsePage(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1;
}

// ---- webhook deliveries (`#/partner-webhooks?appId=…&status=dead&caseNo=…&page=2`) ----

export interface WebhookFilter {
  appId?: string;
  status?: WebhookDeliveryStatus;
  caseNo?: string;
  page: number;
}

export function parseWebhookFilter(search: string): WebhookFilter {
  const params = new URLSearchParams(search);
  const filter: WebhookFilter = { page: parsePage(params.get('page')) };
  const appId = params.get('appId');
  if (appId && APP_ID_RULE.test(appId)) filter.appId = appId;
  const status = params.get('status');
  if (status && (WEBHOOK_DELIVERY_STATUSES as readonly string[]).includes(status)) filter.status = status as WebhookDeliveryStatus;
  const caseNo = params.get('caseNo');
  if (caseNo && CASE_NO_PATTERN.test(caseNo)) filter.caseNo = caseNo;
  return filter;
}

/** The hash of a delivery filter; defaults are left out, so the plain list is `#/partner-webhooks`. */
export function webhookHref(filter: WebhookFilter): string {
  const params = new URLSearchParams();
  if (filter.appId) params.set('appId', filter.appId);
  if (filter.status) params.set('status', filter.status);
  if (filter.caseNo) params.set('caseNo', filter.caseNo);
  if (filter.page > 1) params.set('page', String(filter.page));
  const qs = params.toString();
  return qs ? `#/partner-webhooks?${qs}` : '#/partner-webhooks';
}

/** What the delivery filter form holds (text as typed). */
export interface WebhookFilterDraft {
  appId: string;
  status: WebhookDeliveryStatus | '';
  caseNo: string;
}

/** Checks the typed filter; the filter to apply (page 1) or what is wrong with which field. */
export function checkWebhookFilter(draft: WebhookFilterDraft): { ok: true; filter: WebhookFilter } | { ok: false; issues: Partial<Record<'appId' | 'caseNo', string>> } {
  const issues: Partial<Record<'appId' | 'caseNo', string>> = {};
  const appId = draft.appId.trim();
  if (appId && !APP_ID_RULE.test(appId)) issues.appId = 'AppID 为 3–32 位小写字母、数字或 -';
  const caseNo = normalizeCaseNo(draft.caseNo);
  if (caseNo && !CASE_NO_PATTERN.test(caseNo)) issues.caseNo = '办件编号格式不正确';
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  const filter: WebhookFilter = { page: 1 };
  if (appId) filter.appId = appId;
  if (draft.status) filter.status = draft.status;
  if (caseNo) filter.caseNo = caseNo;
  return { ok: true, filter };
}

export function webhookQuery(filter: WebhookFilter, pageSize: number): { appId?: string; status?: WebhookDeliveryStatus; caseNo?: string; page: number; pageSize: number } {
  return { appId: filter.appId, status: filter.status, caseNo: filter.caseNo, page: filter.page, pageSize };
}

// ---- call evidence (`#/partner-calls?appId=…&requestId=…&path=/open/v1/cases&result=refused&from=…&to=…`) ----

export type CallResultFilter = '' | 'ok' | 'refused';

/** The call search; times are Beijing wall-clock minutes as a `datetime-local` input gives them (`2025-03-07T14:05`). */
export interface CallsFilter {
  appId: string;
  requestId: string;
  path: string;
  result: CallResultFilter;
  from: string;
  to: string;
  page: number;
}

export const EMPTY_CALLS_FILTER: CallsFilter = { appId: '', requestId: '', path: '', result: '', from: '', to: '', page: 1 };
export const CALL_APP_ID_MAX = 32;
export const CALL_REQUEST_ID_MAX = 64;
export const CALL_PATH_MAX = 200;
const LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * A Beijing wall-clock minute (`2025-03-07T14:05`) as the UTC instant it starts at, ISO; with
 * `endOfMinute` its last millisecond, so a range `to` includes that whole minute. Undefined for
 * anything that is not a real minute.
 */
export function shanghaiMinuteToIso(value: string, endOfMinute = false): string | undefined {
  const m = LOCAL_MINUTE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Reject 2025-02-30T10:00 and 24:00, which Date.UTC would roll over.
  if (wall.getUTCFullYear() !== year || wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day || wall.getUTCHours() !== hour || wall.getUTCMinutes() !== minute) return undefined;
  const start = wall.getTime() - 8 * 3600_000; // China has no daylight saving time.
  return new Date(endOfMinute ? start + 59_999 : start).toISOString();
}

export function parseCallsFilter(search: string): CallsFilter {
  const params = new URLSearchParams(search);
  const text = (key: string, max: number) => {
    const v = (params.get(key) ?? '').trim();
    return v.length <= max ? v : '';
  };
  const result = params.get('result');
  const minute = (key: string) => {
    const v = params.get(key) ?? '';
    return shanghaiMinuteToIso(v) ? v : '';
  };
  const path = text('path', CALL_PATH_MAX);
  return {
    appId: text('appId', CALL_APP_ID_MAX),
    requestId: text('requestId', CALL_REQUEST_ID_MAX),
    path: path.startsWith('/') ? path : '',
    result: result === 'ok' || result === 'refused' ? result : '',
    from: minute('from'),
    to: minute('to'),
    page: parsePage(params.get('page')),
  };
}

/** The hash of a call search; empty fields are left out, so the plain page is `#/partner-calls`. */
export function callsHref(filter: CallsFilter): string {
  const params = new URLSearchParams();
  for (const key of ['appId', 'requestId', 'path', 'result', 'from', 'to'] as const) if (filter[key]) params.set(key, filter[key]);
  if (filter.page > 1) params.set('page', String(filter.page));
  const qs = params.toString();
  return qs ? `#/partner-calls?${qs}` : '#/partner-calls';
}

export type CallsFilterIssues = Partial<Record<'appId' | 'requestId' | 'path' | 'from' | 'to', string>>;

/** Checks a typed call search; the filter to apply (trimmed, page 1) or what is wrong with which field. */
export function checkCallsFilter(draft: Omit<CallsFilter, 'page'>): { ok: true; filter: CallsFilter } | { ok: false; issues: CallsFilterIssues } {
  const issues: CallsFilterIssues = {};
  const appId = draft.appId.trim();
  const requestId = draft.requestId.trim();
  const path = draft.path.trim();
  if (appId.length > CALL_APP_ID_MAX) issues.appId = `最多 ${CALL_APP_ID_MAX} 个字符`;
  if (requestId.length > CALL_REQUEST_ID_MAX) issues.requestId = `最多 ${CALL_REQUEST_ID_MAX} 个字符`;
  if (path && !path.startsWith('/')) issues.path = '路径前缀须以 / 开头，如 /open/v1/cases';
  else if (path.length > CALL_PATH_MAX) issues.path = `最多 ${CALL_PATH_MAX} 个字符`;
  const from = draft.from ? shanghaiMinuteToIso(draft.from) : undefined;
  const to = draft.to ? shanghaiMinuteToIso(draft.to, true) : undefined;
  if (draft.from && !from) issues.from = '开始时间无效';
  if (draft.to && !to) issues.to = '结束时间无效';
  if (from && to && from > to) issues.to = '结束时间不能早于开始时间';
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, filter: { appId, requestId, path, result: draft.result, from: draft.from, to: draft.to, page: 1 } };
}

/** The query of `GET /partner-calls` (`PartnerCallQuerySchema`): empty fields left out, times as UTC instants. */
export function callsQuery(filter: CallsFilter, pageSize: number): Record<string, string | number | undefined> {
  return {
    appId: filter.appId || undefined,
    requestId: filter.requestId || undefined,
    path: filter.path || undefined,
    result: filter.result || undefined,
    from: filter.from ? shanghaiMinuteToIso(filter.from) : undefined,
    to: filter.to ? shanghaiMinuteToIso(filter.to, true) : undefined,
    page: filter.page,
    pageSize,
  };
}
