import { useEffect, useRef } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { BUNDLE_PROGRESS_NAMES, type ApplicationSummary, type BundleApplication } from '@onevisit/shared-types/client';
import { applications, isApiError } from '../../../api';
import { Deadline, StatePill, UpstreamLine } from '../../../applications/CaseBits';
import { shanghaiDateTime } from '../../../applications/dates';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { routeParam } from '../../../utils/format';
import { goToStep } from '../../../utils/navigation';
import { caseRoutes } from '../../../utils/routes';
import '../cases.scss';

/** A life-event bundle's progress: overall (done of total) and per item, each leading to its case. */
export default function BundleProgressPage() {
  const bundleCaseNo = routeParam(useRouter().params.bundleCaseNo);
  const current = useSession();
  const bundle = useRequest(() => applications.bundle(bundleCaseNo), [bundleCaseNo, current?.me.userId], !!bundleCaseNo && !!current);
  const shown = useRef(false);
  const refreshing = useRef(false);

  usePullDownRefresh(() => {
    refreshing.current = true;
    bundle.reload();
  });
  useEffect(() => {
    if (!bundle.loading && refreshing.current) {
      refreshing.current = false;
      void Taro.stopPullDownRefresh();
    }
  }, [bundle.loading]);
  useDidShow(() => {
    if (shown.current && current && bundleCaseNo) bundle.reload();
    shown.current = true;
  });

  if (!bundleCaseNo) return <Page className='ov-cases'><EmptyView title='缺少办件编号' /></Page>;
  if (!current) {
    return (
      <Page className='ov-cases'>
        <EmptyView title='登录后查看办理进度' />
        <View className='ov-cases-actions'>
          <Button className='cases-login' type='primary' size='large' block onClick={() => goToStep('login', caseRoutes.bundle(bundleCaseNo))}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }
  if (bundle.loading && !bundle.data) return <Page className='ov-cases'><LoadingView rows={3} blocks={3} /></Page>;
  if (bundle.error && !bundle.data) {
    if (isApiError(bundle.error) && bundle.error.code === 'BUNDLE_APPLICATION_NOT_FOUND') {
      return <Page className='ov-cases'><EmptyView title='未找到该“一件事”办件' description={`办件编号：${bundleCaseNo}`} /></Page>;
    }
    return <Page className='ov-cases'><ErrorView error={bundle.error} onRetry={bundle.reload} /></Page>;
  }
  if (!bundle.data) return <Page className='ov-cases'><EmptyView title='暂无办理进度' /></Page>;
  return <BundleProgress b={bundle.data} />;
}

function BundleProgress({ b }: { b: BundleApplication }) {
  const percent = b.total > 0 ? Math.round((b.done / b.total) * 100) : 0;
  return (
    <Page className='ov-cases ov-case-bundle'>
      <View className='ov-hero ov-case-head'>
        <Text className='ov-hero-title bundle-name'>{b.bundleName}</Text>
        <Text className='ov-hero-subtitle'>一件事办件编号 {b.bundleCaseNo}</Text>
        <Text className='ov-hero-subtitle'>申请时间 {shanghaiDateTime(b.createdAt)}</Text>
      </View>
      <Section title='总体进度' className='bundle-overall'>
        <View className='ov-bundle-progress-head'>
          <Text id='bundle-progress' className={`ov-bundle-progress-state bundle-progress bundle-progress--${b.progress}`}>
            {BUNDLE_PROGRESS_NAMES[b.progress]}
          </Text>
          <Text className='ov-bundle-progress-count bundle-progress-count'>
            已办结 {b.done} / {b.total} 项
          </Text>
        </View>
        <View className='ov-apply-progress ov-bundle-progress-bar' role='progressbar' aria-valuenow={percent}>
          <View className='ov-apply-progress-bar' style={{ width: `${percent}%` }} />
        </View>
      </Section>
      <Section title='各事项办理情况' className='bundle-cases'>
        {b.cases.map((c, i) => (
          <BundleCase key={c.caseNo} c={c} index={i} />
        ))}
      </Section>
    </Page>
  );
}

function BundleCase({ c, index }: { c: ApplicationSummary; index: number }) {
  return (
    <View className={`ov-case-card ov-case-card--flat bundle-case bundle-case-${index}`} hoverClass='ov-case-card--pressed' onClick={() => Taro.navigateTo({ url: caseRoutes.detail(c.caseNo) })}>
      <View className='ov-case-card-head'>
        <Text className='ov-case-card-name'>{c.itemName}</Text>
        <StatePill state={c.state} />
      </View>
      <Text className='ov-case-card-no'>办件编号 {c.caseNo}</Text>
      <UpstreamLine upstream={c.upstream} />
      {c.deadline ? <Deadline deadline={c.deadline} compact /> : null}
    </View>
  );
}
