import { useEffect, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { LicenceDetail } from '@onevisit/shared-types/client';
import { licences } from '../../../api';
import { InlineApiError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, LoadingView } from '../../../components/StateView';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest } from '../../../hooks/useRequest';
import { FRESH_FACE_MESSAGE, levelGate, revealNext } from '../../../licences/errors';
import { markRevealPending, REVEAL_VISIBLE_MS, takeRevealPending } from '../../../licences/reveal';
import { colourStyle, fieldRows, isPresentable, licenceDate, validityText } from '../../../licences/view';
import { identityRoutes, licenceRoutes } from '../../../utils/routes';
import { taroStore } from '../../../utils/taroStore';
import { LevelGateView, LicenceLoadError, LicencePage } from '../components/Gate';
import { StatusChip } from '../components/StatusChip';
import { useRefresh } from '../components/useRefresh';
import '../../../applications/applications.scss';
import '../licences.scss';

/**
 * 证照详情: the licence's metadata and its fields, masked; 查看完整信息 unmasks them for two
 * minutes (the BFF wants a face check within the last minutes: FRESH_FACE_REQUIRED opens the face
 * page, and the reveal is asked again on return); 亮证, 使用记录, 授权.
 */
export default function LicenceDetailPage() {
  return (
    <LicencePage loginTitle='登录后查看证照详情' back={licenceRoutes.detail}>
      {(licenceId, userId) => <Detail licenceId={licenceId} userId={userId} />}
    </LicencePage>
  );
}

type RevealState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ask_face' } | { kind: 'error'; error: unknown };

