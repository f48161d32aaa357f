import { CASE_STATE_NAMES, maskPersonalDataInText, type CaseAction, type CaseState, type NotificationChannel } from '@onevisit/shared-types';
import { SHANGHAI_OFFSET_MS } from '../calendar/dates';

/**
 * What a case notice says on each channel. A notice carries only what the citizen needs to
 * recognise the case and act: case number, item name, state, time (Asia/Shanghai) and a short
 * hint — never names, ID or phone numbers (a staff note is masked and shortened first).
 *
 * Field layouts are fixed here; the template ids (and SMS template codes) come from config, one
 * per action. Pick or apply for templates with these keywords:
 *
 *   WeChat 订阅消息 (keyword types are WeChat's and limit the values):
 *     character_string1 办件编号 (≤ 32 ASCII: longer case numbers show their last 32 characters;
 *                       the message opens the case page with the full number)
 *     thing2 事项名称 (≤ 20) · phrase3 办理状态 (≤ 5 汉字) · time4 办理时间 · thing5 温馨提示 (≤ 20)
 *   Alipay 模板消息: keyword1 办件编号 · keyword2 事项名称 · keyword3 办理状态 · keyword4 办理时间 ·
 *                       keyword5 温馨提示 (each ≤ 50 characters)
 *   SMS: the gateway templates case_progress {item, caseNo, state, note}, case_supplement
 *                       {item, caseNo, note}, case_payment / case_shipped / case_pickup {item, caseNo}
 */

/** Actions a citizen hears about; the rest (pre-review, start of review …) are internal steps. */
export const NOTIFIED_ACTIONS = [
  'submit',
  'payment_confirmed',
  'accept',
  'request_supplement',
  'not_accept',
  'approve',
  'reject',
  'request_payment',
  'ship',
  'ready_for_pickup',
  'complete',
  'withdraw',
] as const satisfies readonly CaseAction[];
export type NotifiedAction = (typeof NOTIFIED_ACTIONS)[number];

export function isNotifiedAction(action: CaseAction): action is NotifiedAction {
  return (NOTIFIED_ACTIONS as readonly string[]).includes(action);
}

/** The SMS layouts (gateway template codes by default) and the params each takes. */
type SmsLayout = 'case_progress' | 'case_supplement' | 'case_payment' | 'case_shipped' | 'case_pickup';

interface ActionSpec {
  /** Shown when the notice has no note of its own; ≤ 20 characters (a WeChat thing). */
  hint: string;
  sms: SmsLayout;
  /** Which dev template a default id points at (real deployments configure one id per action). */
  kind: 'progress' | 'supplement' | 'result' | 'payment' | 'delivery';
}

const ACTIONS: Record<NotifiedAction, ActionSpec> = {
  submit: { hint: '申请已提交，请留意办理进度', sms: 'case_progress', kind: 'progress' },
  payment_confirmed: { hint: '缴费成功，将继续为您办理', sms: 'case_progress', kind: 'payment' },
  accept: { hint: '已受理，将在承诺时限内办结', sms: 'case_progress', kind: 'progress' },
  request_supplement: { hint: '请进入小程序补正材料', sms: 'case_supplement', kind: 'supplement' },
  not_accept: { hint: '不予受理，原因请查看办件详情', sms: 'case_progress', kind: 'result' },
  approve: { hint: '审批通过，请留意后续通知', sms: 'case_progress', kind: 'result' },
  reject: { hint: '不予批准，原因请查看办件详情', sms: 'case_progress', kind: 'result' },
  request_payment: { hint: '请进入小程序完成缴费', sms: 'case_payment', kind: 'payment' },
  ship: { hint: '办理结果已寄出，请留意查收', sms: 'case_shipped', kind: 'delivery' },
  ready_for_pickup: { hint: '请携带身份证件到窗口领取', sms: 'case_pickup', kind: 'delivery' },
  complete: { hint: '已办结，欢迎对本次服务评价', sms: 'case_progress', kind: 'result' },
  withdraw: { hint: '申请已撤回', sms: 'case_progress', kind: 'progress' },
};

/**
 * Dev and simulator template ids, one per kind (WeChat ids are 20–64 of [A-Za-z0-9_-]). A citizen
 * on the simulators subscribes to these (`POST /sim/dev/wechat/subscribe`).
 */
