import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import type { LicenceDetail, LicenceField, PresentationPurpose } from '@onevisit/shared-types/client';
import { licences } from '../../../api';
import { InlineApiError, InlineError, InlineNotice } from '../../../components/Inline';
import { Button, Loading } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, LoadingView } from '../../../components/StateView';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest } from '../../../hooks/useRequest';
import { levelGate, licenceErrorView } from '../../../licences/errors';
import { PresentationLoop, type LoopState } from '../../../licences/presentationLoop';
import { fieldLabels, presentationChoice, purposesFor, toggleField, typeFields } from '../../../licences/purposes';
import { qrImage } from '../../../licences/qr';
import { countdownText, secondsToExpiry } from '../../../licences/schedule';
import { colourStyle, isPresentable } from '../../../licences/view';
import { licenceRoutes } from '../../../utils/routes';
import { FieldChecks } from '../components/FieldChecks';
import { LevelGateView, LicenceLoadError, LicencePage } from '../components/Gate';
import { StatusChip } from '../components/StatusChip';
import { hideFromCapture, useQrScreen } from '../components/useQrScreen';
import '../../../applications/applications.scss';
import '../licences.scss';

/**
 * 亮证: choose why (the purposes this licence type serves; 自选信息 picks the fields), then a QR
 * code of a short-lived signed token, refreshed a few seconds before it expires for up to ten
 * minutes (then tap to continue), stopped while the page is hidden. Brightness is raised while it
 * shows; screenshots are discouraged where the platform allows.
 */
export default function PresentPage() {
  return (
    <LicencePage loginTitle='登录后亮证' back={licenceRoutes.present}>
      {(licenceId, userId) => <Present licenceId={licenceId} userId={userId} />}
    </LicencePage>
  );
}

function Present({ licenceId, userId }: { licenceId: string; userId: string }) {
  const back = licenceRoutes.present(licenceId);
  const detail = useRequest(() => licences.get(licenceId), [licenceId, userId]);
  const d = detail.data;

  if (detail.loading && !d) return <Page className='ov-licences'><LoadingView rows={3} blocks={2} /></Page>;
  if (!d) {
    return (
      <Page className='ov-licences'>
        {detail.error ? <LicenceLoadError error={detail.error} onRetry={detail.reload} back={back} /> : <EmptyView title='暂无该证照的信息' />}
      </Page>
    );
  }
  if (!isPresentable(d.status)) {
    return (
      <Page className='ov-licences'>
        <LicenceHead d={d} />
        <View className='ov-licences-block'>
          <InlineError id='present-not-presentable'>
            该证照{d.statusName}{d.statusNote ? `（${d.statusNote}）` : ''}，不能亮证。如已换领新证，请返回证照列表下拉刷新。
          </InlineError>
        </View>
        <View className='ov-licences-actions'>
          <Button className='present-back' type='default' size='large' block onClick={() => void Taro.redirectTo({ url: licenceRoutes.wallet })}>
            返回证照列表
          </Button>
        </View>
      </Page>
    );
  }
  return <PresentFlow d={d} back={back} />;
}

function LicenceHead({ d }: { d: LicenceDetail }) {
  const style = colourStyle(d.colour);
  return (
    <View className={`ov-licence-hero ov-licence-hero--compact ${style.className}`} data-colour={style.colour}>
      <View className='ov-licence-hero-head'>
        <Text className='ov-licence-hero-type'>{d.typeName}</Text>
        <StatusChip licence={d} />
      </View>
      <Text className='ov-licence-hero-number'>{d.number}</Text>
    </View>
  );
}

