export default definePageConfig({
  navigationBarTitleText: '电子证照',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
