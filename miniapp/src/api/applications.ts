import {
  apiPaths,
  MAX_PAGE_SIZE,
  type AnswerSupplementRequest,
  type ApplicationDetail,
  type ApplicationSummary,
  type BundleApplication,
  type CreateApplicationRequest,
  type CreateBundleApplicationRequest,
  type NotificationPreferences,
  type Page,
  type SupplyPendingMaterialRequest,
  type UpdateDraftRequest,
} from '@onevisit/shared-types/client';
import type { RequestFn } from './client';

/** `open` = not in a final state; `closed` = final (办结, 不予受理, 不予批准, 撤回). */
export type ApplicationListStatus = 'all' | 'open' | 'closed';

export interface ApplicationListParams {
  status?: ApplicationListStatus;
  page?: number;
  pageSize?: number;
}

/** Submitting may wait for the case number and the first outbox row: a little longer than a read. */
const WRITE_TIMEOUT_MS = 20_000;

const post = (data: unknown) => ({ method: 'POST' as const, data, timeoutMs: WRITE_TIMEOUT_MS });
const size = (pageSize?: number) => (pageSize === undefined ? undefined : Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize))));

/**
 * The citizen's applications (办件) under `/api/v1/applications` and `/bundle-applications`, all
 * as the logged-in citizen (`authed`). Every write carries what makes it safe to retry: the
 * create calls their `idempotencyKey`, the others are no-ops when repeated (see shared-types).
 */
export function createApplicationsApi(authed: RequestFn) {
  return {
    list: (params: ApplicationListParams = {}) =>
      authed<Page<ApplicationSummary>>(apiPaths.applications, {
        query: { status: params.status ?? 'all', page: params.page, pageSize: size(params.pageSize) },
      }),
    get: (caseNo: string) => authed<ApplicationDetail>(apiPaths.application(caseNo)),
    /** 201 with the new case, or 200 with the same case when `idempotencyKey` was seen before. */
    create: (body: CreateApplicationRequest) => authed<ApplicationDetail>(apiPaths.applications, post(body)),
    /** Updates a draft and (with `submit`, the default) submits it. */
    submitDraft: (caseNo: string, body: UpdateDraftRequest) => authed<ApplicationDetail>(apiPaths.applicationSubmit(caseNo), post(body)),
    withdraw: (caseNo: string, reason?: string) => {
      const r = reason?.trim();
      return authed<ApplicationDetail>(apiPaths.applicationWithdraw(caseNo), post(r ? { reason: r } : {}));
    },
    /** 补正: answers the open supplement request. */
    answerSupplement: (caseNo: string, body: AnswerSupplementRequest) => authed<ApplicationDetail>(apiPaths.applicationSupplement(caseNo), post(body)),
    /** 容缺: supplies a material promised for later. */
    supplyPendingMaterial: (caseNo: string, body: SupplyPendingMaterialRequest) =>
      authed<ApplicationDetail>(apiPaths.applicationPendingMaterials(caseNo), post(body)),
    createBundle: (body: CreateBundleApplicationRequest) => authed<BundleApplication>(apiPaths.bundleApplications, post(body)),
    bundle: (bundleCaseNo: string) => authed<BundleApplication>(apiPaths.bundleApplication(bundleCaseNo)),
  };
}
export type ApplicationsApi = ReturnType<typeof createApplicationsApi>;

/** Which channels tell the citizen about their cases (`/api/v1/me/notifications`). */
export function createNotificationsApi(authed: RequestFn) {
  return {
    get: () => authed<NotificationPreferences>(apiPaths.meNotifications),
    /** Changes only the channels given; answers with all of them. */
    update: (patch: Partial<NotificationPreferences>) => authed<NotificationPreferences>(apiPaths.meNotifications, { method: 'PUT', data: patch }),
  };
}
export type NotificationsApi = ReturnType<typeof createNotificationsApi>;
