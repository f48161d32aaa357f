export default definePageConfig({
  navigationBarTitleText: process.env.TARO_APP_TITLE ?? 'OneVisit 公安一网通办',
});
