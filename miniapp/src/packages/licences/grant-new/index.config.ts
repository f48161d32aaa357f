export default definePageConfig({
  navigationBarTitleText: '新增授权',
  backgroundTextStyle: 'dark',
});
