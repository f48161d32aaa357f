/** Display helpers: times in Asia/Shanghai, Chinese error headlines, client-side checks mirroring the contract. */
import type { ErrorCode, IdentityLevel } from '@onevisit/shared-types/client';

const TIME_ZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has no daylight saving time.

const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2025-03-07 14:05:09` in Beijing time; `—` for null; the raw text if it is not a date. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Today's date (`YYYY-MM-DD`) in Beijing time, for date inputs. */
export function todayInShanghai(now = new Date()): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The current year in Beijing time. */
export function yearInShanghai(now = new Date()): number {
  return Number(todayInShanghai(now).slice(0, 4));
}

/** The UTC instant where a Beijing calendar day starts (`endOfDay`: its last millisecond), as ISO. */
export function shanghaiDayBoundary(day: string, endOfDay = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - SHANGHAI_OFFSET_MS;
  return new Date(endOfDay ? start + 86_400_000 - 1 : start).toISOString();
}

/** A headline in Chinese per error code; the server's own message is shown beside it. */
const ERROR_HEADLINES: Partial<Record<ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE', string>> = {
  STAFF_LOGIN_FAILED: '用户名或密码错误',
  STAFF_LOCKED: '账号已被锁定',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  VALIDATION_FAILED: '提交的内容不符合要求',
  SESSION_INVALID: '登录已失效，请重新登录',
  CSRF_TOKEN_INVALID: '安全校验失败，请刷新页面后重试',
  PERMISSION_DENIED: '当前角色无权执行此操作',
  STAFF_NOT_FOUND: '未找到该工作人员',
  USERNAME_TAKEN: '用户名已被占用',
  CONFLICT: '操作与当前状态冲突，未执行',
  CITIZEN_NOT_FOUND: '未找到该市民',
  UNMASK_REASON_REQUIRED: '请填写查看事由',
  ROUTE_NOT_FOUND: '接口不存在（服务端版本可能不一致）',
  INTERNAL_ERROR: '服务器内部错误',
  SERVICE_UNAVAILABLE: '服务暂不可用，请稍后再试',
  UPSTREAM_UNAVAILABLE: '上游系统暂不可用，请稍后再试',
  OUTBOX_ENTRY_NOT_FOUND: '未找到该投递记录',
  OUTBOX_ENTRY_NOT_DEAD: '该记录已不在死信中（可能已被他人重试），未执行',
  FORBIDDEN: '当前角色无权执行此操作',
  APPLICATION_NOT_FOUND: '未找到该办件',
  CASE_TRANSITION_ILLEGAL: '办件状态已变化，本次操作未执行',
  IDEMPOTENCY_KEY_REUSED: '同一次操作被以不同内容重复提交，未执行',
  MATERIAL_UNKNOWN: '材料不在本事项的材料清单中',
  MATERIAL_NOT_LATE_ALLOWED: '该材料不允许容缺受理',
  APPROVAL_DEPARTMENT_INVALID: '会签部门无效（不在本件会签部门中或已会签）',
  SUPPLEMENT_NOT_OPEN: '没有待处理的补正',
  PENDING_MATERIAL_NOT_FOUND: '未找到该容缺材料',
  STORAGE_NOT_FOUND: '材料文件不存在',
  PAYMENT_CHANNEL_UNAVAILABLE: '该支付渠道未开通',
  PARTNER_NOT_FOUND: '未找到该合作方',
  PARTNER_EXISTS: '该 AppID 已被使用',
  PARTNER_NO_PREVIOUS_SECRET: '没有可停用的旧密钥（可能已被他人停用），未执行',
  MAPPING_PROFILE_UNKNOWN: '映射配置不存在',
  WEBHOOK_DELIVERY_NOT_FOUND: '未找到该推送记录',
  WEBHOOK_DELIVERY_NOT_DEAD: '该推送已不是失败状态（可能已被他人重新推送），未执行',
  NETWORK_ERROR: '网络连接失败',
  BAD_RESPONSE: '服务器返回了无法识别的内容',
};

export function errorHeadline(code: string, fallback: string): string {
  return ERROR_HEADLINES[code as keyof typeof ERROR_HEADLINES] ?? fallback;
}

/** The same rules as `UsernameSchema` and `NewPasswordSchema` in shared-types/console.ts. */
export const USERNAME_RULE = /^[a-z][a-z0-9._-]{2,31}$/;
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return '密码至少 12 位';
  if (password.length > 128) return '密码最多 128 位';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字';
  return null;
}

/** A password that meets the policy, from the browser's CSPRNG (16 characters, no look-alikes). */
export function generatePassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const all = letters + digits;
  const limit = 256 - (256 % all.length); // rejection sampling: no modulo bias
  for (;;) {
    let candidate = '';
    while (candidate.length < 16) {
      for (const b of crypto.getRandomValues(new Uint8Array(32))) if (b < limit && candidate.length < 16) candidate += all[b % all.length];
    }
    if (!passwordProblem(candidate)) return candidate;
  }
}

/** Field-level messages from a VALIDATION_FAILED body (`details.issues[].field` like `body.password`). */
export function fieldIssues(details: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const issues = (details as { issues?: { field?: string; message?: string }[] } | undefined)?.issues;
  if (!Array.isArray(issues)) return out;
  for (const issue of issues) {
    if (!issue?.field) continue;
    const key = issue.field.replace(/^(body|query|params)\./, '');
    out[key] ??= issue.message ?? '';
  }
  return out;
}

/**
 * A citizen's level as staff say it. (IDENTITY_LEVEL_NAMES names what an item requires —
 * "需实名认证" — and is shown as the hint of what the citizen may apply for.)
 */
const CITIZEN_LEVEL_NAMES: Record<IdentityLevel, string> = {
  L1: '已登录（未实名）',
  L2: '已实名认证',
  L3: '已实人认证（刷脸）',
};
export function citizenLevelName(level: IdentityLevel): string {
  return CITIZEN_LEVEL_NAMES[level] ?? level;
}