function Detail({ licenceId, userId }: { licenceId: string; userId: string }) {
  const back = licenceRoutes.detail(licenceId);
  const detail = useRequest(() => licences.get(licenceId), [licenceId, userId]);
  const [revealed, setRevealed] = useState<LicenceDetail>();
  const [reveal, setReveal] = useState<RevealState>({ kind: 'idle' });
  const hideTimer = useRef<ReturnType<typeof setTimeout>>();
  const busy = useRef(false);
  const { notice, show } = useNotice();

  const mask = () => {
    if (hideTimer.current) clearTimeout(hideTimer.current);
    hideTimer.current = undefined;
    setRevealed(undefined);
  };
  useEffect(() => () => hideTimer.current && clearTimeout(hideTimer.current), []);

  const askReveal = async (attempt: 'user' | 'retry') => {
    if (busy.current) return;
    busy.current = true;
    setReveal({ kind: 'busy' });
    try {
      const full = await licences.reveal(licenceId);
      setRevealed(full);
      setReveal({ kind: 'idle' });
      if (hideTimer.current) clearTimeout(hideTimer.current);
      hideTimer.current = setTimeout(mask, REVEAL_VISIBLE_MS);
    } catch (err) {
      const next = revealNext(err, attempt);
      if (next === 'start_face') {
        // the face page comes back here; the mark makes this page ask again (once)
        markRevealPending(taroStore, licenceId);
        setReveal({ kind: 'idle' });
        show('请先刷脸确认本人，完成后将继续显示完整信息');
        void Taro.navigateTo({ url: identityRoutes.face(back, true) });
      } else if (next === 'ask_face') setReveal({ kind: 'ask_face' });
      else setReveal({ kind: 'error', error: err });
    } finally {
      busy.current = false;
    }
  };

  // back from the face page (or a fresh load after H5's verification page): ask again, once —
  // on show, and at mount in case the page's first show came before this component subscribed
  const retryPending = () => {
    if (takeRevealPending(taroStore, licenceId)) void askReveal('retry');
  };
  useDidShow(retryPending);
  useEffect(retryPending, []);
  // what was revealed is masked again as soon as the page is left
  useDidHide(mask);
  useRefresh(detail.reload, detail.loading, true, () => {
    detail.reload();
  });

  const d = detail.data;
  if (detail.loading && !d) return <Page className='ov-licences'><LoadingView rows={4} blocks={2} /></Page>;
  if (!d) {
    return (
      <Page className='ov-licences'>
        {detail.error ? <LicenceLoadError error={detail.error} onRetry={detail.reload} back={back} /> : <EmptyView title='暂无该证照的信息' />}
      </Page>
    );
  }

  const shown = revealed && revealed.licenceId === d.licenceId ? revealed : d;
  const rows = fieldRows(shown);
  const style = colourStyle(d.colour);
  const presentable = isPresentable(d.status);
  const revealGate = reveal.kind === 'error' ? levelGate(reveal.error) : undefined;

  return (
    <Page className='ov-licences'>
      <View className={`ov-licence-hero ${style.className}`} data-colour={style.colour} data-status={d.status}>
        <View className='ov-licence-hero-head'>
          <Text id='licence-type' className='ov-licence-hero-type'>{d.typeName}</Text>
          <StatusChip licence={d} size='large' />
        </View>
        <Text id='licence-number' className='ov-licence-hero-number'>{shown.number}</Text>
        <Text className='ov-licence-hero-holder'>持证人 {shown.holderName}</Text>
      </View>

      {d.statusNote || d.status !== 'valid' ? (
        <View className='ov-licences-block'>
          <View id='licence-status-note' className={`ov-licence-note ov-licence-note--${style.colour} licence-status-note`} role='status'>
            <Text className='ov-licence-note-icon'>{style.icon}</Text>
            <Text className='ov-licence-note-text'>
              {d.statusName}
              {d.statusNote ? `：${d.statusNote}` : ''}
              {!presentable ? '。该证照不能亮证或授权，如已换领新证，请返回证照列表下拉刷新。' : d.status === 'abnormal' ? '。亮证时核验方将看到红色的异常状态。' : ''}
            </Text>
          </View>
        </View>
      ) : null}

      <Section
        title='证照信息'
        className='licence-fields'
        extra={
          shown.masked ? (
            <View id='licence-reveal' className={`ov-licence-reveal licence-reveal${reveal.kind === 'busy' ? ' ov-licence-reveal--busy' : ''}`} role='button' onClick={() => void askReveal('user')}>
              <Text>{reveal.kind === 'busy' ? '正在获取…' : '查看完整信息'}</Text>
            </View>
          ) : (
            <View id='licence-hide' className='ov-licence-reveal licence-hide' role='button' onClick={mask}>
              <Text>隐藏</Text>
            </View>
          )
        }
      >
        {rows.map((r) => (
          <View key={r.key} className={`ov-info-row licence-field licence-field-${r.key}`}>
            <Text className='ov-info-label'>{r.label}</Text>
            <Text className='ov-info-value licence-field-value'>{r.value}</Text>
          </View>
        ))}
        {rows.length === 0 ? <Text className='ov-muted'>暂无证面信息</Text> : null}
        <Text id='licence-mask-state' className='ov-licence-mask-note' data-masked={shown.masked ? '1' : '0'}>
          {shown.masked ? '部分信息已隐藏，查看完整信息需刷脸确认本人' : '完整信息将在 2 分钟后或离开本页时自动隐藏，请注意周围环境'}
        </Text>
        {reveal.kind === 'ask_face' ? (
          <View className='ov-licence-ask-face licence-ask-face'>
            <InlineNotice>{FRESH_FACE_MESSAGE}</InlineNotice>
            <Button
              id='licence-fresh-face'
              type='primary'
              fill='outline'
              size='small'
              onClick={() => {
                markRevealPending(taroStore, licenceId);
                void Taro.navigateTo({ url: identityRoutes.face(back, true) });
              }}
            >
              去刷脸
            </Button>
          </View>
        ) : null}
        {revealGate ? <LevelGateView gate={revealGate} back={back} /> : null}
        {reveal.kind === 'error' && !revealGate ? <InlineApiError error={reveal.error} id='licence-reveal-error' /> : null}
        <InlineNotice>{notice}</InlineNotice>
      </Section>

      <Section title='证照元数据' className='licence-meta'>
        <Row label='证照类型' value={d.typeName} />
        <Row label='签发机关' value={d.issuer} />
        <Row label='签发日期' value={licenceDate(d.issueDate) || '—'} />
        <Row label='有效期' value={validityText(d.validFrom, d.validUntil)} id='licence-validity' />
        <Row label='证照标识' value={d.licenceId} small />
      </Section>

      {detail.error ? (
        <View className='ov-licences-block'>
          <InlineApiError error={detail.error} />
        </View>
      ) : null}

      <View className='ov-licences-actions'>
        <Button
          id='licence-present'
          className='licence-present'
          type='primary'
          size='large'
          block
          disabled={!presentable}
          onClick={() => void Taro.navigateTo({ url: licenceRoutes.present(d.licenceId) })}
        >
          亮证
        </Button>
        <View className='ov-licence-action-row'>
          <Button id='licence-usages' className='licence-usages' type='primary' fill='outline' size='large' onClick={() => void Taro.navigateTo({ url: licenceRoutes.usages(d.licenceId) })}>
            使用记录
          </Button>
          <Button id='licence-grants' className='licence-grants' type='primary' fill='outline' size='large' onClick={() => void Taro.navigateTo({ url: licenceRoutes.grants(d.licenceId) })}>
            授权
          </Button>
        </View>
      </View>
    </Page>
  );
}

function Row({ label, value, id, small }: { label: string; value: string; id?: string; small?: boolean }) {
  return (
    <View className='ov-info-row'>
      <Text className='ov-info-label'>{label}</Text>
      <Text id={id} className={`ov-info-value${small ? ' ov-licence-id' : ''}`}>
        {value}
      </Text>
    </View>
  );
}
