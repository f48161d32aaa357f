export default definePageConfig({
  navigationBarTitleText: '亮证',
  backgroundTextStyle: 'dark',
  disableScroll: false,
});
