/**
 * The console's one HTTP helper: every call to `/console/api` goes through `request`, which sends
 * the session cookie (same origin), adds `X-CSRF-Token` to every write, and turns an error body
 * `{code, message, requestId, details}` into an `ApiError`. No `fetch` elsewhere.
 */
import { API_PREFIX, CONSOLE_API_PREFIX, apiPaths, calendarPaths, consolePaths } from '@onevisit/shared-types/client';
import type {
  AuditEntry,
  CalendarDayDeleteResponse,
  CalendarDayUpsertRequest,
  CalendarDayUpsertResponse,
  CalendarYearResponse,
  CaseState,
  CaseUnmaskResponse,
  CitizenDetail,
  CitizenSummary,
  ConsoleSession,
  CreatePartnerRequest,
  ErrorCode,
  MappingProfileList,
  OutboxEntry,
  OutboxRetryTopicResponse,
  Page,
  Partner,
  PartnerCall,
  PartnerList,
  PartnerSecretIssued,
  PaymentOrder,
  ReconciliationMismatch,
  ServiceItem,
  Shipment,
  Staff,
  StaffCaseActionRequest,
  StaffCaseDetail,
  StaffCaseSummary,
  StaffRole,
  UnmaskableField,
  UpdatePartnerRequest,
  WebhookDelivery,
  WebhookDeliveryStatus,
} from '@onevisit/shared-types/client';
import type { ReconcilableChannel } from './payments';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE',
    message: string,
    readonly requestId: string | null,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onSessionLost: (() => void) | null = null;

