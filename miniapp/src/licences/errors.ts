import { IDENTITY_LEVELS, IDENTITY_STEPS, type ErrorCode, type IdentityLevel, type IdentityStep } from '@onevisit/shared-types/client';
import { isApiError, isNetworkError } from '../api/errors';

/**
 * What a failed licence call means for the citizen: a Chinese line and what to do next. The BFF's
 * message is for support (describeError shows it with the request id); this is for the page.
 */

export type NextStep =
  /** Log in (again). */
  | 'login'
  /** L2 real-name first. */
  | 'real_name'
  /** L3: the face check. */
  | 'face'
  /** A face check within the last minutes (reveal). */
  | 'fresh_face'
  /** Try the same again (network, busy server). */
  | 'retry'
  /** Start over from fresh data (the list or licence changed). */
  | 'reload'
  /** Choose differently (purpose, fields, partner). */
  | 'change'
  /** Nothing the citizen can do here. */
  | 'none';

export interface LicenceErrorView {
  message: string;
  next: NextStep;
}

/** Why 查看完整信息 needs the face check again. */
export const FRESH_FACE_MESSAGE = '为保护您的个人信息，查看完整信息前需要再次刷脸确认是本人操作';

const VIEWS: Partial<Record<ErrorCode, LicenceErrorView>> = {
  UNAUTHENTICATED: { message: '请先登录后查看电子证照', next: 'login' },
  SESSION_INVALID: { message: '登录已过期，请重新登录', next: 'login' },
  REFRESH_TOKEN_INVALID: { message: '登录已过期，请重新登录', next: 'login' },
  REAL_NAME_REQUIRED: { message: '请先完成实名认证', next: 'real_name' },
  IDENTITY_LEVEL_REQUIRED: { message: '电子证照需要完成实人认证（刷脸）后才能查看和使用', next: 'face' },
  FRESH_FACE_REQUIRED: { message: FRESH_FACE_MESSAGE, next: 'fresh_face' },
  LICENCE_NOT_FOUND: { message: '未找到该证照，可能已更新，请返回证照列表刷新', next: 'reload' },
  PURPOSE_NOT_FOR_LICENCE: { message: '该证照不能用于所选用途，请选择其他用途', next: 'change' },
  LICENCE_FIELD_UNKNOWN: { message: '所选信息不属于该证照，请重新选择要出示的信息', next: 'change' },
  LICENCE_NOT_PRESENTABLE: { message: '该证照已过期或已注销，不能亮证。如已换领新证，请刷新证照列表', next: 'reload' },
  LICENCE_REVOKED: { message: '该证照已注销，不能使用', next: 'reload' },
  LICENCE_EXPIRED: { message: '该证照已过期，不能使用', next: 'reload' },
  GRANT_NOT_FOUND: { message: '未找到该授权，可能已撤销，请刷新后查看', next: 'reload' },
  GRANT_INACTIVE: { message: '该授权已到期或已撤销，无需再撤销', next: 'reload' },
  GRANTEE_UNKNOWN: { message: '所选机构暂不接受授权，请刷新后重新选择', next: 'change' },
  IDEMPOTENCY_KEY_REUSED: { message: '授权内容已修改，请重新确认后提交', next: 'change' },
  VALIDATION_FAILED: { message: '提交的信息有误，请检查后重试', next: 'change' },
  RATE_LIMITED: { message: '操作太频繁，请稍后再试', next: 'retry' },
  SERVICE_UNAVAILABLE: { message: '服务暂时不可用，请稍后再试', next: 'retry' },
  UPSTREAM_UNAVAILABLE: { message: '证照库暂时不可用，请稍后再试', next: 'retry' },
  INTERNAL_ERROR: { message: '服务出现异常，请稍后再试', next: 'retry' },
};

export function licenceErrorView(err: unknown): LicenceErrorView {
  if (isApiError(err)) {
    const known = VIEWS[err.code];
    if (known) {
      // IDENTITY_LEVEL_REQUIRED names the step the citizen is at
      if (err.code === 'IDENTITY_LEVEL_REQUIRED') {
        const gate = levelGate(err);
        if (gate?.nextStep === 'login') return { message: '请先登录后查看电子证照', next: 'login' };
        if (gate?.nextStep === 'real_name') return { message: '电子证照需要先完成实名认证，再完成刷脸认证', next: 'real_name' };
      }
      return known;
    }
    if (err.status >= 500) return { message: '服务出现异常，请稍后再试', next: 'retry' };
    return { message: err.message || '请求未能完成', next: 'none' };
  }
  if (isNetworkError(err)) return { message: err.kind === 'timeout' ? '网络超时，请稍后重试' : '网络连接失败，请检查网络后重试', next: 'retry' };
  return { message: '出错了，请稍后重试', next: 'retry' };
}

export interface LevelGate {
  required: IdentityLevel;
  current: IdentityLevel;
  nextStep: IdentityStep | null;
}

const isLevel = (v: unknown): v is IdentityLevel => typeof v === 'string' && (IDENTITY_LEVELS as readonly string[]).includes(v);
const isStep = (v: unknown): v is IdentityStep => typeof v === 'string' && (IDENTITY_STEPS as readonly string[]).includes(v);

/**
 * A `403 IDENTITY_LEVEL_REQUIRED` (details `{required, current, nextStep}`) as the gate to show;
 * a 401 as the login gate; undefined for anything else. Missing details still gate on the face check.
 */
export function levelGate(err: unknown): LevelGate | undefined {
  if (!isApiError(err)) return undefined;
  if (err.status === 401) return { required: 'L3', current: 'L1', nextStep: 'login' };
  if (err.code !== 'IDENTITY_LEVEL_REQUIRED') return undefined;
  const d = (err.details && typeof err.details === 'object' ? err.details : {}) as Record<string, unknown>;
  const required = isLevel(d.required) ? d.required : 'L3';
  const current = isLevel(d.current) ? d.current : 'L2';
  const nextStep = isStep(d.nextStep) ? d.nextStep : d.nextStep === null ? null : current === 'L1' ? 'real_name' : 'face';
  return { required, current, nextStep };
}

/** Whether trying the same call again may work (network, timeouts, 429, 5xx). */
export function isRetryable(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  if (isApiError(err)) return err.status === 429 || err.status >= 500;
  return false;
}

/**
 * After a failed reveal: start the face check when the citizen asked (then the reveal is retried
 * on return), but only ask when it was already that retry (no loop when the face check was
 * cancelled); the level gate and other errors as they are.
 */
export function revealNext(err: unknown, attempt: 'user' | 'retry'): 'start_face' | 'ask_face' | 'gate' | 'error' {
  if (isApiError(err) && err.code === 'FRESH_FACE_REQUIRED') return attempt === 'user' ? 'start_face' : 'ask_face';
  if (levelGate(err)) return 'gate';
  return 'error';
}
