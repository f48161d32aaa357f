import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ApplicationSummary } from '@onevisit/shared-types/client';
import { applications, type ApplicationListStatus } from '../../../api';
import { Deadline, StatePill } from '../../../applications/CaseBits';
import { CASE_TABS, parseListStatus } from '../../../applications/caseView';
import { shanghaiDateTime } from '../../../applications/dates';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { EmptyView, ErrorView, ListFooter, LoadingView } from '../../../components/StateView';
import { usePagedList } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { routeParam } from '../../../utils/format';
import { goToStep } from '../../../utils/navigation';
import { caseRoutes, routes } from '../../../utils/routes';
import '../cases.scss';

const PAGE_SIZE = 10;

/** 我的办件: the citizen's applications, newest first, filtered 全部 / 办理中 / 已办结; pull down to refresh. */
export default function CaseListPage() {
  const current = useSession();
  const [status, setStatus] = useState<ApplicationListStatus>(parseListStatus(routeParam(useRouter().params.status)));
  const list = usePagedList((page) => applications.list({ status, page, pageSize: PAGE_SIZE }), [status, current?.me.userId], !!current);
  const shown = useRef(false);
  const refreshing = useRef(false);

  useReachBottom(() => list.loadMore());
  usePullDownRefresh(() => {
    refreshing.current = true;
    list.reload();
  });
  useEffect(() => {
    if (!list.loading && refreshing.current) {
      refreshing.current = false;
      void Taro.stopPullDownRefresh();
    }
  }, [list.loading]);
  // back from a case (withdrawn, supplemented): the list is refreshed
  useDidShow(() => {
    if (shown.current && current) list.reload();
    shown.current = true;
  });

  if (!current) {
    return (
      <Page className='ov-cases'>
        <EmptyView title='登录后查看我的办件' description='您在网上提交的申请、办理进度和结果都在这里' />
        <View className='ov-cases-actions'>
          <Button id='cases-login' className='cases-login' type='primary' size='large' block onClick={() => goToStep('login', caseRoutes.list(status))}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }

  return (
    <Page className='ov-cases'>
      <View className='ov-cases-tabs' role='tablist'>
        {CASE_TABS.map((t) => (
          <View
            key={t.status}
            className={`ov-cases-tab cases-tab-${t.status}${status === t.status ? ' ov-cases-tab--on' : ''}`}
            role='tab'
            aria-selected={status === t.status}
            onClick={() => setStatus(t.status)}
          >
            <Text>{t.title}</Text>
          </View>
        ))}
      </View>

      {list.loading ? (
        <LoadingView rows={2} blocks={3} />
      ) : list.error ? (
        <ErrorView error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        <View className='cases-empty'>
          <EmptyView
            title={status === 'closed' ? '暂无已办结的办件' : status === 'open' ? '暂无办理中的办件' : '您还没有办件'}
            description='在事项的办事指南中点击“在线办理”即可申请'
          />
          <View className='ov-cases-actions'>
            <Button className='cases-go-home' type='primary' fill='outline' size='large' block onClick={() => Taro.switchTab({ url: routes.home })}>
              去找事项办理
            </Button>
          </View>
        </View>
      ) : (
        <View className='ov-list'>
          <Text className='ov-list-count ov-cases-count'>共 {list.total} 件</Text>
          {list.items.map((c) => (
            <CaseCard key={c.caseNo} c={c} />
          ))}
          <ListFooter list={list} />
        </View>
      )}
    </Page>
  );
}

function CaseCard({ c }: { c: ApplicationSummary }) {
  return (
    <View className='ov-case-card case-card' hoverClass='ov-case-card--pressed' onClick={() => Taro.navigateTo({ url: caseRoutes.detail(c.caseNo) })}>
      <View className='ov-case-card-head'>
        <Text className='ov-case-card-name'>{c.itemName}</Text>
        <StatePill state={c.state} />
      </View>
      <Text className='ov-case-card-no case-card-no'>办件编号 {c.caseNo}</Text>
      <Text className='ov-case-card-time'>{c.submittedAt ? `提交于 ${shanghaiDateTime(c.submittedAt)}` : `创建于 ${shanghaiDateTime(c.createdAt)}`}</Text>
      <View className='ov-case-card-foot'>
        {c.greenChannel ? <Text className='ov-case-card-tag'>绿色通道</Text> : null}
        {c.bundleCaseNo ? <Text className='ov-case-card-tag'>一件事</Text> : null}
        {c.deadline ? <Deadline deadline={c.deadline} compact /> : null}
      </View>
    </View>
  );
}
