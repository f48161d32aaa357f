/** Page URLs of the main package, built in one place so a renamed page breaks the build. */
export const routes = {
  home: '/pages/index/index',
  me: '/pages/me/index',
  catalog: (domain: string) => `/pages/catalog/index?domain=${encodeURIComponent(domain)}`,
  search: (q?: string) => (q ? `/pages/search/index?q=${encodeURIComponent(q)}` : '/pages/search/index'),
  item: (itemCode: string) => `/pages/item/index?code=${encodeURIComponent(itemCode)}`,
  bundle: (bundleCode: string) => `/pages/bundle/index?code=${encodeURIComponent(bundleCode)}`,
} as const;
