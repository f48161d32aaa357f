import { CASE_STATES, CASE_STATE_NAMES } from '@onevisit/shared-types';
import { DEV_TEMPLATE_IDS, fit, isNotifiedAction, NOTIFIED_ACTIONS, NotificationTemplates, shanghaiTime, type NoticeContent, type TemplateSettings } from './templates';

const settings = (over: Partial<TemplateSettings> = {}): TemplateSettings => ({ wechat: {}, alipay: {}, sms: {}, casePage: 'packages/cases/detail/index', ...over });
// Hunan's implementation code (30) + date + sequence: 42 characters.
const CASE_NO = '114300000061234567010000000001202401050007';
const notice = (over: Partial<NoticeContent> = {}): NoticeContent => ({
  caseNo: CASE_NO,
  itemName: '居民身份证补领',
  action: 'accept',
  state: 'accepted',
  at: new Date('2024-01-05T00:30:00Z'),
  ...over,
});
const chars = (s: string) => Array.from(s).length;

describe('case notice templates', () => {
  const templates = new NotificationTemplates(settings());

  it('formats the time in Asia/Shanghai whatever the process time zone', () => {
    expect(shanghaiTime(new Date('2024-01-05T00:30:00Z'))).toBe('2024年1月5日 08:30');
    expect(shanghaiTime(new Date('2023-12-31T16:05:00Z'))).toBe('2024年1月1日 00:05');
  });

  it('fits text by characters, collapsing whitespace and marking a cut', () => {
    expect(fit('  居民\n身份证  ', 20)).toBe('居民 身份证');
    expect(fit('一二三四五六', 5)).toBe('一二三四…');
    expect(chars(fit('😀'.repeat(30), 20))).toBe(20);
  });

  it('fills the WeChat keywords within their type limits for every notified action and state', () => {
    for (const action of NOTIFIED_ACTIONS) {
      for (const state of CASE_STATES) {
        const { data, templateId, page } = templates.wechat(notice({ action, state, itemName: '出入境通行证（往来港澳通行证）签注及再次签注补办申请' }));
        expect(templateId).toMatch(/^[A-Za-z0-9_-]{20,64}$/);
        expect(page).toBe(`packages/cases/detail/index?caseNo=${CASE_NO}`);
        expect(data.character_string1).toMatch(/^[\x21-\x7e]{1,32}$/);
        expect(chars(data.thing2)).toBeLessThanOrEqual(20);
        expect(data.phrase3).toMatch(/^[\u4e00-\u9fa5]{1,5}$/);
        expect(data.time4).toBe('2024年1月5日 08:30');
        expect(chars(data.thing5)).toBeLessThanOrEqual(20);
        expect(Object.keys(data)).toEqual(['character_string1', 'thing2', 'phrase3', 'time4', 'thing5']);
      }
    }
  });

  it('shows the last 32 characters of a longer case number on WeChat, the whole number elsewhere', () => {
    expect(templates.wechat(notice()).data.character_string1).toBe(CASE_NO.slice(-32));
    expect(templates.alipay(notice()).data.keyword1).toBe(CASE_NO);
    expect(templates.sms(notice()).params.caseNo).toBe(CASE_NO);
    expect(templates.wechat(notice({ caseNo: '4301020199001011234' })).data.character_string1).toBe('4301020199001011234');
  });

  it('masks ID and phone numbers in a staff note and shortens it per channel', () => {
    const note = '请补充申请人13800138000的户口本首页，身份证号430102199001011234的复印件不清晰，需重新上传清晰的彩色扫描件';
    const n = notice({ action: 'request_supplement', state: 'supplement_requested', note });
    const all = [JSON.stringify(templates.wechat(n)), JSON.stringify(templates.alipay(n)), JSON.stringify(templates.sms(n))].join('\n');
    expect(all).not.toMatch(/13800138000|430102199001011234/);
    expect(templates.wechat(n).data.thing5).toBe('请补充申请人138****8000的户…');
    expect(chars(templates.alipay(n).data.keyword5)).toBeLessThanOrEqual(50);
    expect(templates.sms(n)).toEqual({ templateCode: 'case_supplement', params: { item: '居民身份证补领', caseNo: CASE_NO, note: expect.stringMatching(/^请补充申请人138\*\*\*\*8000/) } });
  });

  it('picks the SMS template and params per action, and the payment ones when a fee is due on submission', () => {
    expect(templates.sms(notice({ action: 'accept', state: 'accepted' }))).toEqual({
      templateCode: 'case_progress',
      params: { item: '居民身份证补领', caseNo: CASE_NO, state: CASE_STATE_NAMES.accepted, note: '已受理，将在承诺时限内办结' },
    });
    expect(templates.sms(notice({ action: 'ready_for_pickup', state: 'ready_for_pickup' })).templateCode).toBe('case_pickup');
    expect(templates.sms(notice({ action: 'ship', state: 'shipped' })).params).toEqual({ item: '居民身份证补领', caseNo: CASE_NO });
    const dueOnSubmission = notice({ action: 'submit', state: 'awaiting_payment' });
    expect(templates.sms(dueOnSubmission).templateCode).toBe('case_payment');
    expect(templates.wechat(dueOnSubmission).templateId).toBe(DEV_TEMPLATE_IDS.wechat.payment);
    expect(templates.wechat(dueOnSubmission).data.thing5).toBe('请进入小程序完成缴费');
    expect(templates.wechat(notice({ action: 'submit', state: 'submitted' })).templateId).toBe(DEV_TEMPLATE_IDS.wechat.progress);
  });

  it('uses configured template ids and SMS codes per action over the dev defaults', () => {
    const configured = new NotificationTemplates(settings({ wechat: { accept: 'ProdWxAcceptTemplate_0001' }, alipay: { accept: 'UHJvZEFsaUFjY2VwdA==' }, sms: { accept: 'SMS_123456789' } }));
    expect(configured.wechat(notice()).templateId).toBe('ProdWxAcceptTemplate_0001');
    expect(configured.alipay(notice()).templateId).toBe('UHJvZEFsaUFjY2VwdA==');
    expect(configured.sms(notice()).templateCode).toBe('SMS_123456789');
    expect(configured.wechat(notice({ action: 'approve', state: 'approved' })).templateId).toBe(DEV_TEMPLATE_IDS.wechat.result);
  });

  it('turns a channel off when it has no templates', () => {
    const off = new NotificationTemplates(settings({ wechat: null }));
    expect(off.enabled('wechat')).toBe(false);
    expect(off.enabled('alipay')).toBe(true);
    expect(off.enabled('sms')).toBe(true);
    expect(() => off.wechat(notice())).toThrow('no wechat templates are configured');
  });

  it('notifies the citizen-visible actions only', () => {
    expect(isNotifiedAction('approve')).toBe(true);
    expect(isNotifiedAction('pre_review')).toBe(false);
    expect(isNotifiedAction('start_review')).toBe(false);
    expect(isNotifiedAction('answer_supplement')).toBe(false);
  });
});
