import { describe, expect, it } from '@jest/globals';
// Tests only: the schemas (and zod) are the reference the console's checks must agree with; the
// console's own code imports values from '@onevisit/shared-types/client' alone.
import {
  CreatePartnerRequestSchema,
  PartnerCallQuerySchema,
  PartnerSettingsSchema,
  UpdatePartnerRequestSchema,
  WebhookDeliveryQuerySchema,
} from '@onevisit/shared-types';
import { WEBHOOK_DELIVERY_STATUSES, type Partner } from '@onevisit/shared-types/client';
import {
  EMPTY_CALLS_FILTER,
  EMPTY_PARTNER_DRAFT,
  SECRET_ONCE_WARNING,
  buildCreateBody,
  buildUpdateBody,
  callsHref,
  callsQuery,
  changedSettingNames,
  checkCallsFilter,
  checkSettings,
  checkWebhookFilter,
  disablesPartner,
  draftFromPartner,
  httpStatusTone,
  ipAllowListText,
  parseCallsFilter,
  parseIpAllowList,
  parseWebhookFilter,
  partnerServerIssues,
  scopeName,
  secretHintText,
  secretSlots,
  shanghaiMinuteToIso,
  signatureResultView,
  sortScopes,
  webhookHost,
  webhookHref,
  webhookQuery,
  webhookStatusTone,
  webhookUrlProblem,
  webhookUrlWarning,
  type PartnerDraft,
} from './partners';
import { hrefs, parseHash } from './router';

const CASE_NO = '11430000006942012X4000112025030700012';

function partner(over: Partial<Partner> = {}): Partner {
  return {
    appId: 'gd-gov',
    name: '省政务服务平台',
    algorithm: 'HMAC-SHA256',
    scopes: ['catalog:read', 'cases:read'],
    ipAllowList: ['203.0.113.10', '198.51.100.0/24'],
    rateLimitPerMinute: 600,
    webhookUrl: 'https://gov.example.cn/onevisit/webhook',
    profileId: 'canonical',
    enabled: true,
    relyingPartyType: null,
    secrets: [{ slot: 'current', hint: 'a1b2', createdAt: '2025-03-01T02:00:00.000Z' }],
    webhookSecretHint: 'w9x8',
    createdAt: '2025-03-01T02:00:00.000Z',
    updatedAt: '2025-03-05T02:00:00.000Z',
    ...over,
  };
}

const validDraft = (over: Partial<PartnerDraft> = {}): PartnerDraft => ({
  ...EMPTY_PARTNER_DRAFT,
  name: '  省政务服务平台 ',
  scopes: ['cases:read', 'catalog:read'],
  ipText: '203.0.113.10\n\n 198.51.100.0/24 \n',
  webhookUrl: ' https://gov.example.cn/onevisit/webhook ',
  ...over,
});