/** Called when a request (other than login and the session probe) answers 401 SESSION_INVALID. */
export function setSessionLostHandler(handler: (() => void) | null): void {
  onSessionLost = handler;
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

const outboxPaths = { dead: consolePaths.outboxDead, retry: consolePaths.outboxRetry, retryTopic: consolePaths.outboxRetryTopic } as const;

/** What the case queue may ask for (`CaseQueueQuerySchema`). */
export interface CaseQueueQuery {
  view: 'todo' | 'all';
  caseNo?: string;
  state?: CaseState;
  page: number;
  pageSize: number;
}

/**
 * `prefix`: the console API by default; the citizen API (`API_PREFIX`) only for public,
 * anonymous reads (the catalogue), which need no CSRF token and never end a console session.
 */
async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  query?: Query,
  prefix: string = CONSOLE_API_PREFIX,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(prefix + withQuery(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络后重试', null);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const e = (parsed ?? {}) as { code?: ErrorCode; message?: string; requestId?: string; details?: unknown };
    const error = new ApiError(
      res.status,
      e.code ?? 'BAD_RESPONSE',
      e.message ?? `HTTP ${res.status}`,
      e.requestId ?? res.headers.get('X-Request-Id'),
      e.details,
    );
    if (res.status === 401 && error.code === 'SESSION_INVALID' && prefix === CONSOLE_API_PREFIX && path !== consolePaths.session && path !== consolePaths.login) {
      csrfToken = null;
      onSessionLost?.();
    }
    throw error;
  }
  if (parsed === undefined && text) throw new ApiError(res.status, 'BAD_RESPONSE', '服务器返回了无法识别的内容', res.headers.get('X-Request-Id'));
  return parsed as T;
}

function remember(session: ConsoleSession): ConsoleSession {
  csrfToken = session.csrfToken;
  return session;
}

export const api = {
  async login(username: string, password: string): Promise<ConsoleSession> {
    return remember(await request<ConsoleSession>('POST', consolePaths.login, { username, password }));
  },
  async session(): Promise<ConsoleSession> {
    return remember(await request<ConsoleSession>('GET', consolePaths.session));
  },
  async logout(): Promise<void> {
    try {
      await request<unknown>('POST', consolePaths.logout, {});
    } finally {
      csrfToken = null;
    }
  },

  searchCitizens: (query: { phone: string } | { idNumber: string }) =>
    request<{ citizens: CitizenSummary[] }>('GET', consolePaths.citizens, undefined, query),
  citizen: (userId: string) => request<CitizenDetail>('GET', consolePaths.citizen(userId)),
  unmask: (userId: string, field: UnmaskableField, reason: string) =>
    request<{ field: UnmaskableField; value: string; auditId: string }>('POST', consolePaths.citizenUnmask(userId), { field, reason }),

  listStaff: () => request<{ staff: Staff[] }>('GET', consolePaths.staff),
  createStaff: (body: { username: string; displayName: string; role: StaffRole; password: string }) =>
    request<Staff>('POST', consolePaths.staff, body),
  updateStaff: (staffId: string, body: { role?: StaffRole; status?: Staff['status']; unlock?: true }) =>
    request<Staff>('PATCH', consolePaths.staffMember(staffId), body),
  setStaffPassword: (staffId: string, password: string) => request<Staff>('POST', consolePaths.staffPassword(staffId), { password }),

  audit: (query: { actorId?: string; action?: string; subjectId?: string; from?: string; to?: string; page: number; pageSize: number }) =>
    request<Page<AuditEntry>>('GET', consolePaths.audit, undefined, query),

  calendar: (year: number) => request<CalendarYearResponse>('GET', calendarPaths.calendar, undefined, { year }),
  setCalendarDay: (date: string, body: CalendarDayUpsertRequest) => request<CalendarDayUpsertResponse>('PUT', calendarPaths.calendarDay(date), body),
  clearCalendarDay: (date: string) => request<CalendarDayDeleteResponse>('DELETE', calendarPaths.calendarDay(date)),

  outboxDead: (query: { topic?: string; page: number; pageSize: number }) => request<Page<OutboxEntry>>('GET', outboxPaths.dead, undefined, query),
  retryOutbox: (id: string) => request<OutboxEntry>('POST', outboxPaths.retry(id), {}),
  retryOutboxTopic: (topic: string) => request<OutboxRetryTopicResponse>('POST', outboxPaths.retryTopic, { topic }),

  cases: (query: CaseQueueQuery) => request<Page<StaffCaseSummary>>('GET', consolePaths.cases, undefined, { ...query }),
  case: (caseNo: string) => request<StaffCaseDetail>('GET', consolePaths.case(caseNo)),
  caseAction: (caseNo: string, body: StaffCaseActionRequest) => request<StaffCaseDetail>('POST', consolePaths.caseActions(caseNo), body),
  caseUnmask: (caseNo: string, reason: string) => request<CaseUnmaskResponse>('POST', consolePaths.caseUnmask(caseNo), { reason }),
  /** Where a material is streamed (with its content type), for a link in a new tab or an inline image; the session cookie goes along. */
  caseMaterialUrl: (caseNo: string, sha256: string) => CONSOLE_API_PREFIX + consolePaths.caseMaterial(caseNo, sha256),

  casePayments: (caseNo: string) => request<{ orders: PaymentOrder[] }>('GET', consolePaths.casePayments(caseNo)),
  /** 404 SHIPMENT_NOT_FOUND: the applicant has not chosen a postal address yet. */
  caseShipment: (caseNo: string) => request<Shipment>('GET', consolePaths.caseShipment(caseNo)),
  /** `billDate` absent: findings of every day, newest first. */
  reconciliation: (query: { billDate?: string; page: number; pageSize: number }) =>
    request<Page<ReconciliationMismatch>>('GET', consolePaths.reconciliation, undefined, query),
  runReconciliation: (channel: ReconcilableChannel, billDate: string) =>
    request<{ mismatches: ReconciliationMismatch[] }>('POST', consolePaths.reconciliationRun, { channel, billDate }),

  /** The public catalogue entry of an item: form field labels and which materials allow 容缺受理. */
  catalogItem: (itemCode: string) => request<ServiceItem>('GET', apiPaths.catalogItem(itemCode), undefined, undefined, API_PREFIX),

  // Open-API partners. A `PartnerSecretIssued` carries a secret shown once: never keep it beyond its dialog.
  partners: () => request<PartnerList>('GET', consolePaths.partners),
  createPartner: (body: CreatePartnerRequest) => request<PartnerSecretIssued>('POST', consolePaths.partners, body),
  partner: (appId: string) => request<Partner>('GET', consolePaths.partner(appId)),
  /** Only the fields that changed (`buildUpdateBody`). */
  updatePartner: (appId: string, body: UpdatePartnerRequest) => request<Partner>('PATCH', consolePaths.partner(appId), body),
  /** A new current signing secret (`secret`); the old one becomes "previous" and stays valid until retired. */
  rotatePartnerSecret: (appId: string) => request<PartnerSecretIssued>('POST', consolePaths.partnerSecretRotate(appId), {}),
  /** 409 PARTNER_NO_PREVIOUS_SECRET: there is none (already retired). */
  retirePartnerSecret: (appId: string) => request<Partner>('DELETE', consolePaths.partnerSecretPrevious(appId)),
  /** A new webhook signing secret (`webhookSecret`). */
  rotatePartnerWebhookSecret: (appId: string) => request<PartnerSecretIssued>('POST', consolePaths.partnerWebhookSecretRotate(appId), {}),
  partnerProfiles: () => request<MappingProfileList>('GET', consolePaths.partnerProfiles),
  partnerWebhooks: (query: { appId?: string; status?: WebhookDeliveryStatus; caseNo?: string; page: number; pageSize: number }) =>
    request<Page<WebhookDelivery>>('GET', consolePaths.partnerWebhooks, undefined, query),
  /** Only a `dead` delivery: 409 WEBHOOK_DELIVERY_NOT_DEAD, 404 WEBHOOK_DELIVERY_NOT_FOUND. */
  retryPartnerWebhook: (deliveryId: string) => request<WebhookDelivery>('POST', consolePaths.partnerWebhookRetry(deliveryId), {}),
  /** The evidence log of open-API calls; the query comes from `callsQuery`. */
  partnerCalls: (query: Query) => request<Page<PartnerCall>>('GET', consolePaths.partnerCalls, undefined, query),
};
