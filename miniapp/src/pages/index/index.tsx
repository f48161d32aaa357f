import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DOMAINS } from '@onevisit/shared-types/client';
import { catalog } from '../../api';
import { ItemCard } from '../../components/ItemCard';
import { Grid } from '../../components/nutui';
import { Page } from '../../components/Page';
import { SearchBox } from '../../components/SearchBox';
import { Section } from '../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../components/StateView';
import { useRequest } from '../../hooks/useRequest';
import { routes } from '../../utils/routes';
import './index.scss';

const POPULAR_COUNT = 8;

export default function Home() {
  const [q, setQ] = useState('');
  const domains = useRequest(() => catalog.domains(), []);
  const popular = useRequest(() => catalog.items({ page: 1, pageSize: POPULAR_COUNT }), []);
  const bundles = useRequest(() => catalog.bundles(), []);

  const search = (text: string) => {
    const query = text.trim();
    void Taro.navigateTo({ url: routes.search(query || undefined) });
  };

  // The grid comes from shared-types at once; counts arrive from the BFF.
  const counts = new Map(domains.data?.domains.map((d) => [d.code, d.itemCount]) ?? []);

  return (
    <Page className='ov-home'>
      <View className='ov-hero'>
        <Text className='ov-hero-title'>{APP_TITLE}</Text>
        <Text className='ov-hero-subtitle'>最多跑一次 · 能网办的不跑腿</Text>
        <View className='ov-home-search'>
          <SearchBox value={q} onChange={setQ} onSearch={search} />
        </View>
      </View>

      <Section title='业务分类' className='ov-home-domains'>
        <Grid className='ov-domain-grid' columns={5} gap={0}>
          {DOMAINS.map((d) => (
            <Grid.Item
              key={d.code}
              className='ov-domain'
              text={
                <View className='ov-domain-text'>
                  <Text className='ov-domain-name'>{d.name}</Text>
                  <Text className='ov-domain-count'>{counts.has(d.code) ? `${counts.get(d.code)} 项` : ' '}</Text>
                </View>
              }
              onClick={() => Taro.navigateTo({ url: routes.catalog(d.code) })}
            >
              <View className={`ov-domain-icon ov-domain-icon--${d.code}`}>{d.name.slice(0, 1)}</View>
            </Grid.Item>
          ))}
        </Grid>
        {domains.error ? <Text className='ov-home-note'>事项数量暂时无法获取</Text> : null}
      </Section>

      <Section title='高频事项' className='ov-home-popular'>
        {popular.loading && !popular.data ? (
          <LoadingView rows={2} blocks={2} />
        ) : popular.error ? (
          <ErrorView error={popular.error} onRetry={popular.reload} compact />
        ) : popular.data && popular.data.items.length ? (
          popular.data.items.map((item) => <ItemCard key={item.itemCode} item={item} showDomain />)
        ) : (
          <EmptyView title='暂无事项' />
        )}
      </Section>

      <Section title='一件事 · 主题服务' className='ov-home-bundles'>
        {bundles.loading && !bundles.data ? (
          <LoadingView rows={2} />
        ) : bundles.error ? (
          <ErrorView error={bundles.error} onRetry={bundles.reload} compact />
        ) : bundles.data && bundles.data.bundles.length ? (
          bundles.data.bundles.map((b) => (
            <View key={b.bundleCode} className='ov-bundle-card' onClick={() => Taro.navigateTo({ url: routes.bundle(b.bundleCode) })}>
              <View className='ov-bundle-card-head'>
                <Text className='ov-bundle-card-name'>{b.name}</Text>
                <Text className='ov-bundle-card-days'>{b.promisedLimitDays === 0 ? '即办' : `${b.promisedLimitDays} 个工作日`}</Text>
              </View>
              <Text className='ov-bundle-card-summary'>{b.summary}</Text>
            </View>
          ))
        ) : (
          <EmptyView title='暂无主题服务' />
        )}
      </Section>
    </Page>
  );
}
