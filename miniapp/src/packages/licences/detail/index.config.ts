export default definePageConfig({
  navigationBarTitleText: '证照详情',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
