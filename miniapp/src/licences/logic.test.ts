import { LICENCE_TYPE_FIELDS, type LicenceGrant, type LicenceUsage } from '@onevisit/shared-types/client';
import { ApiError, NetworkError } from '../api/errors';
import { memoryStore } from '../utils/storage';
import { isRetryable, levelGate, licenceErrorView, revealNext } from './errors';
import {
  canRevoke,
  emptyGrantDraft,
  grantFingerprint,
  grantPeriodText,
  grantsToShow,
  hasGrantErrors,
  replaceGrant,
  toGrantRequest,
  validateGrant,
  type Grantee,
} from './grants';
import { fieldLabels, presentationChoice, purposeFields, purposesFor, toggleField, validateCustomFields } from './purposes';
import { markRevealPending, REVEAL_PENDING_KEY, REVEAL_PENDING_TTL_MS, takeRevealPending } from './reveal';
import {
  AUTO_REFRESH_WINDOW_MS,
  countdownText,
  localExpiry,
  MIN_REFRESH_GAP_MS,
  nextRefreshDelay,
  REFRESH_LEAD_MS,
  refreshDelay,
  retryDelay,
  secondsToExpiry,
  windowOver,
} from './schedule';
import { newestFirst, purposeName, usageRow } from './usages';
import { colourStyle, fieldRows, isPresentable, licenceDate, maskForDisplay, statusChipText, validityText, walletOrder } from './view';

const apiError = (status: number, code: string, details?: unknown) => new ApiError(status, { code: code as never, message: `m ${code}`, requestId: 'req_1', details });
const NOW = Date.parse('2026-03-01T02:00:00Z');
const LID = '1.2.156.3005.2.11100000000013338W001.11430000006940002L.A1B2C3.001.Z';

describe('purposes for a licence type', () => {
  it('offers only purposes whose licenceTypes include the type, 自选信息 last', () => {
    expect(purposesFor('driving_licence').map((p) => p.purpose)).toEqual(['car_rental', 'patrol_check', 'custom']);
    expect(purposesFor('id_card').map((p) => p.purpose)).toEqual(['hotel_checkin', 'boarding', 'bank_business', 'patrol_check', 'custom']);
    expect(purposesFor('household_register').map((p) => p.purpose)).toEqual(['custom']);
    expect(purposesFor('vehicle_licence').map((p) => p.purpose)).not.toContain('hotel_checkin');
  });

  it('discloses the purpose fields the type carries, in the type order', () => {
    // hotel check-in lists licenceNumber and nationality, an ID card has neither
    expect(purposeFields('hotel_checkin', 'id_card')).toEqual(['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber', 'validUntil']);
    expect(purposeFields('car_rental', 'driving_licence')).toEqual(['name', 'idNumber', 'licenceNumber', 'drivingClass', 'validUntil']);
    const hotel = purposesFor('passport').find((p) => p.purpose === 'hotel_checkin')!;
    expect(hotel.fields).toEqual(['name', 'gender', 'birthDate', 'nationality', 'licenceNumber', 'validUntil']);
    expect(hotel.receivers).toBe('酒店旅馆、公安巡查');
    expect(purposesFor('id_card').find((p) => p.custom)!.fields).toEqual([]);
  });

  it('validates a custom choice against the type fields', () => {
    expect(validateCustomFields('id_card', [])).toBe('请至少选择一项要出示的信息');
    expect(validateCustomFields('id_card', ['name', 'idNumber'])).toBeUndefined();
    expect(validateCustomFields('id_card', ['name', 'drivingClass'])).toBe('该证照没有“准驾车型”信息');
    expect(validateCustomFields('id_card', ['name', 'name'])).toBe('出示的信息有重复，请重新选择');
  });

  it('toggles fields keeping the type order without duplicates', () => {
    let chosen = toggleField('id_card', [], 'idNumber');
    chosen = toggleField('id_card', chosen, 'name');
    expect(chosen).toEqual(['name', 'idNumber']);
    expect(toggleField('id_card', chosen, 'name')).toEqual(['idNumber']);
  });

  it('builds the presentation request: purpose only, or custom with the chosen fields', () => {
    expect(presentationChoice('id_card', undefined)).toEqual({ ok: false, error: '请选择亮证用途' });
    expect(presentationChoice('id_card', 'car_rental')).toEqual({ ok: false, error: '该证照不能用于所选用途，请重新选择' });
    const hotel = presentationChoice('id_card', 'hotel_checkin', ['name']);
    expect(hotel).toMatchObject({ ok: true, request: { purpose: 'hotel_checkin' } });
    expect(hotel.ok && 'fields' in hotel.request).toBe(false);
    expect(presentationChoice('id_card', 'custom', ['idNumber', 'name'])).toEqual({ ok: true, request: { purpose: 'custom', fields: ['name', 'idNumber'] }, fields: ['name', 'idNumber'] });
    expect(presentationChoice('id_card', 'custom', [])).toEqual({ ok: false, error: '请至少选择一项要出示的信息' });
    expect(fieldLabels(['name', 'idNumber', 'x'])).toEqual(['姓名', '公民身份号码', 'x']);
  });
});

