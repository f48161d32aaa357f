export default definePageConfig({
  navigationBarTitleText: '授权使用',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
