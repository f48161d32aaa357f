import { useEffect, useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { HANDLING_MODE_NAMES, type DomainCode, type HandlingMode } from '@onevisit/shared-types/client';
import { catalog } from '../../api';
import { ItemCard } from '../../components/ItemCard';
import { Page } from '../../components/Page';
import { Pill } from '../../components/Pill';
import { EmptyView, ErrorView, ListFooter, LoadingView } from '../../components/StateView';
import { usePagedList, useRequest } from '../../hooks/useRequest';
import { findDomain } from '../../utils/domains';
import { routeParam } from '../../utils/format';
import './index.scss';

const PAGE_SIZE = 20;
const MODES = Object.keys(HANDLING_MODE_NAMES) as HandlingMode[];

export default function CatalogPage() {
  const router = useRouter();
  const code = routeParam(router.params.domain);
  const known = findDomain(code);
  const [mode, setMode] = useState<HandlingMode | undefined>(undefined);
  const [onlineOnly, setOnlineOnly] = useState(false);

  // Name and description are known locally; the summary adds the count and proves the domain exists.
  const summary = useRequest(() => catalog.domain(code), [code], !!code);
  const list = usePagedList(
    (page) => catalog.items({ domain: code as DomainCode, handlingMode: mode, onlineOnly, page, pageSize: PAGE_SIZE }),
    [code, mode, onlineOnly],
    !!known,
  );

  useEffect(() => {
    const title = summary.data?.name ?? known?.name;
    if (title) void Taro.setNavigationBarTitle({ title });
  }, [summary.data, known]);

  useReachBottom(() => list.loadMore());

  if (!known) {
    return (
      <Page>
        <EmptyView title='未找到该业务领域' description={code ? `领域代码：${code}` : '缺少领域参数'} />
      </Page>
    );
  }

  return (
    <Page className='ov-catalog'>
      <View className='ov-hero'>
        <Text className='ov-hero-title ov-catalog-title'>{summary.data?.name ?? known.name}</Text>
        <Text className='ov-hero-subtitle'>{summary.data?.description ?? known.description}</Text>
        {summary.data ? <Text className='ov-hero-subtitle'>共 {summary.data.itemCount} 项服务事项</Text> : null}
      </View>

      <View className='ov-filters'>
        <Pill size='large' tone={mode === undefined ? 'solid' : 'gray'} className={`ov-chip${mode === undefined ? ' ov-chip--on' : ''}`} onClick={() => setMode(undefined)}>
          {mode === undefined ? '✓ 全部' : '全部'}
        </Pill>
        {MODES.map((m) => (
          <Pill key={m} size='large' tone={mode === m ? 'solid' : 'gray'} className={`ov-chip${mode === m ? ' ov-chip--on' : ''}`} onClick={() => setMode(m)}>
            {mode === m ? `✓ ${HANDLING_MODE_NAMES[m]}` : HANDLING_MODE_NAMES[m]}
          </Pill>
        ))}
        <View className='ov-filter-divider' />
        <Pill size='large' tone={onlineOnly ? 'solid' : 'green'} className={`ov-chip ov-chip-online${onlineOnly ? ' ov-chip--on' : ''}`} onClick={() => setOnlineOnly(!onlineOnly)}>
          {onlineOnly ? '✓ 零跑腿' : '零跑腿'}
        </Pill>
      </View>

      {summary.error ? (
        <ErrorView error={summary.error} onRetry={() => (summary.reload(), list.reload())} />
      ) : list.loading ? (
        <LoadingView rows={2} blocks={4} />
      ) : list.error ? (
        <ErrorView error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        <EmptyView title='暂无符合条件的事项' description='换个筛选条件试试' />
      ) : (
        <View className='ov-list'>
          <Text className='ov-list-count'>共 {list.total} 项</Text>
          {list.items.map((item) => (
            <ItemCard key={item.itemCode} item={item} />
          ))}
          <ListFooter list={list} />
        </View>
      )}
    </Page>
  );
}
