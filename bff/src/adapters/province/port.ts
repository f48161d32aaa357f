/**
 * The provincial government service platform (湖南省一件事一次办 / 政务服务平台) as a port: besides
 * calling our open API, the province expects us to PUSH to its own API, in its dialect —
 *
 *   - our service catalogue: every item it handles, again whenever it changes (事项目录推送);
 *   - case status changes: every citizen-visible status change of a case of such an item
 *     (办件信息汇聚).
 *
 * Payloads are the canonical open-API documents (shared-types/src/partners.ts): an item as
 * `OpenCatalogItem`, a status change as `OpenCaseEvent`. The client (`./client.ts`) puts them in
 * the province's dialect with its mapping profile and signs them as our open API signs (we are
 * the caller here, with the app id and secret the province issued to us). The simulator is
 * `sim/province.ts`.
 *
 * Both pushes are idempotent on the province's side: an item version is keyed by
 * (itemCode, updatedAt), an event by eventId — a retried push changes nothing there.
 */
import type { OpenCaseEvent, OpenCatalogItem } from '@onevisit/shared-types';

export interface ProvincePort {
  /** Pushes one item as it is now (a new version when `updatedAt` changed). */
  pushCatalogItem(item: OpenCatalogItem): Promise<void>;
  /** Pushes one status change of a case; the province de-duplicates on `eventId`. */
  pushCaseEvent(event: OpenCaseEvent): Promise<void>;
}

/** The province's paths, below its configured base URL (PROVINCE_API_BASE_URL). */
export const PROVINCE_PATHS = {
  catalogItems: '/api/v1/catalog/items',
  caseEvents: '/api/v1/cases/events',
} as const;
