import {
  apiPaths,
  MAX_PAGE_SIZE,
  type CreateGrantRequest,
  type CreatePresentationRequest,
  type GranteeList,
  type LicenceDetail,
  type LicenceGrant,
  type LicenceList,
  type LicenceUsage,
  type Page,
  type Presentation,
} from '@onevisit/shared-types/client';
import type { RequestFn } from './client';

export interface LicenceUsageParams {
  page?: number;
  pageSize?: number;
  /** Only the records of one licence. */
  licenceId?: string;
}

/** A grant of one licence (`licenceId`) to one partner. */
export type CreateGrantBody = CreateGrantRequest;

/** Creating a presentation signs a token; a grant writes a row: a little longer than a read. */
const WRITE_TIMEOUT_MS = 15_000;
const size = (pageSize?: number) => (pageSize === undefined ? undefined : Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize))));

/**
 * The citizen's electronic licences (电子证照) under `/api/v1/licences`, `/licence-usages`,
 * `/licence-grants` and `/licence-grantees`, all as the logged-in citizen. Every read needs L3
 * (403 IDENTITY_LEVEL_REQUIRED otherwise); `reveal` also needs a recent face check (403
 * FRESH_FACE_REQUIRED).
 */
export function createLicencesApi(authed: RequestFn) {
  return {
    /** The wallet: every licence of the citizen, personal data masked. */
    list: () => authed<LicenceList>(apiPaths.licences),
    /** One licence with its surface fields, masked. */
    get: (licenceId: string) => authed<LicenceDetail>(apiPaths.licence(licenceId)),
    /** The same licence unmasked (`masked: false`), within minutes of a face check. */
    reveal: (licenceId: string) => authed<LicenceDetail>(apiPaths.licenceReveal(licenceId), { method: 'POST', data: {}, timeoutMs: WRITE_TIMEOUT_MS }),
    /** 亮证: a short-lived signed token (≤ 60 s) disclosing what the purpose allows (custom: `fields`). */
    present: (licenceId: string, body: CreatePresentationRequest) =>
      authed<Presentation>(apiPaths.licencePresentations(licenceId), { method: 'POST', data: body, timeoutMs: WRITE_TIMEOUT_MS }),
    /** Who verified which licence, when and why: newest first. */
    usages: (params: LicenceUsageParams = {}) =>
      authed<Page<LicenceUsage>>(apiPaths.licenceUsages, {
        query: { page: params.page, pageSize: size(params.pageSize), licenceId: params.licenceId },
      }),
    /** Partners a citizen may grant a licence to. */
    grantees: () => authed<GranteeList>(apiPaths.licenceGrantees),
    grants: () => authed<{ grants: LicenceGrant[] }>(apiPaths.licenceGrants),
    /** Safe to repeat with the same idempotencyKey: the BFF answers the grant it made. */
    createGrant: (body: CreateGrantBody) => authed<LicenceGrant>(apiPaths.licenceGrants, { method: 'POST', data: body, timeoutMs: WRITE_TIMEOUT_MS }),
    /** Ends a grant at once; answers it as revoked. */
    revokeGrant: (grantId: string) => authed<LicenceGrant>(apiPaths.licenceGrant(grantId), { method: 'DELETE', timeoutMs: WRITE_TIMEOUT_MS }),
  };
}
export type LicencesApi = ReturnType<typeof createLicencesApi>;