describe('presentation timing', () => {
  it('counts the expiry from when the request was sent, capped at 60 s, expiresAt as fallback', () => {
    expect(localExpiry({ expiresAt: 'whatever', expiresInSeconds: 45 }, NOW)).toBe(NOW + 45_000);
    expect(localExpiry({ expiresAt: 'x', expiresInSeconds: 600 }, NOW)).toBe(NOW + 60_000);
    expect(localExpiry({ expiresAt: new Date(NOW + 30_000).toISOString(), expiresInSeconds: 0 }, NOW)).toBe(NOW + 30_000);
    expect(localExpiry({ expiresAt: new Date(NOW + 300_000).toISOString(), expiresInSeconds: Number.NaN }, NOW)).toBe(NOW + 60_000);
    expect(localExpiry({ expiresAt: 'garbage', expiresInSeconds: -1 }, NOW)).toBe(NOW);
  });

  it('refreshes at least 5 s before expiry, never with a negative delay', () => {
    expect(REFRESH_LEAD_MS).toBeGreaterThanOrEqual(5_000);
    const expiresAt = NOW + 60_000;
    const d = refreshDelay(NOW, expiresAt);
    expect(d).toBe(55_000);
    expect(NOW + d).toBeLessThanOrEqual(expiresAt - 5_000);
    expect(refreshDelay(NOW, NOW + 4_000)).toBe(0);
    expect(refreshDelay(NOW, NOW - 10_000)).toBe(0);
    expect(refreshDelay(NOW, NOW + 20_000, 8_000)).toBe(12_000);
    expect(refreshDelay(NOW, Number.NaN)).toBe(0);
    for (let left = -5_000; left <= 70_000; left += 1_250) {
      const delay = refreshDelay(NOW, NOW + left);
      expect(delay).toBeGreaterThanOrEqual(0);
      if (left >= REFRESH_LEAD_MS) expect(NOW + delay).toBe(NOW + left - REFRESH_LEAD_MS);
    }
  });

  it('keeps automatic fetches at least MIN_REFRESH_GAP_MS apart', () => {
    // a token born nearly expired: not again at once
    expect(nextRefreshDelay(NOW, NOW + 3_000, NOW)).toBe(MIN_REFRESH_GAP_MS);
    expect(nextRefreshDelay(NOW + 500, NOW + 60_000, NOW)).toBe(54_500);
    expect(nextRefreshDelay(NOW + 10_000, NOW, NOW)).toBe(0);
  });

  it('stops refreshing by itself after the window, and backs off retries', () => {
    expect(windowOver(NOW, NOW + AUTO_REFRESH_WINDOW_MS - 1)).toBe(false);
    expect(windowOver(NOW, NOW + AUTO_REFRESH_WINDOW_MS)).toBe(true);
    expect(AUTO_REFRESH_WINDOW_MS).toBe(600_000);
    expect([0, 1, 2, 3, 4, 5, 9].map(retryDelay)).toEqual([1000, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('shows whole seconds left', () => {
    expect(secondsToExpiry(NOW, NOW + 44_001)).toBe(45);
    expect(secondsToExpiry(NOW, NOW - 1)).toBe(0);
    expect(countdownText(45)).toBe('45 秒后失效，将自动刷新');
    expect(countdownText(0)).toBe('二维码已失效');
  });
});

describe('licence display', () => {
  it('maps colours to styles, unknown as grey', () => {
    expect(colourStyle('green')).toMatchObject({ tone: 'green', label: '正常', className: 'licence-colour--green' });
    expect(colourStyle('red')).toMatchObject({ tone: 'red', label: '异常', className: 'licence-colour--red' });
    expect(colourStyle('grey')).toMatchObject({ tone: 'gray', label: '失效' });
    expect(colourStyle('purple').colour).toBe('grey');
    expect(colourStyle(undefined).colour).toBe('grey');
    expect(statusChipText({ status: 'abnormal', statusName: '状态异常', colour: 'red' })).toBe('! 状态异常');
    expect(statusChipText({ status: 'valid', statusName: '', colour: 'green' })).toBe('✓ 有效');
  });

  it('knows which statuses can be shown', () => {
    expect(['valid', 'abnormal', 'expired', 'revoked'].map((s) => isPresentable(s as never))).toEqual([true, true, false, false]);
  });

  it('writes dates and validity', () => {
    expect(licenceDate('2030-01-01')).toBe('2030-01-01');
    expect(licenceDate('2030-01-01T16:30:00Z')).toBe('2030-01-02');
    expect(licenceDate(null)).toBe('');
    expect(validityText('2020-01-01', '2030-01-01')).toBe('2020-01-01 至 2030-01-01');
    expect(validityText('2020-01-01', null)).toBe('2020-01-01 起长期有效');
    expect(validityText(null, null)).toBe('长期有效');
  });

  it('masks personal values the server left unmasked, and keeps masked ones', () => {
    expect(maskForDisplay('idNumber', '430102199003071234')).toBe('430***********1234');
    expect(maskForDisplay('idNumber', '430***********1234')).toBe('430***********1234');
    expect(maskForDisplay('name', '张三丰')).toBe('张**');
    expect(maskForDisplay('birthDate', '1990-03-07')).toBe('1990-**-**');
    expect(maskForDisplay('address', '湖南省长沙市芙蓉区五一大道100号')).toBe('湖南省长沙市********');
    expect(maskForDisplay('licenceNumber', 'E12345678')).toBe('E1*****78');
    expect(maskForDisplay('gender', '男')).toBe('男');
  });

  it('lists fields in the type order with labels, masked only when masked', () => {
    const fields = { idNumber: '430102199003071234', name: '张三', issuer: '长沙市公安局芙蓉分局', validUntil: '2030-01-01' };
    const masked = fieldRows({ type: 'id_card', fields, masked: true });
    expect(masked.map((r) => r.key)).toEqual(['name', 'idNumber', 'validUntil', 'issuer']);
    expect(masked.map((r) => r.label)).toEqual(['姓名', '公民身份号码', '有效期至', '签发机关']);
    expect(masked[0].value).toBe('张*');
    expect(masked[1].value).toBe('430***********1234');
    const full = fieldRows({ type: 'id_card', fields, masked: false });
    expect(full[1].value).toBe('430102199003071234');
    expect(LICENCE_TYPE_FIELDS.id_card).toContain('issuer');
  });

  it('orders the wallet usable first', () => {
    const l = (licenceId: string, status: string, typeName: string) => ({ licenceId, status: status as never, typeName });
    expect(walletOrder([l('a', 'revoked', '居民身份证'), l('b', 'abnormal', '机动车驾驶证'), l('c', 'valid', '居民身份证')]).map((x) => x.licenceId)).toEqual(['c', 'b', 'a']);
  });
});

describe('grants', () => {
  const grantees: Grantee[] = [{ appId: 'bank-a', name: '示例银行', relyingPartyType: 'bank' }];
  const good = { appId: 'bank-a', purpose: ' 开立个人银行结算账户 ', fields: ['name', 'idNumber'] as never[], days: 30 };

  it('validates the form with the contract rules', () => {
    expect(validateGrant(good, 'id_card', grantees)).toEqual({});
    const empty = validateGrant(emptyGrantDraft(), 'id_card', grantees);
    expect(Object.keys(empty).sort()).toEqual(['appId', 'fields', 'purpose']);
    expect(validateGrant({ ...good, appId: 'hotel-x' }, 'id_card', grantees).appId).toBe('所选机构暂不接受授权，请重新选择');
    expect(validateGrant({ ...good, purpose: ' 开 ' }, 'id_card', grantees).purpose).toBe('授权用途至少 2 个字');
    expect(validateGrant({ ...good, purpose: '字'.repeat(101) }, 'id_card', grantees).purpose).toBe('授权用途最多 100 个字');
    expect(validateGrant({ ...good, fields: ['drivingClass'] as never[] }, 'id_card', grantees).fields).toBe('所选信息不属于该证照，请重新选择');
    expect(validateGrant({ ...good, days: 0 }, 'id_card', grantees).days).toBe('授权期限应为 1–365 天');
    expect(validateGrant({ ...good, days: 366 }, 'id_card', grantees).days).toBeDefined();
    expect(validateGrant({ ...good, days: 2.5 }, 'id_card', grantees).days).toBeDefined();
    expect(validateGrant({ ...good, days: undefined }, 'id_card', grantees).days).toBe('请选择授权期限');
    expect(hasGrantErrors({})).toBe(false);
    expect(hasGrantErrors({ days: 'x' })).toBe(true);
  });

  it('builds the request trimmed, fields in type order, with the licence', () => {
    const body = toGrantRequest({ ...good, fields: ['idNumber', 'name'] as never[] }, 'id_card', LID, 'k'.repeat(32));
    expect(body).toEqual({ idempotencyKey: 'k'.repeat(32), appId: 'bank-a', purpose: '开立个人银行结算账户', fields: ['name', 'idNumber'], days: 30, licenceId: LID });
    expect(grantFingerprint(good, LID)).toBe(grantFingerprint({ ...good, purpose: '开立个人银行结算账户', fields: ['idNumber', 'name'] as never[] }, LID));
    expect(grantFingerprint(good, LID)).not.toBe(grantFingerprint({ ...good, days: 7 }, LID));
  });

  const grant = (grantId: string, status: LicenceGrant['status'], createdAt: string, licenceId = LID): LicenceGrant => ({
    grantId,
    licenceId,
    licenceTypeName: '居民身份证',
    appId: 'bank-a',
    partnerName: '示例银行',
    purpose: '开户',
    fields: ['name'],
    status,
    createdAt,
    expiresAt: '2026-04-01T02:00:00Z',
    revokedAt: status === 'revoked' ? '2026-03-02T02:00:00Z' : null,
    uses: 0,
  });

  it('lists a licence grants active first, newest first, and replaces a revoked one', () => {
    const list = [grant('g1', 'revoked', '2026-03-03T00:00:00Z'), grant('g2', 'active', '2026-03-01T00:00:00Z'), grant('g3', 'active', '2026-03-02T00:00:00Z'), grant('g4', 'active', '2026-03-05T00:00:00Z', 'other')];
    expect(grantsToShow(list, LID).map((g) => g.grantId)).toEqual(['g3', 'g2', 'g1']);
    expect(grantsToShow(list).map((g) => g.grantId)).toEqual(['g4', 'g3', 'g2', 'g1']);
    expect(canRevoke(list[1])).toBe(true);
    expect(canRevoke(list[0])).toBe(false);
    const next = replaceGrant(list, { ...list[1], status: 'revoked', revokedAt: '2026-03-02T02:00:00Z' });
    expect(next[1].status).toBe('revoked');
    expect(next).toHaveLength(4);
    expect(grantPeriodText(next[1])).toBe('已于 2026-03-02 10:00 撤销');
    expect(grantPeriodText(list[2])).toBe('2026-03-02 08:00 至 2026-04-01 10:00');
  });
});

describe('licence errors', () => {
  it('turns codes into Chinese messages and next steps', () => {
    expect(licenceErrorView(apiError(403, 'FRESH_FACE_REQUIRED'))).toEqual({ message: '为保护您的个人信息，查看完整信息前需要再次刷脸确认是本人操作', next: 'fresh_face' });
    expect(licenceErrorView(apiError(403, 'IDENTITY_LEVEL_REQUIRED', { required: 'L3', current: 'L2', nextStep: 'face' })).next).toBe('face');
    expect(licenceErrorView(apiError(403, 'IDENTITY_LEVEL_REQUIRED', { required: 'L3', current: 'L1', nextStep: 'real_name' })).next).toBe('real_name');
    expect(licenceErrorView(apiError(409, 'LICENCE_NOT_PRESENTABLE')).next).toBe('reload');
    expect(licenceErrorView(apiError(422, 'PURPOSE_NOT_FOR_LICENCE')).message).toBe('该证照不能用于所选用途，请选择其他用途');
    expect(licenceErrorView(apiError(422, 'LICENCE_FIELD_UNKNOWN')).next).toBe('change');
    expect(licenceErrorView(apiError(410, 'GRANT_INACTIVE')).next).toBe('reload');
    expect(licenceErrorView(apiError(401, 'UNAUTHENTICATED')).next).toBe('login');
    expect(licenceErrorView(apiError(502, 'SOMETHING_NEW')).next).toBe('retry');
    expect(licenceErrorView(apiError(418, 'SOMETHING_NEW'))).toEqual({ message: 'm SOMETHING_NEW', next: 'none' });
    expect(licenceErrorView(new NetworkError('timeout', 'x'))).toEqual({ message: '网络超时，请稍后重试', next: 'retry' });
  });

  it('reads the level gate from IDENTITY_LEVEL_REQUIRED details, and 401 as login', () => {
    expect(levelGate(apiError(403, 'IDENTITY_LEVEL_REQUIRED', { required: 'L3', current: 'L2', nextStep: 'face' }))).toEqual({ required: 'L3', current: 'L2', nextStep: 'face' });
    expect(levelGate(apiError(403, 'IDENTITY_LEVEL_REQUIRED'))).toEqual({ required: 'L3', current: 'L2', nextStep: 'face' });
    expect(levelGate(apiError(403, 'IDENTITY_LEVEL_REQUIRED', { current: 'L1' }))).toMatchObject({ nextStep: 'real_name' });
    expect(levelGate(apiError(401, 'SESSION_INVALID'))).toMatchObject({ nextStep: 'login' });
    expect(levelGate(apiError(403, 'FRESH_FACE_REQUIRED'))).toBeUndefined();
    expect(levelGate(new Error('x'))).toBeUndefined();
  });

  it('starts the face check after a tapped reveal, only asks after the retry', () => {
    const fresh = apiError(403, 'FRESH_FACE_REQUIRED');
    expect(revealNext(fresh, 'user')).toBe('start_face');
    expect(revealNext(fresh, 'retry')).toBe('ask_face');
    expect(revealNext(apiError(403, 'IDENTITY_LEVEL_REQUIRED'), 'user')).toBe('gate');
    expect(revealNext(new NetworkError('network', 'x'), 'user')).toBe('error');
  });

  it('retries only what may work again', () => {
    expect(isRetryable(new NetworkError('network', 'x'))).toBe(true);
    expect(isRetryable(apiError(503, 'SERVICE_UNAVAILABLE'))).toBe(true);
    expect(isRetryable(apiError(429, 'RATE_LIMITED'))).toBe(true);
    expect(isRetryable(apiError(409, 'LICENCE_NOT_PRESENTABLE'))).toBe(false);
    expect(isRetryable(apiError(403, 'IDENTITY_LEVEL_REQUIRED'))).toBe(false);
  });
});

describe('usage records', () => {
  const usage = (usageId: string, at: string, over: Partial<LicenceUsage> = {}): LicenceUsage => ({
    usageId,
    licenceId: LID,
    licenceTypeName: '居民身份证',
    via: 'presentation',
    appId: 'hotel-a',
    relyingPartyName: '芙蓉宾馆',
    relyingPartyType: 'hotel',
    purpose: 'hotel_checkin',
    reason: '入住登记 1208 房',
    fields: ['name', 'idNumber'],
    at,
    ...over,
  });

  it('shows time, party with type, purpose name, reason and fields', () => {
    expect(usageRow(usage('u1', '2026-03-01T07:30:00Z'))).toEqual({
      key: 'u1',
      time: '2026-03-01 15:30',
      party: '芙蓉宾馆（酒店旅馆）',
      via: '扫码核验',
      purpose: '酒店入住',
      reason: '入住登记 1208 房',
      fields: '姓名、公民身份号码',
      licence: '居民身份证',
    });
    const grant = usageRow(usage('u2', '2026-03-01T07:30:00Z', { via: 'grant', relyingPartyType: null, purpose: '开立个人银行结算账户', reason: '' }));
    expect(grant).toMatchObject({ party: '芙蓉宾馆', via: '授权读取', purpose: '开立个人银行结算账户', reason: '未填写' });
    expect(purposeName('constructor')).toBe('constructor');
  });

  it('sorts newest first, stable for equal times', () => {
    const list = [usage('a', '2026-03-01T00:00:00Z'), usage('b', '2026-03-02T00:00:00Z'), usage('c', '2026-03-01T00:00:00Z')];
    expect(newestFirst(list).map((u) => u.usageId)).toEqual(['b', 'a', 'c']);
  });
});

describe('pending reveal after a face check', () => {
  it('is taken once, by its licence, within the TTL', () => {
    const store = memoryStore();
    markRevealPending(store, LID, NOW);
    expect(takeRevealPending(store, 'other', NOW + 1000)).toBe(false);
    expect(store.data.has(REVEAL_PENDING_KEY)).toBe(true);
    expect(takeRevealPending(store, LID, NOW + 1000)).toBe(true);
    expect(takeRevealPending(store, LID, NOW + 2000)).toBe(false);
  });

  it('forgets a stale or malformed mark', () => {
    const store = memoryStore();
    markRevealPending(store, LID, NOW);
    expect(takeRevealPending(store, LID, NOW + REVEAL_PENDING_TTL_MS + 1)).toBe(false);
    expect(store.data.has(REVEAL_PENDING_KEY)).toBe(false);
    store.set(REVEAL_PENDING_KEY, 'junk');
    expect(takeRevealPending(store, LID, NOW)).toBe(false);
    expect(store.data.has(REVEAL_PENDING_KEY)).toBe(false);
  });
});
