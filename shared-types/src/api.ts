/**
 * Paths of the citizen API (`/api/v1`). The mini-program's client and the BFF's routes both
 * read them from here, so a renamed route breaks the build instead of a user.
 */
export const API_PREFIX = '/api/v1';

export const apiPaths = {
  licences: '/licences',
  licence: (licenceId: string) => `/licences/${encodeURIComponent(licenceId)}`,
  licenceReveal: (licenceId: string) => `/licences/${encodeURIComponent(licenceId)}/reveal`,
  licencePresentations: (licenceId: string) => `/licences/${encodeURIComponent(licenceId)}/presentations`,
  licenceUsages: '/licence-usages',
  licenceGrants: '/licence-grants',
  licenceGrant: (grantId: string) => `/licence-grants/${encodeURIComponent(grantId)}`,
  licenceGrantees: '/licence-grantees',
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
  meNotifications: '/me/notifications',
  uploads: '/uploads',
  applications: '/applications',
  application: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}`,
  applicationSubmit: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/submit`,
  applicationWithdraw: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/withdraw`,
  applicationSupplement: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/supplement`,
  applicationPendingMaterials: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/pending-materials`,
  bundleApplications: '/bundle-applications',
  bundleApplication: (bundleCaseNo: string) => `/bundle-applications/${encodeURIComponent(bundleCaseNo)}`,
  payments: '/payments',
  payment: (orderNo: string) => `/payments/${encodeURIComponent(orderNo)}`,
  paymentResult: (orderNo: string) => `/payments/${encodeURIComponent(orderNo)}/result`,
  applicationPayments: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/payments`,
  meAddresses: '/me/addresses',
  meAddress: (addressId: string) => `/me/addresses/${encodeURIComponent(addressId)}`,
  applicationAddress: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/address`,
  applicationShipment: (caseNo: string) => `/applications/${encodeURIComponent(caseNo)}/shipment`,
} as const;

/** The multipart field names of an upload to `apiPaths.uploads`. */
export const UPLOAD_FILE_FIELD = 'file';

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
  outboxRetryTopic: '/outbox/dead/retry-all',
  cases: '/cases',
  case: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}`,
  caseActions: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}/actions`,
  caseUnmask: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}/unmask`,
  caseMaterial: (caseNo: string, sha256: string) => `/cases/${encodeURIComponent(caseNo)}/materials/${encodeURIComponent(sha256)}`,
  casePayments: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}/payments`,
  reconciliation: '/payments/reconciliation',
  reconciliationRun: '/payments/reconciliation/run',
  caseShipment: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}/shipment`,
  partners: '/partners',
  partner: (appId: string) => `/partners/${encodeURIComponent(appId)}`,
  partnerSecretRotate: (appId: string) => `/partners/${encodeURIComponent(appId)}/secret/rotate`,
  partnerSecretPrevious: (appId: string) => `/partners/${encodeURIComponent(appId)}/secret/previous`,
  partnerWebhookSecretRotate: (appId: string) => `/partners/${encodeURIComponent(appId)}/webhook-secret/rotate`,
  partnerProfiles: '/partner-profiles',
  partnerWebhooks: '/partner-webhooks',
  partnerWebhookRetry: (deliveryId: string) => `/partner-webhooks/${encodeURIComponent(deliveryId)}/retry`,
  partnerCalls: '/partner-calls',
} as const;

/** Open API for partners and the departments' systems (`/open/v1`). */
export const OPEN_API_PREFIX = '/open/v1';
export const openPaths = {
  upstreamCallback: '/upstream/callback',
  wechatPayNotify: '/payments/wechat/notify',
  alipayNotify: '/payments/alipay/notify',
  courierPush: '/courier/push',
  catalogItems: '/catalog/items',
  cases: '/cases',
  case: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}`,
  caseBySerial: (serialNo: string) => `/cases/by-serial/${encodeURIComponent(serialNo)}`,
  caseMaterials: (caseNo: string) => `/cases/${encodeURIComponent(caseNo)}/materials`,
  events: '/events',
  licencesVerify: '/licences/verify',
  licenceGrant: (grantId: string) => `/licences/grants/${encodeURIComponent(grantId)}`,
  licenceLibraryCallback: '/licence-library/callback',
} as const;

/** The platform's public keys for presentation tokens (offline verification), and the front-desk verifier page. */
export const JWKS_PATH = '/.well-known/jwks.json';
export const VERIFIER_PAGE_PATH = '/verify';

/** Headers of a signed open-API request, and of our signed webhooks (docs/open-api.md § Signing). */
export const OPEN_API_HEADERS = {
  appId: 'X-OV-AppId',
  timestamp: 'X-OV-Timestamp',
  nonce: 'X-OV-Nonce',
  algorithm: 'X-OV-Algorithm',
  bodyHash: 'X-OV-Body-Hash',
  signature: 'X-OV-Signature',
  /** Webhooks only: the event's id, for de-duplication. */
  eventId: 'X-OV-Event-Id',
} as const;
/** A request whose timestamp is further than this from our clock is refused. */
export const OPEN_API_MAX_SKEW_SECONDS = 300;
