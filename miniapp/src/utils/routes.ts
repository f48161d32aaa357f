/** Page URLs, built in one place so a renamed page breaks the build. */
export const routes = {
  home: '/pages/index/index',
  me: '/pages/me/index',
  catalog: (domain: string) => `/pages/catalog/index?domain=${encodeURIComponent(domain)}`,
  search: (q?: string) => (q ? `/pages/search/index?q=${encodeURIComponent(q)}` : '/pages/search/index'),
  item: (itemCode: string) => `/pages/item/index?code=${encodeURIComponent(itemCode)}`,
  bundle: (bundleCode: string) => `/pages/bundle/index?code=${encodeURIComponent(bundleCode)}`,
} as const;

/** The identity subpackage (`src/packages/identity`, registered in app.config.ts). */
export const IDENTITY_ROOT = 'packages/identity';
export const IDENTITY_PAGES = ['login/index', 'real-name/index', 'face/index'] as const;

/** Main-package pages, in app.config.ts order (the first is the home page). */
export const MAIN_PAGES = [
  'pages/index/index',
  'pages/catalog/index',
  'pages/search/index',
  'pages/item/index',
  'pages/bundle/index',
  'pages/me/index',
] as const;

/** Tab-bar pages: reached with switchTab, which takes no query. */
export const TAB_PAGES: readonly string[] = ['pages/index/index', 'pages/me/index'];

/** Every page of the app (main package and subpackages), without leading slash. */
export const KNOWN_PAGES: readonly string[] = [...MAIN_PAGES, ...IDENTITY_PAGES.map((p) => `${IDENTITY_ROOT}/${p}`)];

const withRedirect = (page: string, redirect?: string) =>
  redirect ? `/${IDENTITY_ROOT}/${page}?redirect=${encodeURIComponent(redirect)}` : `/${IDENTITY_ROOT}/${page}`;

/** Identity steps; `redirect` is where the citizen returns afterwards (an internal page URL). */
export const identityRoutes = {
  login: (redirect?: string) => withRedirect('login/index', redirect),
  realName: (redirect?: string) => withRedirect('real-name/index', redirect),
  face: (redirect?: string) => withRedirect('face/index', redirect),
} as const;
