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
  authWechat: '/auth/wechat/login',
  authAlipay: '/auth/alipay/login',
  authSmsSend: '/auth/sms/send',
  authSmsLogin: '/auth/sms/login',
  authExchange: '/auth/token/exchange',
  authRefresh: '/auth/refresh',
  authLogout: '/auth/logout',
  me: '/me',
  meLinkWechat: '/me/link/wechat',
  meLinkAlipay: '/me/link/alipay',
  meLinkPhone: '/me/link/phone',
  meRealName: '/me/real-name',
  meFaceStart: '/me/face/start',
  meFaceComplete: '/me/face/complete',
  meEligibility: (itemCode: string) => `/me/eligibility/${encodeURIComponent(itemCode)}`,
} as const;

/** The console's API, under `/console/api`; its pages are served at `/console`. */
export const CONSOLE_API_PREFIX = '/console/api';
export const consolePaths = {
  login: '/auth/login',
  logout: '/auth/logout',
  session: '/auth/session',
  citizens: '/citizens',
  citizen: (userId: string) => `/citizens/${encodeURIComponent(userId)}`,
  citizenUnmask: (userId: string) => `/citizens/${encodeURIComponent(userId)}/unmask`,
  staff: '/staff',
  staffMember: (staffId: string) => `/staff/${encodeURIComponent(staffId)}`,
  staffPassword: (staffId: string) => `/staff/${encodeURIComponent(staffId)}/password`,
  audit: '/audit',
  outboxDead: '/outbox/dead',
  outboxRetry: (id: string) => `/outbox/${encodeURIComponent(id)}/retry`,
} as const;
