import { useEffect } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { catalog } from '../../api';
import { ItemCard } from '../../components/ItemCard';
import { Button } from '../../components/nutui';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../components/StateView';
import { useRequest } from '../../hooks/useRequest';
import { routeParam, workingDaysLabel } from '../../utils/format';
import { applyRoutes } from '../../utils/routes';
import './index.scss';

export default function BundlePage() {
  const code = routeParam(useRouter().params.code);
  const bundle = useRequest(() => catalog.bundle(code), [code], !!code);

  useEffect(() => {
    if (bundle.data) void Taro.setNavigationBarTitle({ title: bundle.data.name });
  }, [bundle.data]);

  if (!code) return <Page><EmptyView title='缺少主题编码' /></Page>;
  if (bundle.loading && !bundle.data) return <Page><LoadingView rows={3} blocks={3} /></Page>;
  if (bundle.error) {
    return (
      <Page>
        <ErrorView error={bundle.error} onRetry={bundle.reload} />
      </Page>
    );
  }
  const b = bundle.data;
  if (!b) return <Page><EmptyView title='暂无该主题的信息' /></Page>;

  return (
    <Page className='ov-bundle ov-with-apply-bar'>
      <View className='ov-hero ov-bundle-head'>
        <Text className='ov-hero-title ov-bundle-name'>{b.name}</Text>
        <Text className='ov-hero-subtitle ov-bundle-summary'>{b.summary}</Text>
        <View className='ov-bundle-facts'>
          <View className='ov-bundle-fact'>
            <Text className='ov-bundle-fact-value'>{b.items.length}</Text>
            <Text className='ov-bundle-fact-label'>个事项一次办</Text>
          </View>
          <View className='ov-bundle-fact'>
            <Text className='ov-bundle-fact-value'>{workingDaysLabel(b.promisedLimitDays)}</Text>
            <Text className='ov-bundle-fact-label'>承诺办结时限</Text>
          </View>
        </View>
      </View>
      <Section title='包含事项' className='ov-bundle-items'>
        {b.items.length ? b.items.map((item) => <ItemCard key={item.itemCode} item={item} showDomain />) : <EmptyView title='暂无包含的事项' />}
      </Section>

      <View className='ov-apply-bar'>
        <Text className='ov-apply-bar-note bundle-apply-note'>一张表单，同时申请 {b.items.length} 个事项</Text>
        <Button
          id='bundle-apply'
          className='ov-apply-bar-button bundle-apply'
          type='primary'
          size='large'
          onClick={() => Taro.navigateTo({ url: applyRoutes.bundleForm(b.bundleCode) })}
        >
          一次办理
        </Button>
      </View>
    </Page>
  );
}