describe('IP allow-list textarea', () => {
  it('takes one trimmed rule a line, skips blank lines and drops duplicates', () => {
    const parsed = parseIpAllowList(' 10.0.0.8 \r\n\n10.1.0.0/16\n2001:db8::/32\n10.0.0.8\n');
    expect(parsed).toEqual({ rules: ['10.0.0.8', '10.1.0.0/16', '2001:db8::/32'], bad: [], issue: null });
    expect(parseIpAllowList('')).toEqual({ rules: [], bad: [], issue: null });
    expect(parseIpAllowList('  \n\n')).toEqual({ rules: [], bad: [], issue: null });
  });

  it('reports bad lines by their line number, blank lines counted', () => {
    const parsed = parseIpAllowList('10.0.0.8\n\nexample.com\n10.0.0.0/8, 10.1.0.0/16\n192.168.1.1/33/1');
    expect(parsed.rules).toEqual(['10.0.0.8']);
    expect(parsed.bad).toEqual([
      { line: 3, text: 'example.com' },
      { line: 4, text: '10.0.0.0/8, 10.1.0.0/16' },
      { line: 5, text: '192.168.1.1/33/1' },
    ]);
    expect(parsed.issue).toContain('第 3 行“example.com”');
    expect(parsed.issue).toContain('第 4 行');
  });

  it('summarises many bad lines and refuses more than 50 rules', () => {
    const many = parseIpAllowList(['a.b', 'c.d', 'e.f', 'g.h', 'i.j'].join('\n'));
    expect(many.bad).toHaveLength(5);
    expect(many.issue).toContain('等 5 行');
    const fifty = Array.from({ length: 50 }, (_, i) => `10.0.${i}.1`).join('\n');
    expect(parseIpAllowList(fifty).issue).toBeNull();
    expect(parseIpAllowList(`${fifty}\n10.9.9.9`).issue).toBe('最多 50 条，当前 51 条');
  });

  it('accepts and rejects exactly what the shared schema does', () => {
    const schema = PartnerSettingsSchema.shape.ipAllowList;
    const candidates = [
      '10.0.0.8',
      ' 10.0.0.8 ',
      '10.0.0.0/8',
      '10.0.0.0/123',
      '10.0.0',
      '10.0.0.0.1',
      '1234.1.1.1',
      '::1',
      'fe80::1/64',
      '2001:db8::/1234',
      'cafe',
      'g::1',
      '10.0.0.8 /24',
      '10.0.0.8;',
      'localhost',
      '*',
    ];
    for (const line of candidates) {
      expect([line, parseIpAllowList(line).bad.length === 0]).toEqual([line, schema.safeParse([line]).success]);
    }
  });

  it('writes the rules back one a line', () => {
    expect(ipAllowListText(['10.0.0.8', '10.1.0.0/16'])).toBe('10.0.0.8\n10.1.0.0/16');
    expect(parseIpAllowList(ipAllowListText(partner().ipAllowList)).rules).toEqual(partner().ipAllowList);
  });
});

describe('partner settings and the create body', () => {
  it('builds a create body the contract accepts: trimmed, scopes in the contract order, no webhook as null', () => {
    const built = buildCreateBody(' gd-gov ', validDraft({ webhookUrl: '' }));
    expect(built).toEqual({
      ok: true,
      body: {
        appId: 'gd-gov',
        name: '省政务服务平台',
        algorithm: 'HMAC-SHA256',
        scopes: ['catalog:read', 'cases:read'],
        ipAllowList: ['203.0.113.10', '198.51.100.0/24'],
        rateLimitPerMinute: 600,
        webhookUrl: null,
        profileId: 'canonical',
        enabled: true,
        relyingPartyType: null,
      },
    });
    if (built.ok) expect(CreatePartnerRequestSchema.safeParse(built.body).success).toBe(true);
    const withHook = buildCreateBody('gd-gov', validDraft());
    expect(withHook.ok && withHook.body.webhookUrl).toBe('https://gov.example.cn/onevisit/webhook');
    if (withHook.ok) expect(CreatePartnerRequestSchema.safeParse(withHook.body).success).toBe(true);
  });

  it('reports every bad field at once, the app id included', () => {
    const built = buildCreateBody('1bad', { ...EMPTY_PARTNER_DRAFT, name: 'x', rateLimit: '0', webhookUrl: 'gov.example.cn/hook', ipText: 'nope', profileId: '' });
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(Object.keys(built.issues).sort()).toEqual(['appId', 'ipAllowList', 'name', 'profileId', 'rateLimitPerMinute', 'scopes', 'webhookUrl']);
    expect(buildCreateBody('', validDraft())).toEqual({ ok: false, issues: { appId: '请输入 AppID' } });
  });

  it('checks the app id like the contract', () => {
    for (const [appId, ok] of [
      ['gd-gov', true],
      ['abc', true],
      ['ab', false],
      ['Gd-gov', false],
      ['gd_gov', false],
      ['9gov', false],
      [`a${'b'.repeat(31)}`, true],
      [`a${'b'.repeat(32)}`, false],
    ] as const) {
      expect([appId, buildCreateBody(appId, validDraft()).ok]).toEqual([appId, ok]);
      expect(CreatePartnerRequestSchema.safeParse({ ...(buildCreateBody('gd-gov', validDraft()) as { body: object }).body, appId }).success).toBe(ok);
    }
  });

  it('bounds the name (2–60 after trimming) and the rate limit (whole numbers 1–100000)', () => {
    expect(checkSettings(validDraft({ name: ' 甲 ' })).ok).toBe(false);
    expect(checkSettings(validDraft({ name: '甲乙' })).ok).toBe(true);
    expect(checkSettings(validDraft({ name: '名'.repeat(60) })).ok).toBe(true);
    expect(checkSettings(validDraft({ name: '名'.repeat(61) })).ok).toBe(false);
    for (const [rate, ok] of [
      ['1', true],
      ['100000', true],
      [' 600 ', true],
      ['0', false],
      ['100001', false],
      ['1.5', false],
      ['-5', false],
      ['1e3', false],
      ['', false],
    ] as const) {
      expect([rate, checkSettings(validDraft({ rateLimit: rate })).ok]).toEqual([rate, ok]);
    }
  });

  it('takes http(s) webhook URLs only, and warns about plain http', () => {
    expect(webhookUrlProblem('https://gov.example.cn/hook')).toBeNull();
    expect(webhookUrlProblem('http://10.0.0.8:8080/hook')).toBeNull();
    expect(webhookUrlProblem('gov.example.cn/hook')).not.toBeNull();
    expect(webhookUrlProblem('javascript:alert(1)')).not.toBeNull();
    expect(webhookUrlProblem('ftp://gov.example.cn/')).not.toBeNull();
    expect(webhookUrlProblem(`https://gov.example.cn/${'a'.repeat(480)}`)).toBe('最多 500 个字符');
    expect(webhookUrlWarning('http://10.0.0.8/hook')).not.toBeNull();
    expect(webhookUrlWarning('https://gov.example.cn/hook')).toBeNull();
  });

  it('keeps known scopes only, each once, in the contract order', () => {
    expect(sortScopes(['identity:attest', 'catalog:read', 'nope', 'catalog:read'])).toEqual(['catalog:read', 'identity:attest']);
    expect(scopeName('cases:write')).toBe('代为申办');
    expect(scopeName('future:scope')).toBe('future:scope');
  });
});

