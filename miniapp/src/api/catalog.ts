import {
  apiPaths,
  MAX_PAGE_SIZE,
  SEARCH_MAX_LENGTH,
  type BundleDetail,
  type BundleListResponse,
  type DomainCode,
  type DomainListResponse,
  type DomainSummary,
  type HandlingMode,
  type ItemListResponse,
  type SearchResponse,
  type ServiceItem,
} from '@onevisit/shared-types/client';
import type { RequestFn } from './client';

export interface ItemListParams {
  domain?: DomainCode;
  handlingMode?: HandlingMode;
  /** Only items with nothing to do in person (零跑腿). */
  onlineOnly?: boolean;
  page?: number;
  pageSize?: number;
}

export interface SearchParams {
  q: string;
  domain?: DomainCode;
  page?: number;
  pageSize?: number;
}

const size = (pageSize?: number) => (pageSize === undefined ? undefined : Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize))));

/** The catalogue endpoints of `/api/v1`, typed by shared-types. */
export function createCatalogApi(request: RequestFn) {
  return {
    /** The ten domains with their item counts. */
    domains: () => request<DomainListResponse>(apiPaths.catalogDomains),
    domain: (domain: string) => request<DomainSummary>(apiPaths.catalogDomain(domain)),
    /** Items, most used first. */
    items: (params: ItemListParams = {}) =>
      request<ItemListResponse>(apiPaths.catalogItems, {
        query: {
          domain: params.domain,
          handlingMode: params.handlingMode,
          // the BFF reads a string boolean; "false" is the same as leaving it out
          onlineOnly: params.onlineOnly ? 'true' : undefined,
          page: params.page,
          pageSize: size(params.pageSize),
        },
      }),
    item: (itemCode: string) => request<ServiceItem>(apiPaths.catalogItem(itemCode)),
    /** Items ranked by relevance, plus up to three matching life-event bundles. */
    search: (params: SearchParams) =>
      request<SearchResponse>(apiPaths.catalogSearch, {
        query: {
          q: params.q.trim().slice(0, SEARCH_MAX_LENGTH),
          domain: params.domain,
          page: params.page,
          pageSize: size(params.pageSize),
        },
      }),
    bundles: () => request<BundleListResponse>(apiPaths.catalogBundles),
    bundle: (bundleCode: string) => request<BundleDetail>(apiPaths.catalogBundle(bundleCode)),
  };
}

export type CatalogApi = ReturnType<typeof createCatalogApi>;
