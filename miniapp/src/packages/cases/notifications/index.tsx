import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { NOTIFICATION_CHANNEL_NAMES, NOTIFICATION_CHANNELS, type NotificationChannel, type NotificationPreferences } from '@onevisit/shared-types/client';
import { notifications } from '../../../api';
import { Toggle } from '../../../applications/controls';
import { InlineApiError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { goToStep } from '../../../utils/navigation';
import { caseRoutes } from '../../../utils/routes';
import '../cases.scss';

const DESCRIPTIONS: Record<NotificationChannel, string> = {
  wechat: '在微信中接收受理、补正、审批结果等办件提醒',
  alipay: '在支付宝中接收办件进度提醒',
  sms: '向您绑定的手机号发送办件进度短信',
};

/** 消息通知: which channels tell the citizen about their cases; each switch saves at once. */
export default function NotificationsPage() {
  const current = useSession();
  const prefs = useRequest(() => notifications.get(), [current?.me.userId], !!current);
  const [value, setValue] = useState<NotificationPreferences>();
  const [saving, setSaving] = useState<NotificationChannel>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();

  useEffect(() => {
    if (prefs.data) setValue(prefs.data);
  }, [prefs.data]);

  if (!current) {
    return (
      <Page className='ov-cases ov-notify'>
        <EmptyView title='登录后设置消息通知' />
        <View className='ov-cases-actions'>
          <Button className='cases-login' type='primary' size='large' block onClick={() => goToStep('login', caseRoutes.notifications)}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }
  if (prefs.loading && !value) return <Page className='ov-cases ov-notify'><LoadingView rows={3} /></Page>;
  if (prefs.error && !value) return <Page className='ov-cases ov-notify'><ErrorView error={prefs.error} onRetry={prefs.reload} /></Page>;
  if (!value) return <Page className='ov-cases ov-notify'><EmptyView title='暂无通知设置' /></Page>;

  const change = async (channel: NotificationChannel, on: boolean) => {
    if (saving) return;
    const before = value;
    setValue({ ...value, [channel]: on });
    setSaving(channel);
    setError(undefined);
    setSaved(undefined);
    try {
      const next = await notifications.update({ [channel]: on });
      setValue(next);
      setSaved(`已${on ? '开启' : '关闭'}${NOTIFICATION_CHANNEL_NAMES[channel]}`);
    } catch (err) {
      setValue(before);
      setError(err);
    } finally {
      setSaving(undefined);
    }
  };

  const none = NOTIFICATION_CHANNELS.every((c) => !value[c]);
  return (
    <Page className='ov-cases ov-notify'>
      <Section title='办件进度通知' className='notify-section'>
        <Text className='ov-case-line'>办件受理、需要补正、审批结果、证件寄出等重要进度，将通过您开启的渠道通知您。</Text>
        {NOTIFICATION_CHANNELS.map((channel) => (
          <View key={channel} className='ov-notify-row'>
            <Toggle
              id={`notify-${channel}`}
              className={`notify-${channel}`}
              on={value[channel]}
              onChange={(on) => void change(channel, on)}
              title={NOTIFICATION_CHANNEL_NAMES[channel]}
              description={DESCRIPTIONS[channel]}
              onText='已开启'
              offText='已关闭'
              disabled={!!saving}
            />
          </View>
        ))}
        {none ? <InlineNotice id='notify-none'>您已关闭全部通知，可在“我的办件”中随时查看进度。</InlineNotice> : null}
        <InlineNotice tone='success' id='notify-saved'>
          {saved}
        </InlineNotice>
        <InlineApiError error={error} id='notify-error' />
      </Section>
    </Page>
  );
}