describe('the PATCH body carries only what changed', () => {
  it('is empty for the partner as loaded', () => {
    expect(buildUpdateBody(partner(), draftFromPartner(partner()))).toEqual({ ok: true, body: {} });
    expect(buildUpdateBody(partner({ webhookUrl: null }), draftFromPartner(partner({ webhookUrl: null })))).toEqual({ ok: true, body: {} });
  });

  it('sends a changed field alone', () => {
    const p = partner();
    expect(buildUpdateBody(p, { ...draftFromPartner(p), name: ' 新名称 ' })).toEqual({ ok: true, body: { name: '新名称' } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), rateLimit: '1200' })).toEqual({ ok: true, body: { rateLimitPerMinute: 1200 } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), algorithm: 'HMAC-SM3' })).toEqual({ ok: true, body: { algorithm: 'HMAC-SM3' } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), profileId: 'gd-wrapped' })).toEqual({ ok: true, body: { profileId: 'gd-wrapped' } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), webhookUrl: '  ' })).toEqual({ ok: true, body: { webhookUrl: null } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), relyingPartyType: 'hotel' })).toEqual({ ok: true, body: { relyingPartyType: 'hotel' } });
    const hotel = partner({ relyingPartyType: 'hotel' });
    expect(buildUpdateBody(hotel, { ...draftFromPartner(hotel), relyingPartyType: '' })).toEqual({ ok: true, body: { relyingPartyType: null } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), ipText: '' })).toEqual({ ok: true, body: { ipAllowList: [] } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), scopes: ['cases:write', 'catalog:read', 'cases:read'] })).toEqual({
      ok: true,
      body: { scopes: ['catalog:read', 'cases:write', 'cases:read'] },
    });
  });

  it('treats reordered scopes and IP rules, and a duplicated rule, as no change', () => {
    const p = partner();
    const draft = { ...draftFromPartner(p), scopes: ['cases:read', 'catalog:read'] as PartnerDraft['scopes'], ipText: '198.51.100.0/24\n203.0.113.10\n203.0.113.10\n' };
    expect(buildUpdateBody(p, draft)).toEqual({ ok: true, body: {} });
  });

  it('sends several changes together, and the contract accepts them', () => {
    const p = partner();
    const built = buildUpdateBody(p, { ...draftFromPartner(p), enabled: false, ipText: '10.0.0.8', webhookUrl: 'https://new.example.cn/hook' });
    expect(built).toEqual({ ok: true, body: { ipAllowList: ['10.0.0.8'], webhookUrl: 'https://new.example.cn/hook', enabled: false } });
    if (built.ok) {
      expect(UpdatePartnerRequestSchema.safeParse(built.body).success).toBe(true);
      expect(changedSettingNames(built.body)).toEqual(['IP 白名单', '状态推送地址', '启用状态']);
    }
  });

  it('refuses a bad draft instead of sending part of it', () => {
    const p = partner();
    expect(buildUpdateBody(p, { ...draftFromPartner(p), name: 'x', ipText: '10.0.0.8\nbogus' })).toMatchObject({ ok: false, issues: { name: expect.any(String), ipAllowList: expect.stringContaining('第 2 行') } });
    expect(buildUpdateBody(p, { ...draftFromPartner(p), scopes: [] })).toMatchObject({ ok: false, issues: { scopes: '至少选择一项权限范围' } });
  });

  it('asks for confirmation only when the partner is being turned off', () => {
    expect(disablesPartner(partner(), { enabled: false })).toBe(true);
    expect(disablesPartner(partner(), { enabled: false, name: '新名称' })).toBe(true);
    expect(disablesPartner(partner(), { name: '新名称' })).toBe(false);
    expect(disablesPartner(partner({ enabled: false }), { enabled: false })).toBe(false);
    expect(disablesPartner(partner({ enabled: false }), { enabled: true })).toBe(false);
  });

  it('puts a VALIDATION_FAILED body on the form fields, list items on their list', () => {
    const details = {
      issues: [
        { field: 'body.ipAllowList.2', message: 'an IPv4/IPv6 address or CIDR range' },
        { field: 'body.ipAllowList.5', message: 'second' },
        { field: 'body.webhookUrl', message: 'Invalid URL' },
        { field: 'body.secret', message: 'unknown field' },
        { field: 'query.page', message: 'not a form field' },
      ],
    };
    expect(partnerServerIssues(details)).toEqual({ ipAllowList: 'an IPv4/IPv6 address or CIDR range', webhookUrl: 'Invalid URL' });
    expect(partnerServerIssues(undefined)).toEqual({});
  });
});

