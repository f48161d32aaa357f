/**
 * Main package: the catalogue a citizen browses before logging in (home, domain list, search,
 * item guide, bundle) and the "我的" tab. It must stay well under WeChat's 2 MB main-package
 * limit (our build fails above 1 MB, see scripts/build-miniapp.mjs).
 *
 * Later capabilities are subpackages under `src/packages/<capability>/`, each with its own pages,
 * e.g. `{ root: 'packages/<capability>', pages: ['form/index'] }`; add them to `subPackages`
 * below (and, if a main-package page opens one, to `preloadRule`). Modules only a subpackage uses
 * are kept out of the main package by `mini.optimizeMainPackage`.
 */
const subPackages: { root: string; pages: string[] }[] = [
  // login, real-name (L2) and face (L3): reached from 我的 and from item guides
  { root: 'packages/identity', pages: ['login/index', 'real-name/index', 'face/index'] },
  // online application: the form (item, bundle or draft), the review before submitting, the result
  { root: 'packages/apply', pages: ['form/index', 'review/index', 'result/index'] },
  // 我的办件: the list, a case's detail (supplement, pending materials, withdraw), a bundle's progress, notification settings
  { root: 'packages/cases', pages: ['list/index', 'detail/index', 'bundle/index', 'notifications/index'] },
  // 缴费: the fee lines and the platform's payment (WeChat Pay / Alipay / WeChat Pay H5), then the confirmed result
  { root: 'packages/pay', pages: ['pay/index', 'result/index'] },
  // 收货地址: the address book (list, add / edit); the list also picks a posted case's address
  { root: 'packages/addresses', pages: ['list/index', 'edit/index'] },
  // 电子证照: the wallet, a licence (reveal after a fresh face check), 亮证 (QR), usage records, grants and the grant form
  { root: 'packages/licences', pages: ['wallet/index', 'detail/index', 'present/index', 'usages/index', 'grants/index', 'grant-new/index'] },
]

/** Subpackages downloaded in the background once a main-package page has opened. */
const preloadRule = {
  'pages/me/index': { network: 'all' as const, packages: ['packages/identity', 'packages/cases', 'packages/addresses', 'packages/licences'] },
  'pages/item/index': { network: 'all' as const, packages: ['packages/apply'] },
  'pages/bundle/index': { network: 'all' as const, packages: ['packages/apply'] },
  // a case awaiting payment opens the pay page from its detail and from the submission result;
  // a posted case opens the address book from its detail
  'packages/cases/detail/index': { network: 'all' as const, packages: ['packages/pay', 'packages/addresses'] },
  'packages/apply/result/index': { network: 'all' as const, packages: ['packages/pay'] },
}

export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/catalog/index',
    'pages/search/index',
    'pages/item/index',
    'pages/bundle/index',
    'pages/me/index',
  ],
  ...(subPackages.length ? { subPackages, preloadRule } : {}),
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f7fa',
    navigationBarBackgroundColor: '#1677ff',
    navigationBarTitleText: process.env.TARO_APP_TITLE ?? 'OneVisit 公安一网通办',
    navigationBarTextStyle: 'white',
  },
  tabBar: {
    color: '#8a8f99',
    selectedColor: '#1677ff',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/index/index',
        text: '首页',
        iconPath: 'assets/tabbar/home.png',
        selectedIconPath: 'assets/tabbar/home-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tabbar/me.png',
        selectedIconPath: 'assets/tabbar/me-active.png',
      },
    ],
  },
})
