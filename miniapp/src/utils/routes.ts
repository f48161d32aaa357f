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

/** Online application (办件申请): form → review → result (`src/packages/apply`). */
export const APPLY_ROOT = 'packages/apply';
export const APPLY_PAGES = ['form/index', 'review/index', 'result/index'] as const;

/** My applications: list, case detail, bundle progress, notification settings (`src/packages/cases`). */
export const CASES_ROOT = 'packages/cases';
export const CASES_PAGES = ['list/index', 'detail/index', 'bundle/index', 'notifications/index'] as const;

/** 缴费: the pay page of a case and the result of an order (`src/packages/pay`). */
export const PAY_ROOT = 'packages/pay';
export const PAY_PAGES = ['pay/index', 'result/index'] as const;

/** 收货地址: the address book and its form (`src/packages/addresses`); the list also picks a case's address. */
export const ADDRESSES_ROOT = 'packages/addresses';
export const ADDRESSES_PAGES = ['list/index', 'edit/index'] as const;

/**
 * 电子证照: the wallet, a licence's detail (reveal), 亮证 (QR), usage records, grants and the grant
 * form (`src/packages/licences`).
 */
export const LICENCES_ROOT = 'packages/licences';
export const LICENCES_PAGES = ['wallet/index', 'detail/index', 'present/index', 'usages/index', 'grants/index', 'grant-new/index'] as const;

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
export const KNOWN_PAGES: readonly string[] = [
  ...MAIN_PAGES,
  ...IDENTITY_PAGES.map((p) => `${IDENTITY_ROOT}/${p}`),
  ...APPLY_PAGES.map((p) => `${APPLY_ROOT}/${p}`),
  ...CASES_PAGES.map((p) => `${CASES_ROOT}/${p}`),
  ...PAY_PAGES.map((p) => `${PAY_ROOT}/${p}`),
  ...ADDRESSES_PAGES.map((p) => `${ADDRESSES_ROOT}/${p}`),
  ...LICENCES_PAGES.map((p) => `${LICENCES_ROOT}/${p}`),
];

const withRedirect = (page: string, redirect?: string) =>
  redirect ? `/${IDENTITY_ROOT}/${page}?redirect=${encodeURIComponent(redirect)}` : `/${IDENTITY_ROOT}/${page}`;

/**
 * Identity steps; `redirect` is where the citizen returns afterwards (an internal page URL).
 * `face(redirect, true)`: a fresh face check asked for by an action (查看完整证照信息), even at L3.
 */
export const identityRoutes = {
  login: (redirect?: string) => withRedirect('login/index', redirect),
  realName: (redirect?: string) => withRedirect('real-name/index', redirect),
  face: (redirect?: string, fresh?: boolean) => {
    const url = withRedirect('face/index', redirect);
    return fresh ? `${url}${url.includes('?') ? '&' : '?'}fresh=1` : url;
  },
} as const;

const q = (params: Record<string, string | undefined>) => {
  const parts = Object.keys(params)
    .filter((k) => params[k])
    .map((k) => `${k}=${encodeURIComponent(params[k]!)}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

/** The application pages. The form takes an item, a bundle, or a draft case to complete. */
export const applyRoutes = {
  itemForm: (itemCode: string) => `/${APPLY_ROOT}/form/index${q({ itemCode })}`,
  bundleForm: (bundleCode: string) => `/${APPLY_ROOT}/form/index${q({ bundleCode })}`,
  draftForm: (itemCode: string, caseNo: string) => `/${APPLY_ROOT}/form/index${q({ itemCode, caseNo })}`,
  review: (target: string) => `/${APPLY_ROOT}/review/index${q({ target })}`,
  result: (params: { caseNo?: string; bundleCaseNo?: string }) => `/${APPLY_ROOT}/result/index${q(params)}`,
} as const;

export const caseRoutes = {
  list: (status?: 'all' | 'open' | 'closed') => `/${CASES_ROOT}/list/index${q({ status: status === 'all' ? undefined : status })}`,
  detail: (caseNo: string) => `/${CASES_ROOT}/detail/index${q({ caseNo })}`,
  bundle: (bundleCaseNo: string) => `/${CASES_ROOT}/bundle/index${q({ bundleCaseNo })}`,
  notifications: `/${CASES_ROOT}/notifications/index`,
} as const;

/**
 * Paying a case. `outcome` is what the platform's payment sheet said (WeChat / Alipay); the H5
 * cashier returns to the result page without one, which the page reports as `unknown`.
 */
export const payRoutes = {
  pay: (caseNo: string) => `/${PAY_ROOT}/pay/index${q({ caseNo })}`,
  result: (orderNo: string, outcome?: 'success' | 'unknown') => `/${PAY_ROOT}/result/index${q({ orderNo, outcome })}`,
} as const;

/**
 * The address book. `list({ caseNo })` is the select mode: tapping 寄到这里 posts the case's
 * result there and returns to the case. `edit()` adds an address; `edit({ addressId })` edits one
 * (`isDefault` pre-ticks 设为默认地址).
 */
export const addressRoutes = {
  list: (select?: { caseNo: string }) => `/${ADDRESSES_ROOT}/list/index${q(select ? { select: '1', caseNo: select.caseNo } : {})}`,
  edit: (params: { addressId?: string; isDefault?: boolean; caseNo?: string } = {}) =>
    `/${ADDRESSES_ROOT}/edit/index${q({ addressId: params.addressId, default: params.isDefault ? '1' : undefined, caseNo: params.caseNo })}`,
} as const;

/**
 * 电子证照. `licenceId` is a GB/T 36904 identifier (digits, letters and dots). Usage records and
 * grants list every licence without one; the grant form needs one.
 */
export const licenceRoutes = {
  wallet: `/${LICENCES_ROOT}/wallet/index`,
  detail: (licenceId: string) => `/${LICENCES_ROOT}/detail/index${q({ licenceId })}`,
  present: (licenceId: string) => `/${LICENCES_ROOT}/present/index${q({ licenceId })}`,
  usages: (licenceId?: string) => `/${LICENCES_ROOT}/usages/index${q({ licenceId })}`,
  grants: (licenceId?: string) => `/${LICENCES_ROOT}/grants/index${q({ licenceId })}`,
  grantNew: (licenceId: string) => `/${LICENCES_ROOT}/grant-new/index${q({ licenceId })}`,
} as const;
