import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { BUNDLE_PROGRESS_NAMES, type ApplicationSummary } from '@onevisit/shared-types/client';
import { applications } from '../../../api';
import { StatePill, UpstreamLine } from '../../../applications/CaseBits';
import { nextStepHint } from '../../../applications/caseView';
import { InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useRequest } from '../../../hooks/useRequest';
import { routeParam } from '../../../utils/format';
import { caseRoutes, payRoutes, routes } from '../../../utils/routes';
import '../apply.scss';

/** After submitting: the case number, its state, whether the department's system has it yet, and where to go next. */
export default function ResultPage() {
  const params = useRouter().params;
  const caseNo = routeParam(params.caseNo);
  const bundleCaseNo = routeParam(params.bundleCaseNo);
  if (bundleCaseNo) return <BundleResult bundleCaseNo={bundleCaseNo} />;
  if (caseNo) return <CaseResult caseNo={caseNo} />;
  return (
    <Page className='ov-apply ov-apply-result'>
      <EmptyView title='缺少办件编号' />
      <HomeButtons />
    </Page>
  );
}

function Head({ title, number, numberLabel }: { title: string; number: string; numberLabel: string }) {
  return (
    <View className='ov-apply-result-head'>
      <Text className='ov-result-icon ov-result-icon--success'>✓</Text>
      <Text className='ov-result-title result-title'>{title}</Text>
      <Text className='ov-apply-result-label'>{numberLabel}</Text>
      <Text id='result-case-no' className='ov-apply-result-no result-case-no' userSelect>
        {number}
      </Text>
    </View>
  );
}

function CaseResult({ caseNo }: { caseNo: string }) {
  const detail = useRequest(() => applications.get(caseNo), [caseNo]);
  const d = detail.data;
  const hint = d ? nextStepHint(d) : undefined;
  return (
    <Page className='ov-apply ov-apply-result'>
      <Section title='提交结果' className='result-card'>
        <Head title={d?.state === 'draft' ? '草稿已保存' : '申请已提交'} number={caseNo} numberLabel='办件编号' />
        {detail.loading && !d ? <LoadingView rows={2} /> : null}
        {detail.error ? <ErrorView error={detail.error} onRetry={detail.reload} compact /> : null}
        {d ? (
          <View className='ov-apply-result-facts'>
            <View className='ov-info-row'>
              <Text className='ov-info-label'>办理事项</Text>
              <Text className='ov-info-value result-item'>{d.itemName}</Text>
            </View>
            <View className='ov-info-row'>
              <Text className='ov-info-label'>办件状态</Text>
              <View id='result-state' className='result-state'>
                <StatePill state={d.state} />
              </View>
            </View>
            <UpstreamLine upstream={d.upstream} id='result-upstream' />
            {d.upstream === 'waiting' ? (
              <Text id='result-upstream-waiting' className='ov-apply-muted result-upstream-waiting'>
                部门业务系统接收后即开始审核，进度会通过消息通知您。
              </Text>
            ) : null}
            {hint ? <InlineNotice id='result-hint'>{hint}</InlineNotice> : null}
          </View>
        ) : null}
      </Section>
      <View className='ov-apply-actions'>
        {d?.state === 'awaiting_payment' ? (
          <Button id='result-pay' className='result-pay' type='primary' size='large' block onClick={() => Taro.navigateTo({ url: payRoutes.pay(caseNo) })}>
            去缴费
          </Button>
        ) : null}
        <Button
          id='result-detail'
          className='result-detail'
          type={d?.state === 'awaiting_payment' ? 'default' : 'primary'}
          size='large'
          block
          onClick={() => Taro.navigateTo({ url: caseRoutes.detail(caseNo) })}
        >
          查看办件详情
        </Button>
        <HomeButtons />
      </View>
    </Page>
  );
}

function BundleResult({ bundleCaseNo }: { bundleCaseNo: string }) {
  const bundle = useRequest(() => applications.bundle(bundleCaseNo), [bundleCaseNo]);
  const b = bundle.data;
  return (
    <Page className='ov-apply ov-apply-result'>
      <Section title='提交结果' className='result-card'>
        <Head title='“一件事”申请已提交' number={bundleCaseNo} numberLabel='一件事办件编号' />
        {bundle.loading && !b ? <LoadingView rows={2} /> : null}
        {bundle.error ? <ErrorView error={bundle.error} onRetry={bundle.reload} compact /> : null}
        {b ? (
          <View className='ov-apply-result-facts'>
            <View className='ov-info-row'>
              <Text className='ov-info-label'>主题</Text>
              <Text className='ov-info-value'>{b.bundleName}</Text>
            </View>
            <View className='ov-info-row'>
              <Text className='ov-info-label'>办理进度</Text>
              <Text id='result-state' className='ov-info-value result-state'>
                {BUNDLE_PROGRESS_NAMES[b.progress]}（{b.done}/{b.total}）
              </Text>
            </View>
            <Text className='ov-apply-result-label'>已为您分别生成 {b.cases.length} 个办件：</Text>
            {b.cases.map((c) => (
              <ResultCaseRow key={c.caseNo} c={c} />
            ))}
            {b.cases.some((c) => c.upstream === 'waiting') ? <UpstreamLine upstream='waiting' id='result-upstream' /> : null}
          </View>
        ) : null}
      </Section>
      <View className='ov-apply-actions'>
        <Button id='result-detail' className='result-detail' type='primary' size='large' block onClick={() => Taro.navigateTo({ url: caseRoutes.bundle(bundleCaseNo) })}>
          查看办理进度
        </Button>
        <HomeButtons />
      </View>
    </Page>
  );
}

function ResultCaseRow({ c }: { c: ApplicationSummary }) {
  return (
    <View className='ov-apply-result-case result-case' onClick={() => Taro.navigateTo({ url: caseRoutes.detail(c.caseNo) })}>
      <View className='ov-apply-result-case-main'>
        <Text className='ov-apply-result-case-name'>{c.itemName}</Text>
        <Text className='ov-apply-result-case-no'>{c.caseNo}</Text>
      </View>
      <StatePill state={c.state} />
    </View>
  );
}

function HomeButtons() {
  return (
    <>
      <Button id='result-cases' className='result-cases' type='default' size='large' block onClick={() => Taro.navigateTo({ url: caseRoutes.list() })}>
        我的办件
      </Button>
      <Button id='result-home' className='result-home' type='default' size='large' block onClick={() => Taro.switchTab({ url: routes.home })}>
        返回首页
      </Button>
    </>
  );
}