describe('secrets and display', () => {
  it('finds the current and the previous secret by slot', () => {
    expect(secretSlots(partner())).toEqual({ current: { slot: 'current', hint: 'a1b2', createdAt: '2025-03-01T02:00:00.000Z' }, previous: null });
    const rotating = partner({
      secrets: [
        { slot: 'previous', hint: 'a1b2', createdAt: '2025-03-01T02:00:00.000Z' },
        { slot: 'current', hint: 'c3d4', createdAt: '2025-03-06T02:00:00.000Z' },
      ],
    });
    expect(secretSlots(rotating).current?.hint).toBe('c3d4');
    expect(secretSlots(rotating).previous?.hint).toBe('a1b2');
    expect(secretSlots(partner({ secrets: [] }))).toEqual({ current: null, previous: null });
  });

  it('shows a secret by its last characters only', () => {
    expect(secretHintText('a1b2')).toBe('••••a1b2');
    expect(secretHintText('')).toBe('—');
    expect(secretHintText(undefined)).toBe('—');
    expect(SECRET_ONCE_WARNING).toBe('只显示一次，请立即复制并通过安全渠道交给对接方');
  });

  it('shows the webhook host in the list', () => {
    expect(webhookHost('https://gov.example.cn:8443/onevisit/webhook?x=1')).toBe('gov.example.cn:8443');
    expect(webhookHost(null)).toBeNull();
    expect(webhookHost('not a url')).toBe('not a url');
  });

  it('colours delivery statuses: delivered ok, retrying warn, dead bad, pending in progress', () => {
    expect(Object.fromEntries(WEBHOOK_DELIVERY_STATUSES.map((s) => [s, webhookStatusTone(s)]))).toEqual({
      pending: 'progress',
      retrying: 'warn',
      delivered: 'ok',
      dead: 'bad',
    });
  });

  it('colours HTTP statuses by class', () => {
    expect([200, 204, 299].map(httpStatusTone)).toEqual(['ok', 'ok', 'ok']);
    expect([400, 401, 429, 499].map(httpStatusTone)).toEqual(['warn', 'warn', 'warn', 'warn']);
    expect([500, 503].map(httpStatusTone)).toEqual(['bad', 'bad']);
    expect([null, 0, 302, 600].map(httpStatusTone)).toEqual(['muted', 'muted', 'muted', 'muted']);
  });

  it('names a signature result: ok passes, anything else is a refusal with its code', () => {
    expect(signatureResultView('ok')).toEqual({ refused: false, code: null, label: '通过' });
    expect(signatureResultView('SIGNATURE_INVALID')).toEqual({ refused: true, code: 'SIGNATURE_INVALID', label: '签名错误' });
    expect(signatureResultView('IP_NOT_ALLOWED')).toEqual({ refused: true, code: 'IP_NOT_ALLOWED', label: '来源 IP 不在白名单' });
    expect(signatureResultView('unverified')).toEqual({ refused: true, code: 'unverified', label: '未完成校验' });
    expect(signatureResultView('SOMETHING_NEW')).toEqual({ refused: true, code: 'SOMETHING_NEW', label: '已拒绝' });
    expect(signatureResultView('OK').refused).toBe(true);
  });
});