function PresentFlow({ d, back }: { d: LicenceDetail; back: string }) {
  const options = useMemo(() => purposesFor(d.type), [d.type]);
  const [purpose, setPurpose] = useState<PresentationPurpose | undefined>(options.length === 1 ? options[0].purpose : undefined);
  const [custom, setCustom] = useState<LicenceField[]>([]);
  const [chooseError, setChooseError] = useState<string>();
  const [showing, setShowing] = useState(false);
  const [visible, setVisible] = useState(true);
  const [loop, setLoopState] = useState<LoopState>({ status: 'idle', expiresAt: 0, refreshing: false });
  const [now, setNow] = useState(() => Date.now());
  const [codeOpen, setCodeOpen] = useState(false);
  const loopRef = useRef<PresentationLoop>();
  const { notice, show } = useNotice();

  const stopLoop = () => {
    loopRef.current?.destroy();
    loopRef.current = undefined;
  };

  const start = () => {
    const choice = presentationChoice(d.type, purpose, custom);
    if (!choice.ok) {
      setChooseError(choice.error);
      return;
    }
    setChooseError(undefined);
    stopLoop();
    const l = new PresentationLoop({ fetch: () => licences.present(d.licenceId, choice.request), onChange: setLoopState });
    loopRef.current = l;
    setShowing(true);
    setCodeOpen(false);
    l.start();
  };
  const again = () => loopRef.current?.start();
  const change = () => {
    stopLoop();
    setShowing(false);
    setLoopState({ status: 'idle', expiresAt: 0, refreshing: false });
  };

  // the page hides (another page, the app in the background, a locked phone): nothing runs
  useDidHide(() => {
    setVisible(false);
    loopRef.current?.hide();
  });
  useDidShow(() => {
    setVisible(true);
    loopRef.current?.show();
    // WeChat resets the capture effect on every show
    if (showing) hideFromCapture(true);
  });
  useUnload(stopLoop);
  useEffect(() => stopLoop, []);
  // H5: a background tab or a locked phone does not hide the page for Taro's router
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return undefined;
    const onVisibility = () => {
      if (document.hidden) {
        setVisible(false);
        loopRef.current?.hide();
      } else {
        setVisible(true);
        loopRef.current?.show();
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);

  // the countdown ticks once a second while a token is shown
  const ticking = showing && visible && loop.status === 'live';
  useEffect(() => {
    if (!ticking) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);

  useQrScreen(showing && visible, () => show('二维码仅供当面出示核验，请勿截屏或转发给他人'));

  const p = loop.presentation;
  const token = p?.token;
  const qr = useMemo(() => {
    if (!token) return undefined;
    try {
      return { image: qrImage(token) };
    } catch (error) {
      return { error };
    }
  }, [token]);

  if (!showing) {
    const chosen = options.find((o) => o.purpose === purpose);
    return (
      <Page className='ov-licences ov-licence-present'>
        <LicenceHead d={d} />
        <Section title='选择亮证用途' className='present-purposes'>
          <Text className='ov-licence-hint'>只会出示该用途需要的信息，核验方只能看到其中允许查看的部分。</Text>
          <View className='ov-licence-purposes' role='radiogroup'>
            {options.map((o) => {
              const on = o.purpose === purpose;
              return (
                <View
                  key={o.purpose}
                  className={`ov-licence-purpose present-purpose-${o.purpose}${on ? ' ov-licence-purpose--on' : ''}`}
                  role='radio'
                  aria-checked={on}
                  onClick={() => {
                    setPurpose(o.purpose);
                    setChooseError(undefined);
                  }}
                >
                  <View className='ov-licence-purpose-head'>
                    <Text className='ov-licence-purpose-mark'>{on ? '◉' : '○'}</Text>
                    <Text className='ov-licence-purpose-name'>{o.name}</Text>
                  </View>
                  <Text className='ov-licence-purpose-fields'>{o.custom ? '自行选择要出示的信息' : `出示：${fieldLabels(o.fields).join('、')}`}</Text>
                  <Text className='ov-licence-purpose-to'>可出示给：{o.receivers}</Text>
                </View>
              );
            })}
          </View>
          {chosen?.custom ? (
            <View className='ov-licence-custom present-custom'>
              <Text className='ov-field-label'>选择要出示的信息</Text>
              <FieldChecks
                fields={typeFields(d.type)}
                chosen={custom}
                prefix='present-field'
                onToggle={(f) => {
                  setCustom((c) => toggleField(d.type, c, f));
                  setChooseError(undefined);
                }}
              />
            </View>
          ) : null}
          <InlineError id='present-choose-error'>{chooseError}</InlineError>
        </Section>
        <View className='ov-licences-actions'>
          <Button id='present-start' className='present-start' type='primary' size='large' block onClick={start}>
            生成亮证二维码
          </Button>
        </View>
      </Page>
    );
  }

  const seconds = p ? secondsToExpiry(now, loop.expiresAt) : 0;
  const expired = loop.status === 'live' && !!p && seconds === 0;
  const gate = loop.status === 'failed' ? levelGate(loop.error) : undefined;
  const failure = loop.status === 'failed' && !gate ? licenceErrorView(loop.error) : undefined;

  let overlay: JSX.Element | null = null;
  if (loop.status === 'paused') {
    overlay = (
      <View id='present-paused' className='ov-licence-qr-overlay present-paused' role='button' onClick={again}>
        <Text className='ov-licence-qr-overlay-title'>已暂停自动刷新</Text>
        <Text className='ov-licence-qr-overlay-text'>为保护您的信息，二维码连续展示 10 分钟后暂停。点按继续出示</Text>
      </View>
    );
  } else if (expired) {
    overlay = (
      <View id='present-expired' className='ov-licence-qr-overlay present-expired' role='button' onClick={again}>
        <Text className='ov-licence-qr-overlay-title'>{loop.refreshing ? '正在刷新…' : '二维码已失效'}</Text>
        {!loop.refreshing ? <Text className='ov-licence-qr-overlay-text'>点按刷新</Text> : null}
      </View>
    );
  }

  return (
    <Page className='ov-licences ov-licence-present ov-licence-present--showing'>
      <View className='ov-licence-qr-card' data-status={loop.status}>
        <View className='ov-licence-qr-head'>
          <Text className='ov-licence-qr-type'>{d.typeName}</Text>
          <StatusChip licence={d} />
        </View>
        <Text id='present-purpose' className='ov-licence-qr-purpose'>
          用途：{p?.purposeName ?? options.find((o) => o.purpose === purpose)?.name ?? ''}
        </Text>

        <View className='ov-licence-qr-box' id='licence-qr'>
          {loop.status === 'loading' || (!p && loop.status !== 'failed') ? (
            <View className='ov-licence-qr-loading'>
              <Loading type='spinner'>正在生成二维码…</Loading>
            </View>
          ) : null}
          {p && qr?.image && loop.status !== 'failed' ? (
            <Image
              className={`ov-licence-qr-image${overlay ? ' ov-licence-qr-image--dim' : ''}`}
              src={qr.image.dataUrl}
              mode='aspectFit'
              data-token-id={p.tokenId}
              showMenuByLongpress={false}
            />
          ) : null}
          {overlay}
          {loop.status === 'failed' ? (
            <View id='present-failed' className='ov-licence-qr-overlay ov-licence-qr-overlay--failed present-failed'>
              <Text className='ov-licence-qr-overlay-title'>未能生成二维码</Text>
              <Text className='ov-licence-qr-overlay-text'>{failure?.message ?? '请完成认证后再亮证'}</Text>
            </View>
          ) : null}
        </View>

        {loop.status === 'live' && p ? (
          <Text id='present-countdown' className={`ov-licence-countdown${seconds <= 10 ? ' ov-licence-countdown--soon' : ''}`} data-seconds={seconds}>
            {loop.refreshing && seconds > 0 ? `正在刷新… ${countdownText(seconds)}` : countdownText(seconds)}
          </Text>
        ) : null}
        {qr?.error ? <InlineError id='present-qr-error'>二维码生成失败，请使用下方复制码</InlineError> : null}
        {loop.error && loop.status === 'live' ? <InlineApiError error={loop.error} id='present-refresh-error' /> : null}
        {loop.status === 'loading' && loop.error ? <InlineApiError error={loop.error} id='present-refresh-error' /> : null}

        {p ? (
          <View className='ov-licence-qr-code'>
            <View id='present-code-toggle' className='ov-licence-qr-code-toggle present-code-toggle' role='button' onClick={() => setCodeOpen((o) => !o)}>
              <Text>{codeOpen ? '收起复制码 ▴' : '复制码 ▾'}</Text>
            </View>
            <View className={`ov-licence-qr-code-body${codeOpen ? ' ov-licence-qr-code-body--open' : ''}`}>
              <Text data-testid='licence-qr-text' className='ov-licence-qr-text' userSelect>
                {p.token}
              </Text>
              {codeOpen ? (
                <View
                  className='ov-licence-qr-copy present-copy'
                  role='button'
                  onClick={() => {
                    Taro.setClipboardData({ data: p.token }).then(
                      () => show('复制码已复制，请在有效期内交给核验方'),
                      () => show('复制失败，请长按选择复制码'),
                    );
                  }}
                >
                  <Text>复制</Text>
                </View>
              ) : null}
            </View>
          </View>
        ) : null}
      </View>

      {p ? (
        <Section title='本次出示的信息' className='present-disclosed'>
          <View className='ov-licence-disclosed'>
            {p.fields.map((f) => (
              <Text key={f} className={`ov-licence-disclosed-item present-disclosed-${f}`}>
                {fieldLabels([f])[0]}
              </Text>
            ))}
          </View>
          <Text className='ov-licence-hint'>核验方扫码后，系统会记录核验方、用证事由和时间，您可在“使用记录”中查看。</Text>
        </Section>
      ) : null}

      <View className='ov-licences-block'>
        <InlineNotice id='present-notice'>{notice}</InlineNotice>
        {gate ? <LevelGateView gate={gate} back={back} /> : null}
      </View>

      <View className='ov-licences-actions'>
        {loop.status === 'failed' && !gate && failure?.next !== 'reload' ? (
          <Button id='present-retry' className='present-retry' type='primary' size='large' block onClick={failure?.next === 'change' ? change : again}>
            {failure?.next === 'change' ? '重新选择用途' : '重新生成'}
          </Button>
        ) : null}
        {loop.status === 'failed' && failure?.next === 'reload' ? (
          <Button className='present-back' type='primary' size='large' block onClick={() => void Taro.redirectTo({ url: licenceRoutes.wallet })}>
            返回证照列表
          </Button>
        ) : null}
        {loop.status === 'live' || loop.status === 'paused' ? (
          <Button id='present-refresh' className='present-refresh' type='primary' fill='outline' size='large' block disabled={loop.refreshing} onClick={again}>
            刷新二维码
          </Button>
        ) : null}
        <Button id='present-change' className='present-change' type='default' size='large' block onClick={change}>
          更换用途
        </Button>
      </View>
    </Page>
  );
}
