/**
 * SMS gateway simulator: `POST <prefix>/sms/v1/sms/send` (signed, see adapters/sms/client.ts).
 * It delivers nowhere: it keeps the LAST message per phone in memory so developers and tests can
 * read it (`lastSmsTo(phone)`, `GET <prefix>/sms/dev/outbox?phone=…`), and the last 1000 messages
 * in order (`sentMessages()`). The send endpoint answers a message id only, never the content.
 * Templates are the ones registered below (a real gateway has them filed with the carriers); a
 * request with a `clientRef` seen in the last 24 hours is not sent again and answers the first
 * messageId (409 CLIENT_REF_REUSED when the repeat asks for a different message).
 */
import { isValidMobile } from '@onevisit/shared-types';
import { guarded, type SimContext } from './context';
import { refuse, signedGatewayServer } from './signed';
import { ExpiringMap, randomToken } from './util';

export const SMS_TEMPLATES: Record<string, { text: string; params: string[] }> = {
  login_code: { text: '【湖南公安】您的登录验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。', params: ['code', 'minutes'] },
  // Case (办件) notices: see modules/notifications/templates.ts.
  case_progress: { text: '【湖南公安】您申请的{item}（办件编号{caseNo}）{state}：{note}。详情请进入小程序查看。', params: ['item', 'caseNo', 'state', 'note'] },
  case_supplement: { text: '【湖南公安】您申请的{item}（办件编号{caseNo}）需要补正材料：{note}。请进入小程序补正，补正期间办理时限暂停计算。', params: ['item', 'caseNo', 'note'] },
  case_payment: { text: '【湖南公安】您申请的{item}（办件编号{caseNo}）待缴费，请进入小程序缴费后继续办理。', params: ['item', 'caseNo'] },
  case_shipped: { text: '【湖南公安】您申请的{item}（办件编号{caseNo}）办理结果已寄出，请留意查收。', params: ['item', 'caseNo'] },
  case_pickup: { text: '【湖南公安】您申请的{item}（办件编号{caseNo}）办理结果可以领取了，请携带本人身份证件到办理窗口领取。', params: ['item', 'caseNo'] },
};

/** The longest message the gateway sends (8 concatenated parts of 67 characters). */
const MAX_TEXT_CHARS = 536;
const CLIENT_REF_TTL_MS = 24 * 3600_000;
const MAX_SENT_KEPT = 1000;

export interface SentSms {
  messageId: string;
  phone: string;
  template: string;
  params: Record<string, string>;
  /** The rendered text as the citizen would read it. */
  text: string;
  sentAt: string;
}

export interface SmsSimulator {
  lastSmsTo(phone: string): SentSms | undefined;
  /** Every message sent, oldest first (the last 1000). */
  sentMessages(): SentSms[];
  /** Forgets the ordered log only (the last message per phone stays readable). */
  clearSentMessages(): void;
  clear(): void;
}

export function smsSimulator(sim: SimContext, credentials: { appKey: string; appSecret: string }): SmsSimulator {
  const outbox = new Map<string, SentSms>();
  let sent: SentSms[] = [];
  const byClientRef = new ExpiringMap<SentSms>(sim.now);
  const gateway = signedGatewayServer(credentials, sim.now);
  const base = `/sms`;

  sim.router.post(
    `${base}/v1/sms/send`,
    guarded(sim, 'sms', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const { phone, template, params, clientRef } = body;
      if (typeof phone !== 'string' || !isValidMobile(phone)) return refuse(ctx, 400, 'INVALID_PHONE', 'phone must be a mainland mobile number');
      if (clientRef !== undefined && (typeof clientRef !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(clientRef))) {
        return refuse(ctx, 400, 'INVALID_CLIENT_REF', 'clientRef: 8–64 of [A-Za-z0-9_-]');
      }
      if (typeof template !== 'string' || !SMS_TEMPLATES[template]) return refuse(ctx, 400, 'UNKNOWN_TEMPLATE', 'no such template');
      const spec = SMS_TEMPLATES[template];
      const p = params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
      if (!p || !spec.params.every((k) => typeof p[k] === 'string' && p[k]) || Object.keys(p).some((k) => !spec.params.includes(k))) {
        return refuse(ctx, 400, 'TEMPLATE_PARAMS_MISMATCH', `template ${template} takes ${spec.params.join(', ')}`);
      }
      const strings = p as Record<string, string>;
      const text = spec.text.replace(/\{(\w+)\}/g, (_m, k: string) => strings[k] ?? '');
      if (Array.from(text).length > MAX_TEXT_CHARS) return refuse(ctx, 400, 'MESSAGE_TOO_LONG', `a message has at most ${MAX_TEXT_CHARS} characters`);
      const earlier = typeof clientRef === 'string' ? byClientRef.get(clientRef) : undefined;
      if (earlier) {
        if (earlier.phone !== phone || earlier.text !== text) return refuse(ctx, 409, 'CLIENT_REF_REUSED', 'this clientRef was used for another message');
        ctx.body = { messageId: earlier.messageId };
        return;
      }
      const message: SentSms = { messageId: `sms-${randomToken(12)}`, phone, template, params: { ...strings }, text, sentAt: new Date(sim.now()).toISOString() };
      outbox.set(phone, message);
      sent = [...sent.slice(-(MAX_SENT_KEPT - 1)), message];
      if (typeof clientRef === 'string') byClientRef.set(clientRef, message, CLIENT_REF_TTL_MS);
      ctx.body = { messageId: message.messageId };
    }),
  );

  // Dev only: this router is never mounted in production.
  sim.router.get(`${base}/dev/outbox`, (ctx) => {
    const phone = String(ctx.query.phone ?? '');
    const message = outbox.get(phone);
    if (!message) return refuse(ctx, 404, 'NO_MESSAGE', 'no message to this phone');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = message;
  });

  return {
    lastSmsTo: (phone) => outbox.get(phone),
    sentMessages: () => [...sent],
    clearSentMessages: () => {
      sent = [];
    },
    clear: () => {
      outbox.clear();
      sent = [];
    },
  };
}