describe('webhook delivery filter', () => {
  it('round-trips through the hash, defaults left out', () => {
    expect(webhookHref({ page: 1 })).toBe('#/partner-webhooks');
    const filter = { appId: 'gd-gov', status: 'dead' as const, caseNo: CASE_NO, page: 3 };
    const href = webhookHref(filter);
    expect(href).toBe(`#/partner-webhooks?appId=gd-gov&status=dead&caseNo=${CASE_NO}&page=3`);
    expect(parseHash(href)).toEqual({ name: 'partnerWebhooks', filter });
  });

  it('ignores bad values in the hash', () => {
    expect(parseWebhookFilter('appId=Bad_Id&status=lost&caseNo=123&page=0')).toEqual({ page: 1 });
    expect(parseWebhookFilter('status=retrying&page=99999')).toEqual({ status: 'retrying', page: 1 });
  });

  it('checks the typed filter: app id rule, case number normalised', () => {
    expect(checkWebhookFilter({ appId: ' gd-gov ', status: '', caseNo: ` ${CASE_NO.toLowerCase().slice(0, 10)} ${CASE_NO.toLowerCase().slice(10)} ` })).toEqual({
      ok: true,
      filter: { appId: 'gd-gov', caseNo: CASE_NO, page: 1 },
    });
    expect(checkWebhookFilter({ appId: '', status: 'dead', caseNo: '' })).toEqual({ ok: true, filter: { status: 'dead', page: 1 } });
    expect(checkWebhookFilter({ appId: 'GD', status: '', caseNo: '12345' })).toEqual({ ok: false, issues: { appId: expect.any(String), caseNo: expect.any(String) } });
  });

  it('queries what the contract accepts', () => {
    const query = webhookQuery({ appId: 'gd-gov', status: 'dead', caseNo: CASE_NO, page: 2 }, 20);
    expect(query).toEqual({ appId: 'gd-gov', status: 'dead', caseNo: CASE_NO, page: 2, pageSize: 20 });
    expect(WebhookDeliveryQuerySchema.safeParse(query).success).toBe(true);
    expect(WebhookDeliveryQuerySchema.safeParse(webhookQuery({ page: 1 }, 20)).success).toBe(true);
  });
});

