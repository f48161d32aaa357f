export default definePageConfig({
  navigationBarTitleText: '一件事办理进度',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
