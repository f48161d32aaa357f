import type { ErrorBody, ErrorCode } from '@onevisit/shared-types/client';

/**
 * The BFF answered, with a non-2xx status. Carries the platform's error body: branch on `code`,
 * show `message`, quote `requestId` to the call centre.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string;
  readonly details: unknown;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    Object.setPrototypeOf(this, ApiError.prototype);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.requestId = body.requestId;
    this.details = body.details;
  }

  get body(): ErrorBody {
    return { code: this.code, message: this.message, requestId: this.requestId, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

/** The BFF was not reached, or did not answer in time. Nothing is known about the server side. */
export class NetworkError extends Error {
  readonly kind: 'timeout' | 'network';

  constructor(kind: 'timeout' | 'network', message: string) {
    super(message);
    Object.setPrototypeOf(this, NetworkError.prototype);
    this.name = 'NetworkError';
    this.kind = kind;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

export function isNetworkError(err: unknown): err is NetworkError {
  return err instanceof NetworkError;
}

type Headers = Record<string, unknown> | undefined | null;

/** Header look-up ignoring case: WeChat keeps the server's spelling, H5 and Alipay lower-case it. */
export function headerValue(headers: Headers, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

export function isErrorBody(data: unknown): data is ErrorBody {
  if (!data || typeof data !== 'object') return false;
  const d = data as Record<string, unknown>;
  return typeof d.code === 'string' && d.code.length > 0 && typeof d.message === 'string';
}

/** The code to report when a non-2xx answer has no platform error body (a proxy's HTML page, an empty 502). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'ROUTE_NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED';
  }
}

/** A non-2xx answer → ApiError, keeping the server's body when it is the platform's error shape. */
export function toApiError(status: number, data: unknown, headers?: Headers): ApiError {
  const headerRequestId = headerValue(headers, 'x-request-id') ?? '';
  if (isErrorBody(data)) {
    return new ApiError(status, {
      code: data.code,
      message: data.message,
      requestId: typeof data.requestId === 'string' && data.requestId ? data.requestId : headerRequestId,
      ...(data.details === undefined ? {} : { details: data.details }),
    });
  }
  return new ApiError(status, { code: codeForStatus(status), message: `HTTP ${status}`, requestId: headerRequestId });
}

/** What a rejected `Taro.request` means, across the three platforms. */
export type Failure =
  | { kind: 'http'; status: number; data: unknown; headers: Headers }
  | { kind: 'timeout'; message: string }
  | { kind: 'network'; message: string };

/**
 * - WeChat: `{ errMsg: 'request:fail timeout' }` / `'request:fail …'`.
 * - Alipay: `{ error: 13 }` is a timeout; `{ error: 19, status, data, headers }` is an HTTP error
 *   status (Alipay rejects non-2xx answers instead of resolving them).
 * - H5 (fetch): our timeout aborts the fetch (`AbortError`); a `TypeError` is a network failure.
 */
export function classifyFailure(err: unknown): Failure {
  const e = (err && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 300) {
    return { kind: 'http', status, data: e.data, headers: (e.headers ?? e.header) as Headers };
  }
  const message = [e.errMsg, e.errorMessage, e.message].find((m): m is string => typeof m === 'string' && m.length > 0) ?? String(err);
  const timedOut = e.error === 13 || e.name === 'AbortError' || /timeout|timed out|超时|abort/i.test(message);
  return timedOut ? { kind: 'timeout', message } : { kind: 'network', message };
}

/** The rejection of a `Taro.request` → the error `request()` throws. */
export function failureToError(err: unknown): ApiError | NetworkError {
  const f = classifyFailure(err);
  if (f.kind === 'http') return toApiError(f.status, f.data, f.headers);
  return new NetworkError(f.kind, f.message);
}

const FRIENDLY: Partial<Record<ErrorCode, string>> = {
  DOMAIN_NOT_FOUND: '未找到该业务领域',
  ITEM_NOT_FOUND: '未找到该事项，可能已调整或下线',
  BUNDLE_NOT_FOUND: '未找到该“一件事”主题',
  VALIDATION_FAILED: '请求参数有误',
  ROUTE_NOT_FOUND: '服务暂不可用（接口不存在）',
  RATE_LIMITED: '访问太频繁，请稍后再试',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  INTERNAL_ERROR: '服务出现异常，请稍后再试',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '没有权限访问',
  SESSION_INVALID: '登录已过期，请重新登录',
  REFRESH_TOKEN_INVALID: '登录已过期，请重新登录',
  LOGIN_CODE_INVALID: '登录凭证无效，请重试',
  SMS_SEND_TOO_FREQUENT: '验证码发送太频繁，请稍后再试',
  SMS_CODE_INVALID: '验证码错误或已过期',
  SMS_CODE_TOO_MANY_ATTEMPTS: '验证码错误次数过多，请重新获取',
  REAL_NAME_MISMATCH: '姓名与身份证号码不一致，请核对后重试',
  ID_NUMBER_BOUND_ELSEWHERE: '该身份证号码已绑定其他账号',
  REAL_NAME_REQUIRED: '请先完成实名认证',
  FACE_VERIFICATION_FAILED: '刷脸认证未通过',
  FACE_CERTIFY_NOT_FOUND: '认证已失效，请重新开始刷脸认证',
  IDENTITY_LEVEL_REQUIRED: '您的认证等级不足以办理该事项',
  UPSTREAM_UNAVAILABLE: '相关系统暂时不可用，请稍后再试',
  UPSTREAM_REJECTED: '相关系统暂时无法处理，请稍后再试',
  // applications and materials
  APPLICATION_NOT_FOUND: '未找到该办件',
  BUNDLE_APPLICATION_NOT_FOUND: '未找到该“一件事”办件',
  CASE_TRANSITION_ILLEGAL: '办件状态已发生变化，请刷新后查看',
  IDEMPOTENCY_KEY_REUSED: '申请内容已修改，请返回重新确认后提交',
  FORM_INVALID: '申请表有填写不正确的地方，请修改后再提交',
  MATERIAL_UNKNOWN: '提交的材料不在本事项的材料清单中',
  MATERIAL_MISSING: '还有必须提交的材料未上传',
  MATERIAL_NOT_LATE_ALLOWED: '该材料不支持容缺后补，请现在上传',
  UPLOAD_NOT_FOUND: '上传的文件已失效，请重新上传',
  DELIVERY_OPTION_UNAVAILABLE: '该事项不支持所选的领取方式',
  GREEN_CHANNEL_UNAVAILABLE: '该事项暂不提供绿色通道',
  SUPPLEMENT_NOT_OPEN: '该补正已提交或已关闭，请刷新后查看',
  PENDING_MATERIAL_NOT_FOUND: '该容缺材料已补交或不存在',
  ITEM_DISABLED: '该事项暂停网上办理',
  MULTIPART_INVALID: '文件上传格式有误，请重新选择文件',
  FILE_TOO_LARGE: '文件超过 10 MB，请压缩或重新拍摄后上传',
  PAYLOAD_TOO_LARGE: '文件太大，请压缩或重新拍摄后上传',
  FILE_TYPE_NOT_ALLOWED: '仅支持 JPG、PNG、HEIC 图片或 PDF 文件',
  UNSUPPORTED_MEDIA_TYPE: '仅支持 JPG、PNG、HEIC 图片或 PDF 文件',
  FILE_TYPE_MISMATCH: '文件内容与扩展名不符，请重新选择',
  FILE_EMPTY: '文件是空的，请重新选择',
  // payments
  PAYMENT_NOT_DUE: '该办件当前无需缴费',
  PAYMENT_NOT_FOUND: '未找到该缴费订单',
  PAYMENT_CHANNEL_UNAVAILABLE: '暂不支持该支付方式，请稍后再试',
  PAYMENT_PAYER_UNKNOWN: '请使用微信或支付宝账号登录后缴费',
  // postal delivery
  ADDRESS_NOT_FOUND: '该收件地址已删除，请刷新后重新选择',
  ADDRESS_LIMIT_REACHED: '最多保存 20 个收件地址，请先删除不用的地址',
  DELIVERY_NOT_POSTAL: '该办件未选择邮寄送达',
  SHIPMENT_NOT_FOUND: '尚未选择收件地址',
  SHIPMENT_ALREADY_BOOKED: '快递已下单，不能再修改收件地址',
  // electronic licences
  LICENCE_NOT_FOUND: '未找到该证照，可能已更新，请刷新证照列表',
  FRESH_FACE_REQUIRED: '查看完整信息前需要再次刷脸确认本人',
  PURPOSE_NOT_FOR_LICENCE: '该证照不能用于所选用途，请重新选择',
  LICENCE_FIELD_UNKNOWN: '所选信息不属于该证照，请重新选择',
  LICENCE_NOT_PRESENTABLE: '该证照已过期或已注销，不能亮证',
  LICENCE_REVOKED: '该证照已注销',
  LICENCE_EXPIRED: '该证照已过期',
  PRESENTATION_EXPIRED: '二维码已过期，请刷新后重新出示',
  PRESENTATION_USED: '该二维码已被核验使用，请刷新后重新出示',
  PRESENTATION_MALFORMED: '二维码无法识别',
  PRESENTATION_KEY_UNKNOWN: '二维码校验未通过',
  PRESENTATION_SIGNATURE_INVALID: '二维码校验未通过',
  GRANT_NOT_FOUND: '未找到该授权，可能已撤销',
  GRANT_INACTIVE: '该授权已到期或已撤销',
  GRANTEE_UNKNOWN: '所选机构暂不接受授权，请刷新后重新选择',
};

/** The field problems of a 400 VALIDATION_FAILED (`details.issues`), keyed by the last segment of `field` (`body.idNumber` → `idNumber`). */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!isApiError(err) || err.code !== 'VALIDATION_FAILED') return {};
  const issues = (err.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return {};
  const out: Record<string, string> = {};
  for (const issue of issues) {
    if (!issue || typeof issue !== 'object') continue;
    const { field, message } = issue as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const key = field.split('.').pop() ?? field;
    if (!(key in out)) out[key] = message;
  }
  return out;
}

export interface ErrorView {
  /** One line for the citizen. */
  title: string;
  /** Details for support: the server's message, code and request id. */
  detail?: string;
}

/** How an error is shown on a page: a Chinese title plus the server's message and request id. */
export function describeError(err: unknown): ErrorView {
  if (isApiError(err)) {
    const title = FRIENDLY[err.code] ?? (err.status >= 500 ? '服务出现异常，请稍后再试' : '请求未能完成');
    const parts = [err.message, err.code];
    if (err.requestId) parts.push(`请求编号 ${err.requestId}`);
    return { title, detail: parts.join(' · ') };
  }
  if (isNetworkError(err)) {
    return err.kind === 'timeout'
      ? { title: '网络超时，请稍后重试', detail: err.message }
      : { title: '网络连接失败，请检查网络后重试', detail: err.message };
  }
  return { title: '出错了，请稍后重试', detail: err instanceof Error ? err.message : undefined };
}
