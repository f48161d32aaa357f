import { useEffect, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { CreatePaymentResponse } from '@onevisit/shared-types/client';
import { applications, isApiError, payments } from '../../../api';
import { shanghaiDateTime } from '../../../applications/dates';
import { IdempotencyKeeper } from '../../../applications/idempotency';
import { InlineApiError, InlineError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { launchPayment, PayParamsMismatch } from '../../../payments/launch';
import { channelFor, channelName, feeLines, type Platform } from '../../../payments/payView';
import { routeParam } from '../../../utils/format';
import { goToStep, returnTo } from '../../../utils/navigation';
import { caseRoutes, payRoutes } from '../../../utils/routes';
import '../../../applications/applications.scss';
import '../pay.scss';

const PLATFORM = process.env.TARO_ENV as Platform;
/** weapp → WeChat Pay (JSAPI), alipay → Alipay, h5 → WeChat Pay's H5 cashier. */
const CHANNEL = channelFor(PLATFORM);

const CHANNEL_NOTE: Record<Platform, string> = {
  weapp: '点击“确认支付”后，在微信支付弹窗中完成付款。',
  alipay: '点击“确认支付”后，在支付宝收银台中完成付款。',
  h5: '点击“确认支付”后将打开微信支付页面，付款完成后自动返回查看结果。',
};

const PAYER_UNKNOWN: Record<Platform, string> = {
  weapp: '缴费需要确认您的微信账号：请退出后使用“微信一键登录”重新登录，再来缴费。',
  alipay: '缴费需要确认您的支付宝账号：请退出后使用“支付宝登录”重新登录，再来缴费。',
  h5: '当前无法确认付款账号，请稍后重试。',
};

/** 缴费: the fee lines of a case's order (computed by the BFF), the platform's channel, and 确认支付. */
export default function PayPage() {
  const caseNo = routeParam(useRouter().params.caseNo);
  const current = useSession();
  if (!caseNo) return <Page className='ov-pay'><EmptyView title='缺少办件编号' /></Page>;
  if (!current) {
    return (
      <Page className='ov-pay'>
        <EmptyView title='登录后缴费' />
        <View className='ov-pay-actions'>
          <Button id='pay-login' className='pay-login' type='primary' size='large' block onClick={() => goToStep('login', payRoutes.pay(caseNo))}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }
  return <PayCase caseNo={caseNo} />;
}

type Phase = { kind: 'idle' } | { kind: 'paying' } | { kind: 'leaving' } | { kind: 'cancelled' } | { kind: 'error'; error: unknown };

function PayCase({ caseNo }: { caseNo: string }) {
  // One key per payment attempt: the same while the citizen retries (a timeout, a double tap),
  // a new one after the sheet was closed without paying.
  const keeper = useRef(new IdempotencyKeeper());
  const request = () => ({ caseNo, channel: CHANNEL, idempotencyKey: keeper.current.keyFor(`${caseNo}:${CHANNEL}`) });
  // The order (created or resumed) shows the fee lines as the BFF computed them.
  const prepared = useRequest(() => payments.pay(request()), [caseNo]);
  const detail = useRequest(() => applications.get(caseNo), [caseNo]);
  const [latest, setLatest] = useState<CreatePaymentResponse>();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const sending = useRef(false);
  const data = latest ?? prepared.data;

  // H5: back from the cashier with the browser's back button, the page may come from the
  // back-forward cache still saying "opening the cashier": make it usable again.
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return undefined;
    const onShow = (e: PageTransitionEvent) => {
      if (!e.persisted) return;
      sending.current = false;
      setPhase({ kind: 'idle' });
    };
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, []);

  const backToCase = () => returnTo(caseRoutes.detail(caseNo), caseRoutes.detail(caseNo));

  const submit = async () => {
    if (sending.current) return;
    sending.current = true;
    setPhase({ kind: 'paying' });
    let leaving = false;
    try {
      // Asked again at the tap: the order may have expired and been replaced since the page opened.
      const res = await payments.pay(request());
      setLatest(res);
      const { orderNo } = res.order;
      if (!res.pay) {
        void Taro.redirectTo({ url: payRoutes.result(orderNo) });
        return;
      }
      const outcome = await launchPayment(res.pay, orderNo);
      if (outcome === 'left') {
        leaving = true;
        setPhase({ kind: 'leaving' });
        return;
      }
      if (outcome === 'cancelled') {
        keeper.current.reset();
        void payments.report(orderNo, 'cancelled').catch(() => undefined);
        setPhase({ kind: 'cancelled' });
        return;
      }
      void Taro.redirectTo({ url: payRoutes.result(orderNo, outcome) });
    } catch (err) {
      setPhase({ kind: 'error', error: err });
      if (isApiError(err) && err.code === 'PAYMENT_NOT_DUE') prepared.reload();
    } finally {
      if (!leaving) sending.current = false;
    }
  };

  const itemName = detail.data?.itemName;
  const head = (
    <View className='ov-hero ov-pay-head'>
      <Text className='ov-hero-title pay-item-name'>{itemName ?? '缴纳费用'}</Text>
      <Text className='ov-hero-subtitle pay-case-no'>办件编号：{caseNo}</Text>
    </View>
  );

  if (prepared.loading && !data) {
    return (
      <Page className='ov-pay'>
        {head}
        <LoadingView rows={3} blocks={2} />
      </Page>
    );
  }
  if (!data) {
    const err = prepared.error;
    const code = isApiError(err) ? err.code : undefined;
    return (
      <Page className='ov-pay'>
        {head}
        {code === 'PAYMENT_NOT_DUE' ? (
          <EmptyView title='该办件当前无需缴费' description='办件已缴费或尚未到缴费环节，请返回查看办件进度。' />
        ) : code === 'APPLICATION_NOT_FOUND' ? (
          <EmptyView title='未找到该办件' description={`办件编号：${caseNo}`} />
        ) : code === 'PAYMENT_PAYER_UNKNOWN' ? (
          <View id='pay-error' className='ov-pay-block pay-error'>
            <InlineError>{PAYER_UNKNOWN[PLATFORM]}</InlineError>
          </View>
        ) : (
          <View id='pay-error' className='pay-error'>
            <ErrorView error={err} onRetry={prepared.reload} />
          </View>
        )}
        <View className='ov-pay-actions'>
          <Button id='pay-back' className='pay-back' type='default' size='large' block onClick={backToCase}>
            返回办件
          </Button>
        </View>
      </Page>
    );
  }

  const { order, pay } = data;
  const paid = !pay && order.state === 'paid';
  const { lines, total } = feeLines(order);
  const busy = phase.kind === 'paying' || phase.kind === 'leaving';
  const submitError = phase.kind === 'error' ? phase.error : undefined;

  return (
    <Page className='ov-pay'>
      {head}
      <Section title='费用明细' className='pay-section-lines'>
        {lines.map((l) => (
          <View key={l.key} className={`ov-pay-line pay-line pay-line--${l.key.split('-')[0]}`}>
            <View className='ov-pay-line-main'>
              <Text className='ov-pay-line-label pay-line-label'>{l.label}</Text>
              <Text className='ov-pay-line-amount pay-line-amount'>{l.amount}</Text>
            </View>
            {l.note ? <Text className='ov-pay-line-note'>{l.note}</Text> : null}
          </View>
        ))}
        <View className='ov-pay-total-row'>
          <Text className='ov-pay-total-label'>合计</Text>
          <Text id='pay-total' className='ov-pay-total pay-total'>
            {total}
          </Text>
        </View>
        <Text className='ov-pay-note'>费用由系统按收费标准计算；邮寄的证件含邮寄费。</Text>
      </Section>

      <Section title='支付方式' className='pay-section-channel'>
        <View className='ov-info-row pay-channel'>
          <Text className='ov-info-label'>支付方式</Text>
          <Text id='pay-channel' className='ov-info-value pay-channel-name'>
            {channelName(CHANNEL)}
          </Text>
        </View>
        {!paid ? (
          <View className='ov-info-row'>
            <Text className='ov-info-label'>支付期限</Text>
            <Text className='ov-info-value pay-expires'>{shanghaiDateTime(order.expiresAt)} 前</Text>
          </View>
        ) : null}
        <Text className='ov-pay-note'>{CHANNEL_NOTE[PLATFORM]}</Text>
      </Section>

      <View className='ov-pay-block'>
        {phase.kind === 'paying' ? <InlineNotice id='pay-busy'>正在发起支付，请稍候…</InlineNotice> : null}
        {phase.kind === 'leaving' ? <InlineNotice id='pay-busy'>正在打开微信支付页面…</InlineNotice> : null}
        {phase.kind === 'cancelled' ? <InlineNotice id='pay-cancelled'>您已取消支付，没有扣款。可随时重新支付。</InlineNotice> : null}
        {submitError instanceof PayParamsMismatch ? <InlineError id='pay-error'>{submitError.message}</InlineError> : null}
        {submitError && !(submitError instanceof PayParamsMismatch) ? (
          isApiError(submitError) && submitError.code === 'PAYMENT_PAYER_UNKNOWN' ? (
            <InlineError id='pay-error'>{PAYER_UNKNOWN[PLATFORM]}</InlineError>
          ) : (
            <InlineApiError error={submitError} id='pay-error' />
          )
        ) : null}
        {paid ? <InlineNotice id='pay-paid' tone='success'>该办件已缴费，无需重复支付。</InlineNotice> : null}
      </View>

      <View className='ov-pay-actions'>
        {paid ? (
          <Button id='pay-result' className='pay-result' type='primary' size='large' block onClick={() => Taro.redirectTo({ url: payRoutes.result(order.orderNo) })}>
            查看缴费结果
          </Button>
        ) : (
          <Button id='pay-submit' className='pay-submit' type='primary' size='large' block loading={busy} disabled={busy} onClick={submit}>
            {busy ? '支付中…' : `确认支付 ${total}`}
          </Button>
        )}
        <Button id='pay-back' className='pay-back' type='default' size='large' block disabled={phase.kind === 'paying'} onClick={backToCase}>
          返回办件
        </Button>
      </View>
    </Page>
  );
}
