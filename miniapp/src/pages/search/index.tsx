import { useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { catalog } from '../../api';
import { ItemCard } from '../../components/ItemCard';
import { Page } from '../../components/Page';
import { Pill } from '../../components/Pill';
import { SearchBox } from '../../components/SearchBox';
import { Section } from '../../components/Section';
import { EmptyView, ErrorView, ListFooter, LoadingView } from '../../components/StateView';
import { usePagedList } from '../../hooks/useRequest';
import { routeParam } from '../../utils/format';
import { routes } from '../../utils/routes';
import './index.scss';

const PAGE_SIZE = 20;
/** What citizens look for most; shown before they type. */
const HOT_SEARCHES = ['身份证', '挪车', '无犯罪记录证明', '港澳签注', '驾驶证换证', '居住证'];

export default function SearchPage() {
  const router = useRouter();
  const initial = routeParam(router.params.q).trim();
  const [text, setText] = useState(initial);
  // The query actually searched: set on confirm, on 搜索, or by a hot-search tag.
  const [query, setQuery] = useState(initial);

  const results = usePagedList((page) => catalog.search({ q: query, page, pageSize: PAGE_SIZE }), [query], query.length > 0);
  useReachBottom(() => results.loadMore());

  const run = (value: string) => {
    const q = value.trim();
    setText(q);
    setQuery(q);
  };
  const change = (value: string) => {
    setText(value);
    if (!value.trim()) setQuery('');
  };

  const bundles = results.first?.bundles ?? [];

  return (
    <Page className='ov-search'>
      <View className='ov-search-head'>
        <SearchBox value={text} onChange={change} onSearch={run} autoFocus />
      </View>

      {!query ? (
        <Section title='热门搜索' className='ov-hot'>
          <View className='ov-hot-tags'>
            {HOT_SEARCHES.map((h) => (
              <Pill key={h} size='large' tone='gray' className='ov-hot-tag' onClick={() => run(h)}>
                {h}
              </Pill>
            ))}
          </View>
        </Section>
      ) : results.loading ? (
        <LoadingView rows={2} blocks={4} />
      ) : results.error ? (
        <ErrorView error={results.error} onRetry={results.reload} />
      ) : results.items.length === 0 && bundles.length === 0 ? (
        <EmptyView title={`未找到与“${query}”相关的事项`} description='换个说法试试，如“丢了身份证”“挪车”' />
      ) : (
        <View className='ov-list'>
          {bundles.length ? (
            <View className='ov-search-bundles'>
              <Text className='ov-search-caption'>一件事 · 主题服务</Text>
              {bundles.map((b) => (
                <View key={b.bundleCode} className='ov-search-bundle' onClick={() => Taro.navigateTo({ url: routes.bundle(b.bundleCode) })}>
                  <Text className='ov-search-bundle-name'>{b.name}</Text>
                  <Text className='ov-search-bundle-summary'>{b.summary}</Text>
                </View>
              ))}
            </View>
          ) : null}
          <Text className='ov-search-caption'>找到 {results.total} 项相关事项</Text>
          {results.items.map((hit) => (
            <ItemCard key={hit.itemCode} item={hit} query={query} matchedText={hit.matchedBy === 'name' ? undefined : hit.matchedText} showDomain />
          ))}
          {results.items.length ? <ListFooter list={results} /> : null}
        </View>
      )}
    </Page>
  );
}