describe('call evidence search', () => {
  it('reads a Beijing minute as its UTC instant, the end of the minute for a range end', () => {
    expect(shanghaiMinuteToIso('2025-03-07T14:05')).toBe('2025-03-07T06:05:00.000Z');
    expect(shanghaiMinuteToIso('2025-03-07T14:05', true)).toBe('2025-03-07T06:05:59.999Z');
    // Half past midnight in Beijing is still the previous day in UTC.
    expect(shanghaiMinuteToIso('2025-03-07T00:30')).toBe('2025-03-06T16:30:00.000Z');
    expect(shanghaiMinuteToIso('2024-02-29T08:00')).toBe('2024-02-29T00:00:00.000Z');
    for (const bad of ['2025-02-29T08:00', '2025-03-07T24:00', '2025-03-07T12:60', '2025-03-07', '2025-03-07 14:05', '']) {
      expect([bad, shanghaiMinuteToIso(bad)]).toEqual([bad, undefined]);
    }
  });

  it('checks the typed search: trims, wants a path starting with /, and a range in order', () => {
    const draft = { ...EMPTY_CALLS_FILTER, appId: ' gd-gov ', requestId: ' req-1 ', path: ' /open/v1/cases ', result: 'refused' as const, from: '2025-03-07T14:05', to: '2025-03-07T14:05' };
    expect(checkCallsFilter(draft)).toEqual({
      ok: true,
      filter: { appId: 'gd-gov', requestId: 'req-1', path: '/open/v1/cases', result: 'refused', from: '2025-03-07T14:05', to: '2025-03-07T14:05', page: 1 },
    });
    expect(checkCallsFilter({ ...draft, path: 'open/v1/cases' })).toMatchObject({ ok: false, issues: { path: expect.stringContaining('/') } });
    expect(checkCallsFilter({ ...draft, from: '2025-03-07T14:06' })).toEqual({ ok: false, issues: { to: '结束时间不能早于开始时间' } });
    expect(checkCallsFilter({ ...draft, requestId: 'r'.repeat(65) })).toMatchObject({ ok: false, issues: { requestId: expect.any(String) } });
  });

  it('sends only what was given, times as UTC instants, and the contract accepts it', () => {
    expect(callsQuery(EMPTY_CALLS_FILTER, 20)).toEqual({
      appId: undefined,
      requestId: undefined,
      path: undefined,
      result: undefined,
      from: undefined,
      to: undefined,
      page: 1,
      pageSize: 20,
    });
    const filter = { appId: 'gd-gov', requestId: 'req-1', path: '/open/v1/cases', result: 'ok' as const, from: '2025-03-07T08:00', to: '2025-03-07T09:30', page: 2 };
    const query = callsQuery(filter, 20);
    expect(query).toEqual({ appId: 'gd-gov', requestId: 'req-1', path: '/open/v1/cases', result: 'ok', from: '2025-03-07T00:00:00.000Z', to: '2025-03-07T01:30:59.999Z', page: 2, pageSize: 20 });
    const parsed = PartnerCallQuerySchema.safeParse(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)));
    expect(parsed.success).toBe(true);
  });

  it('round-trips through the hash, path slashes included; drops what the hash cannot hold', () => {
    expect(callsHref(EMPTY_CALLS_FILTER)).toBe('#/partner-calls');
    const filter = { appId: 'gd-gov', requestId: 'req-1', path: '/open/v1/cases', result: 'refused' as const, from: '2025-03-07T08:00', to: '2025-03-07T09:30', page: 2 };
    const href = callsHref(filter);
    expect(parseHash(href)).toEqual({ name: 'partnerCalls', filter });
    expect(parseCallsFilter('path=open/v1&result=maybe&from=yesterday&to=2025-02-30T10:00&page=-1')).toEqual(EMPTY_CALLS_FILTER);
    expect(parseCallsFilter(`requestId=${'r'.repeat(65)}`).requestId).toBe('');
  });
});

describe('partner routes', () => {
  it('routes the registry, one partner and the two logs', () => {
    expect(parseHash(hrefs.partners)).toEqual({ name: 'partners' });
    expect(parseHash(hrefs.partner('gd-gov'))).toEqual({ name: 'partner', appId: 'gd-gov' });
    expect(parseHash(hrefs.partnerWebhooks)).toEqual({ name: 'partnerWebhooks', filter: { page: 1 } });
    expect(parseHash(hrefs.partnerCalls)).toEqual({ name: 'partnerCalls', filter: EMPTY_CALLS_FILTER });
    expect(parseHash('#/partners/gd-gov/extra')).toEqual({ name: 'notFound', path: '/partners/gd-gov/extra' });
  });
});
