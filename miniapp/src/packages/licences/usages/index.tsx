import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { licences } from '../../../api';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { EmptyView, ListFooter, LoadingView } from '../../../components/StateView';
import { usePagedList } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { newestFirst, usageRow, type UsageRow } from '../../../licences/usages';
import { routeParam } from '../../../utils/format';
import { licenceRoutes } from '../../../utils/routes';
import { LicenceLoadError, LoginGate } from '../components/Gate';
import { useRefresh } from '../components/useRefresh';
import '../licences.scss';

const PAGE_SIZE = 20;

/**
 * 使用记录: who verified which licence, when and why — 时间, 用证方 (name and type), 用途, 用证事由
 * and the fields disclosed — newest first, paged; of one licence (`licenceId`) or of all.
 */
export default function LicenceUsagesPage() {
  const licenceId = routeParam(useRouter().params.licenceId) || undefined;
  const current = useSession();
  const back = licenceRoutes.usages(licenceId);
  const list = usePagedList((page) => licences.usages({ page, pageSize: PAGE_SIZE, licenceId }), [licenceId, current?.me.userId], !!current);
  useReachBottom(() => list.loadMore());
  useRefresh(list.reload, list.loading, !!current);

  if (!current) {
    return (
      <Page className='ov-licences'>
        <LoginGate title='登录后查看证照使用记录' back={back} />
      </Page>
    );
  }

  let body;
  if (list.loading) body = <LoadingView rows={3} blocks={3} />;
  else if (list.error) body = <LicenceLoadError error={list.error} onRetry={list.reload} back={back} notFound='未找到该证照的使用记录' />;
  else if (list.items.length === 0) {
    body = (
      <View className='licences-usages-empty'>
        <EmptyView title='暂无使用记录' description='核验方扫码核验或通过授权读取您的证照后，记录会显示在这里' />
      </View>
    );
  } else {
    const rows = newestFirst(list.items).map(usageRow);
    body = (
      <View className='ov-licence-list'>
        <Text className='ov-list-count licence-usages-count'>共 {list.total} 条记录</Text>
        {rows.map((r) => (
          <UsageCard key={r.key} r={r} all={!licenceId} />
        ))}
        <ListFooter list={list} />
      </View>
    );
  }

  return (
    <Page className='ov-licences'>
      <View className='ov-hero ov-licences-head'>
        <Text className='ov-hero-title'>{licenceId ? (list.items[0]?.licenceTypeName ?? '证照') : '全部证照'}使用记录</Text>
        <Text className='ov-hero-subtitle'>谁在什么时间、为什么核验了您的证照，看到了哪些信息</Text>
      </View>
      {body}
      {licenceId ? (
        <View className='ov-licences-actions'>
          <Button className='licence-usages-all' type='default' size='large' block onClick={() => void Taro.redirectTo({ url: licenceRoutes.usages() })}>
            查看全部证照的使用记录
          </Button>
        </View>
      ) : null}
    </Page>
  );
}

function UsageCard({ r, all }: { r: UsageRow; all: boolean }) {
  return (
    <View className='ov-licence-usage licence-usage' data-id={r.key}>
      <View className='ov-licence-usage-head'>
        <Text className='ov-licence-usage-party licence-usage-party'>{r.party}</Text>
        <Text className='ov-licence-usage-via'>{r.via}</Text>
      </View>
      <UsageLine label='时间' value={r.time} className='licence-usage-time' />
      {all ? <UsageLine label='证照' value={r.licence} className='licence-usage-licence' /> : null}
      <UsageLine label='用途' value={r.purpose} className='licence-usage-purpose' />
      <UsageLine label='用证事由' value={r.reason} className='licence-usage-reason' />
      <UsageLine label='披露的信息' value={r.fields} className='licence-usage-fields' />
    </View>
  );
}

function UsageLine({ label, value, className }: { label: string; value: string; className: string }) {
  return (
    <View className={`ov-licence-usage-line ${className}`}>
      <Text className='ov-licence-usage-label'>{label}</Text>
      <Text className='ov-licence-usage-value'>{value}</Text>
    </View>
  );
}
