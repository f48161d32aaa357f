import { useCallback, useEffect, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { PaymentOrder } from '@onevisit/shared-types/client';
import { isApiError, payments, type PaymentOutcome } from '../../../api';
import { shanghaiDateTime } from '../../../applications/dates';
import { InlineApiError } from '../../../components/Inline';
import { Button, Loading } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView } from '../../../components/StateView';
import { useSession } from '../../../hooks/useSession';
import { channelName, isSettled, parseOutcome, pollDelays, RESULT_TEXT, resultKind, yuan, type ResultKind } from '../../../payments/payView';
import { routeParam } from '../../../utils/format';
import { goToStep, returnTo } from '../../../utils/navigation';
import { caseRoutes, payRoutes } from '../../../utils/routes';
import '../../../applications/applications.scss';
import '../pay.scss';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * After the payment sheet (or the H5 cashier) closed: reports how it ended — the BFF then asks the
 * channel at once — and reads the order again with backoff for about 30 s until it is settled.
 */
export default function PayResultPage() {
  const params = useRouter().params;
  const orderNo = routeParam(params.orderNo);
  // The H5 cashier returns here without an outcome: reported as `unknown`.
  const outcome = parseOutcome(routeParam(params.outcome));
  const current = useSession();
  if (!orderNo) return <Page className='ov-pay'><EmptyView title='缺少缴费订单号' /></Page>;
  if (!current) {
    return (
      <Page className='ov-pay'>
        <EmptyView title='登录后查看缴费结果' />
        <View className='ov-pay-actions'>
          <Button id='pay-result-login' type='primary' size='large' block onClick={() => goToStep('login', payRoutes.result(orderNo))}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }
  return <PayResult orderNo={orderNo} outcome={outcome} />;
}

const ICONS: Record<ResultKind, string> = { checking: '', paid: '✓', timeout: '?', closed: '✕', refund: '↩', flagged: '↩' };

function PayResult({ orderNo, outcome }: { orderNo: string; outcome: PaymentOutcome }) {
  const [order, setOrder] = useState<PaymentOrder>();
  const [over, setOver] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useRef(0);

  const check = useCallback(
    async (report: PaymentOutcome) => {
      const id = ++run.current;
      const live = () => id === run.current;
      setOver(false);
      setError(undefined);
      const settle = (o: PaymentOrder): boolean => {
        setOrder(o);
        setError(undefined);
        if (!isSettled(o.state)) return false;
        setOver(true);
        return true;
      };
      const notFound = (err: unknown) => isApiError(err) && err.code === 'PAYMENT_NOT_FOUND';
      try {
        const o = await payments.report(orderNo, report);
        if (!live() || settle(o)) return;
      } catch (err) {
        if (!live()) return;
        setError(err);
        if (notFound(err)) return void setOver(true);
      }
      for (const delay of pollDelays()) {
        await sleep(delay);
        if (!live()) return;
        try {
          const o = await payments.order(orderNo);
          if (!live() || settle(o)) return;
        } catch (err) {
          if (!live()) return;
          setError(err);
          if (notFound(err)) return void setOver(true);
        }
      }
      if (live()) setOver(true);
    },
    [orderNo],
  );

  useEffect(() => {
    void check(outcome);
    return () => {
      run.current++; // stops the polling when the page closes
    };
  }, [check, outcome]);

  const caseNo = order?.caseNo;
  const goCase = () => (caseNo ? returnTo(caseRoutes.detail(caseNo), caseRoutes.detail(caseNo)) : returnTo(caseRoutes.list(), caseRoutes.list()));
  const payAgain = () => caseNo && Taro.redirectTo({ url: payRoutes.pay(caseNo) });

  if (!order && over && error) {
    return (
      <Page className='ov-pay ov-pay-result'>
        {isApiError(error) && error.code === 'PAYMENT_NOT_FOUND' ? (
          <EmptyView title='未找到该缴费订单' description={`订单号：${orderNo}`} />
        ) : (
          <ErrorView error={error} onRetry={() => void check('unknown')} />
        )}
        <View className='ov-pay-actions'>
          <Button id='pay-result-case' className='pay-result-case' type='default' size='large' block onClick={goCase}>
            我的办件
          </Button>
        </View>
      </Page>
    );
  }

  const kind = resultKind(order?.state, over);
  const text = RESULT_TEXT[kind];
  const state = order?.state ?? 'unknown';

  return (
    <Page className='ov-pay ov-pay-result'>
      <Section title='缴费结果' className='pay-result-card'>
        <View id='pay-result-state' className={`ov-pay-result-head pay-result-state pay-result-state--${state} pay-result--${kind}`} data-state={state} data-kind={kind}>
          {kind === 'checking' ? (
            <View className='ov-pay-result-spinner'>
              <Loading type='spinner' />
            </View>
          ) : (
            <Text className={`ov-pay-result-icon ov-pay-result-icon--${kind}`}>{ICONS[kind]}</Text>
          )}
          <Text className='ov-result-title ov-pay-result-title pay-result-title'>{text.title}</Text>
          <Text className='ov-pay-result-text'>{text.text}</Text>
        </View>
        {order ? (
          <View className='ov-pay-result-facts'>
            <Row label='缴费金额' value={yuan(order.amountFen)} id='pay-result-amount' />
            <Row label='支付方式' value={channelName(order.channel)} />
            {order.paidAt ? <Row label='支付时间' value={shanghaiDateTime(order.paidAt)} /> : null}
            <Row label='订单号' value={order.orderNo} />
            <Row label='办件编号' value={order.caseNo} />
          </View>
        ) : null}
        {error && !over ? <InlineApiError error={error} id='pay-result-error' /> : null}
        {error && over && kind === 'timeout' ? <InlineApiError error={error} id='pay-result-error' /> : null}
      </Section>

      <View className='ov-pay-actions'>
        {kind === 'timeout' ? (
          <Button id='pay-result-retry' className='pay-result-retry' type='primary' size='large' block onClick={() => void check('unknown')}>
            重新查询
          </Button>
        ) : null}
        {(kind === 'closed' || kind === 'flagged') && caseNo ? (
          <Button id='pay-result-repay' className='pay-result-repay' type='primary' size='large' block onClick={payAgain}>
            重新缴费
          </Button>
        ) : null}
        <Button
          id='pay-result-case'
          className='pay-result-case'
          type={kind === 'paid' || kind === 'refund' ? 'primary' : 'default'}
          size='large'
          block
          onClick={goCase}
        >
          {kind === 'paid' ? '查看办件' : '返回办件'}
        </Button>
      </View>
    </Page>
  );
}

function Row({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <View className='ov-info-row'>
      <Text className='ov-info-label'>{label}</Text>
      <Text id={id} className='ov-info-value'>
        {value}
      </Text>
    </View>
  );
}
