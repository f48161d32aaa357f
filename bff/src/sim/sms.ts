/**
 * SMS gateway simulator: `POST <prefix>/sms/v1/sms/send` (signed, see adapters/sms/client.ts).
 * It delivers nowhere: it keeps the LAST message per phone in memory so developers and tests can
 * read it (`lastSmsTo(phone)`, `GET <prefix>/sms/dev/outbox?phone=…`). The send endpoint answers
 * a message id only, never the content.
 */
import { isValidMobile } from '@onevisit/shared-types';
import { guarded, type SimContext } from './context';
import { refuse, signedGatewayServer } from './signed';
import { randomToken } from './util';

export const SMS_TEMPLATES: Record<string, { text: string; params: string[] }> = {
  login_code: { text: '【湖南公安】您的登录验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。', params: ['code', 'minutes'] },
};

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
  clear(): void;
}

export function smsSimulator(sim: SimContext, credentials: { appKey: string; appSecret: string }): SmsSimulator {
  const outbox = new Map<string, SentSms>();
  const gateway = signedGatewayServer(credentials, sim.now);
  const base = `/sms`;

  sim.router.post(
    `${base}/v1/sms/send`,
    guarded(sim, 'sms', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const { phone, template, params } = body;
      if (typeof phone !== 'string' || !isValidMobile(phone)) return refuse(ctx, 400, 'INVALID_PHONE', 'phone must be a mainland mobile number');
      if (typeof template !== 'string' || !SMS_TEMPLATES[template]) return refuse(ctx, 400, 'UNKNOWN_TEMPLATE', 'no such template');
      const spec = SMS_TEMPLATES[template];
      const p = params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
      if (!p || !spec.params.every((k) => typeof p[k] === 'string' && p[k]) || Object.keys(p).some((k) => !spec.params.includes(k))) {
        return refuse(ctx, 400, 'TEMPLATE_PARAMS_MISMATCH', `template ${template} takes ${spec.params.join(', ')}`);
      }
      const strings = p as Record<string, string>;
      const message: SentSms = {
        messageId: `sms-${randomToken(12)}`,
        phone,
        template,
        params: { ...strings },
        text: spec.text.replace(/\{(\w+)\}/g, (_m, k: string) => strings[k] ?? ''),
        sentAt: new Date(sim.now()).toISOString(),
      };
      outbox.set(phone, message);
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
    clear: () => outbox.clear(),
  };
}
