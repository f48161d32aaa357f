/**
 * One view over what the simulated channels delivered to citizens — WeChat subscribe messages,
 * Alipay template messages and SMS — for tests and developers (`sims.dev.notifications`).
 */
import type { NotificationChannel } from '@onevisit/shared-types';
import type { AlipaySimulator } from './alipay';
import type { SmsSimulator } from './sms';
import type { WechatSimulator } from './wechat';

interface Delivered {
  /** The recipient: openid, Alipay user id or phone number. */
  to: string;
  sentAt: string;
}

export type SentNotification =
  | (Delivered & { channel: 'wechat'; templateId: string; page: string; data: Record<string, string> })
  | (Delivered & { channel: 'alipay'; templateId: string; page: string; data: Record<string, string> })
  | (Delivered & { channel: 'sms'; template: string; params: Record<string, string>; text: string });

export interface NotificationLog {
  /** Everything delivered (or one channel's), oldest first. */
  sent(channel?: NotificationChannel): SentNotification[];
  clear(): void;
}

export function notificationLog(wechat: WechatSimulator, alipay: AlipaySimulator, sms: SmsSimulator): NotificationLog {
  function all(): SentNotification[] {
    return [
      ...wechat.sentMessages().map((m): SentNotification => ({ channel: 'wechat', to: m.touser, templateId: m.templateId, page: m.page, data: m.data, sentAt: m.sentAt })),
      ...alipay.sentMessages().map((m): SentNotification => ({ channel: 'alipay', to: m.toUserId, templateId: m.templateId, page: m.page, data: m.data, sentAt: m.sentAt })),
      ...sms.sentMessages().map((m): SentNotification => ({ channel: 'sms', to: m.phone, template: m.template, params: m.params, text: m.text, sentAt: m.sentAt })),
    ].sort((a, b) => a.sentAt.localeCompare(b.sentAt)); // stable: ties keep channel order
  }
  return {
    sent: (channel) => all().filter((m) => !channel || m.channel === channel),
    clear() {
      wechat.clearSentMessages();
      alipay.clearSentMessages();
      sms.clearSentMessages();
    },
  };
}
