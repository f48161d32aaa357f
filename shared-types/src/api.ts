/**
 * Paths of the citizen API (`/api/v1`). The mini-program's client and the BFF's routes both
 * read them from here, so a renamed route breaks the build instead of a user.
 */
export const API_PREFIX = '/api/v1';

export const apiPaths = {
  catalogDomains: '/catalog/domains',
  catalogDomain: (domain: string) => `/catalog/domains/${encodeURIComponent(domain)}`,
  catalogItems: '/catalog/items',
  catalogItem: (itemCode: string) => `/catalog/items/${encodeURIComponent(itemCode)}`,
  catalogSearch: '/catalog/search',
  catalogBundles: '/catalog/bundles',
  catalogBundle: (bundleCode: string) => `/catalog/bundles/${encodeURIComponent(bundleCode)}`,
} as const;