export const DEV_TEMPLATE_IDS: Record<'wechat' | 'alipay', Record<ActionSpec['kind'], string>> = {
  wechat: {
    progress: 'OVdevWxCaseProgress_0000000000000000000000',
    supplement: 'OVdevWxCaseSupplement_00000000000000000000',
    result: 'OVdevWxCaseResult_000000000000000000000000',
    payment: 'OVdevWxCasePayment_00000000000000000000000',
    delivery: 'OVdevWxCaseDelivery_0000000000000000000000',
  },
  alipay: {
    progress: 'T1ZkZXZBbGlDYXNlUHJvZ3Jlc3M=',
    supplement: 'T1ZkZXZBbGlDYXNlU3VwcGxlbWVudA==',
    result: 'T1ZkZXZBbGlDYXNlUmVzdWx0',
    payment: 'T1ZkZXZBbGlDYXNlUGF5bWVudA==',
    delivery: 'T1ZkZXZBbGlDYXNlRGVsaXZlcnk=',
  },
};

export type TemplateIds = Partial<Record<CaseAction, string>>;

export interface TemplateSettings {
  /** Template id per action, over the dev defaults; null turns the channel off (a real platform without configured templates). */
  wechat: TemplateIds | null;
  alipay: TemplateIds | null;
  /** SMS template code per action, over the gateway's own codes. */
  sms: TemplateIds;
  /** The mini-program page a tapped message opens; `?caseNo=…` is appended. */
  casePage: string;
}

/** What a channel handler needs to describe a case notice. */
export interface NoticeContent {
  caseNo: string;
  itemName: string;
  action: NotifiedAction;
  state: CaseState;
  note?: string;
  at: Date;
}

export interface TemplateMessage {
  templateId: string;
  page: string;
  data: Record<string, string>;
}

export interface SmsMessage {
  templateCode: string;
  params: Record<string, string>;
}

/** At most `max` characters (not UTF-16 units), whitespace collapsed, an ellipsis when cut. */
export function fit(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** `2024年1月5日 08:30` in Asia/Shanghai (UTC+8 all year), whatever the process's TZ. */
export function shanghaiTime(at: Date): string {
  const t = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hh}:${mm}`;
}

/** WeChat's character_string holds 32 ASCII characters: the tail keeps the date and sequence. */
function caseNoForWechat(caseNo: string): string {
  return caseNo.length <= 32 ? caseNo : caseNo.slice(-32);
}

export class NotificationTemplates {
  constructor(private readonly settings: TemplateSettings) {}

  /** Whether a channel has templates at all (a real WeChat or Alipay without configured ids has none). */
  enabled(channel: NotificationChannel): boolean {
    return channel === 'sms' || this.settings[channel] !== null;
  }

  wechat(notice: NoticeContent): TemplateMessage {
    return {
      templateId: this.templateId('wechat', notice),
      page: this.page(notice.caseNo),
      data: {
        character_string1: caseNoForWechat(notice.caseNo),
        thing2: fit(notice.itemName, 20),
        phrase3: CASE_STATE_NAMES[notice.state],
        time4: shanghaiTime(notice.at),
        thing5: this.note(notice, 20),
      },
    };
  }

  alipay(notice: NoticeContent): TemplateMessage {
    return {
      templateId: this.templateId('alipay', notice),
      page: this.page(notice.caseNo),
      data: {
        keyword1: notice.caseNo,
        keyword2: fit(notice.itemName, 50),
        keyword3: CASE_STATE_NAMES[notice.state],
        keyword4: shanghaiTime(notice.at),
        keyword5: this.note(notice, 50),
      },
    };
  }

  sms(notice: NoticeContent): SmsMessage {
    const layout = this.spec(notice).sms;
    const base = { item: fit(notice.itemName, 30), caseNo: notice.caseNo };
    const params: Record<SmsLayout, Record<string, string>> = {
      case_progress: { ...base, state: CASE_STATE_NAMES[notice.state], note: this.note(notice, 40) },
      case_supplement: { ...base, note: this.note(notice, 40) },
      case_payment: base,
      case_shipped: base,
      case_pickup: base,
    };
    return { templateCode: this.settings.sms[notice.action] ?? layout, params: params[layout] };
  }

  /** A fee due on submission makes `submit` land in awaiting_payment: tell them to pay. */
  private spec(notice: NoticeContent): ActionSpec {
    return notice.state === 'awaiting_payment' ? ACTIONS.request_payment : ACTIONS[notice.action];
  }

  private templateId(channel: 'wechat' | 'alipay', notice: NoticeContent): string {
    const ids = this.settings[channel];
    if (!ids) throw new Error(`no ${channel} templates are configured`);
    return ids[notice.action] ?? DEV_TEMPLATE_IDS[channel][this.spec(notice).kind];
  }

  /** The staff's note when there is one (masked: it is free text), else the action's hint. */
  private note(notice: NoticeContent, max: number): string {
    const note = notice.note ? maskPersonalDataInText(notice.note).trim() : '';
    return fit(note || this.spec(notice).hint, max);
  }

  private page(caseNo: string): string {
    return `${this.settings.casePage}?caseNo=${encodeURIComponent(caseNo)}`;
  }
}
