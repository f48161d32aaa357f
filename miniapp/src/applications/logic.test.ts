import { HUNAN_CITIES, idNumberCheckChar, PROVINCES, type FormField, type ServiceItem, type TimelineEvent } from '@onevisit/shared-types/client';
import { ApiError, NetworkError } from '../api/errors';
import { parseListStatus, stateTone, timelineActor, timelineNewestFirst } from './caseView';
import { compactCountdown, countdownView, formatDuration, limitText, liveClock } from './countdown';
import { addDays, isCalendarDate, shanghaiDateTime, shanghaiToday } from './dates';
import { checkPickedFile, fileKind, fileSizeLabel, uploadErrorMessage } from './files';
import { checkField, checkForm, displayValue, formRows, toFormData, valuesFromCase } from './formValues';
import { fingerprintOf, IDEMPOTENCY_KEY_PATTERN, IdempotencyKeeper, newIdempotencyKey } from './idempotency';
import { formatRegionValue, parseRegionValue, regionLabel, regionName } from './regions';
import {
  bundleTarget,
  commonDeliveryOptions,
  initialState,
  itemTarget,
  mergeMaterials,
  prepareSubmission,
  promiseRange,
  type ApplyState,
} from './submission';

const first17 = '43010219900307123';
const ID = first17 + idNumberCheckChar(first17);
// 2026-03-01 10:00 in Shanghai
const NOW = Date.parse('2026-03-01T02:00:00Z');

const fields: FormField[] = [
  { key: 'name', label: '申请人姓名', type: 'text', required: true, maxLength: 30 },
  { key: 'idNumber', label: '公民身份号码', type: 'idNumber', required: true },
  { key: 'reason', label: '原因', type: 'select', required: true, options: [{ value: 'lost', label: '丢失' }, { value: 'damaged', label: '损坏' }] },
  { key: 'exam', label: '是否考生', type: 'boolean', required: false },
  { key: 'count', label: '随迁人数', type: 'number', required: false, min: 1, max: 10 },
  { key: 'office', label: '受理点', type: 'region', required: true },
  { key: 'phone', label: '联系电话', type: 'phone', required: true },
  { key: 'plate', label: '号牌号码', type: 'plateNumber', required: false },
  { key: 'note', label: '备注', type: 'textarea', required: false },
  { key: 'date', label: '日期', type: 'date', required: false },
];

function item(over: Partial<ServiceItem> = {}): ServiceItem {
  return {
    itemCode: '11430000006940002L070001002001',
    name: '居民身份证换领',
    domain: 'household',
    itemType: 'confirmation',
    summary: 's',
    department: { name: 'd', creditCode: '11430000006940002L' },
    handlingMode: 'one_visit',
    handlingClass: 'time_limited',
    visitsRequired: 1,
    identityLevel: 'L3',
    conditions: ['c'],
    materials: [
      { name: '原居民身份证', required: true, form: 'original', copies: 1, lateAllowed: false, note: '交回原证' },
      { name: '居民户口簿', required: true, form: 'original', copies: 1, lateAllowed: true },
      { name: '数码相片回执', required: false, form: 'electronic', copies: 1, lateAllowed: true },
    ],
    steps: [{ title: 't', description: 'd' }],
    legalLimitDays: 60,
    promisedLimitDays: 15,
    fee: { amountFen: 2000, due: 'on_submission', description: 'x' },
    deliveryOptions: ['window_pickup', 'postal'],
    formSchema: fields,
    consultPhone: '12345',
    greenChannel: { name: '考生绿色通道', eligibility: '考生', limitHours: 24, description: 'd' },
    parallelApprovals: [],
    legalBasis: ['b'],
    aliases: [],
    keywords: [],
    popularity: 1,
    enabled: true,
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const file = (id: string) => ({ id, uploadId: `up_${id}`, fileName: `${id}.jpg`, contentType: 'image/jpeg', bytes: 1000 });

describe('idempotency keys', () => {
  it('are 32 hex characters the contract accepts, and differ', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).toMatch(IDEMPOTENCY_KEY_PATTERN);
    expect(a).not.toBe(b);
    // without a CSPRNG source too
    expect(newIdempotencyKey(NOW, (bytes) => bytes.fill(255))).toBe(`${(NOW / 1000).toString(16)}${'ff'.repeat(12)}`);
  });

  it('stay the same while the request is the same (retries, double taps) and change with it', () => {
    let n = 0;
    const keeper = new IdempotencyKeeper(() => `key-${++n}`.padEnd(16, '0'));
    const req = { formData: { a: 1, b: 2 }, materials: [] };
    const k1 = keeper.keyFor(fingerprintOf(req));
    expect(keeper.keyFor(fingerprintOf({ materials: [], formData: { b: 2, a: 1 } }))).toBe(k1);
    const k2 = keeper.keyFor(fingerprintOf({ ...req, formData: { a: 1, b: 3 } }));
    expect(k2).not.toBe(k1);
    keeper.reset();
    expect(keeper.keyFor(fingerprintOf({ ...req, formData: { a: 1, b: 3 } }))).not.toBe(k2);
  });
});

describe('form values', () => {
  it('sends only the schema keys that are filled, booleans included', () => {
    expect(toFormData(fields, { name: ' 张三 ', idNumber: '', exam: false, count: undefined, other: 'x' })).toEqual({ name: ' 张三 ', exam: false });
  });

  it('checks with the shared validator: one Chinese message per field', () => {
    const check = checkForm(fields, { name: '张三', idNumber: '430102199003071230', reason: 'x', office: '', phone: '123', count: '2.5' }, new Date(NOW));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors.idNumber).toContain('校验位');
    expect(check.errors.reason).toBe('请从选项中选择原因');
    expect(check.errors.office).toBe('请选择受理点');
    expect(check.errors.phone).toContain('11位');
    expect(check.errors.count).toBe('随迁人数应为整数');
    expect(check.errors.name).toBeUndefined();
  });

  it('returns cleaned values when valid (trimmed, X upper-cased, numbers, plates normalised)', () => {
    const idx = ID.endsWith('X') ? ID.slice(0, 17) + 'x' : ID;
    const check = checkForm(
      fields,
      { name: ' 张三 ', idNumber: idx, reason: 'lost', exam: true, count: '3', office: '430102  五一大道1号', phone: '13800138000', plate: '湘a·12345' },
      new Date(NOW),
    );
    expect(check).toEqual({
      ok: true,
      formData: { name: '张三', idNumber: ID, reason: 'lost', exam: true, count: 3, office: '430102 五一大道1号', phone: '13800138000', plate: '湘A12345' },
    });
    expect(checkField(fields[6], '1380013800', new Date(NOW))).toContain('11位');
    expect(checkField(fields[6], '13800138000', new Date(NOW))).toBeUndefined();
  });

  it('shows values for review: labels, 是/否, region names, masked ID and phone', () => {
    expect(displayValue(fields[1], ID)).toBe(`430${'*'.repeat(11)}${ID.slice(-4)}`);
    expect(displayValue(fields[6], '13800138000')).toBe('138****8000');
    expect(displayValue(fields[6], '138****8000')).toBe('138****8000');
    expect(displayValue(fields[2], 'damaged')).toBe('损坏');
    expect(displayValue(fields[3], false)).toBe('否');
    expect(displayValue(fields[5], '430102 五一大道1号')).toBe('湖南省 长沙市 芙蓉区 五一大道1号');
    expect(displayValue(fields[0], '')).toBe('未填写');
    const rows = formRows(fields, { name: '张三', phone: '13800138000', extra: 'x' });
    expect(rows).toEqual([
      { key: 'name', label: '申请人姓名', value: '张三' },
      { key: 'phone', label: '联系电话', value: '138****8000' },
      { key: 'extra', label: 'extra', value: 'x' },
    ]);
  });

  it('takes a draft case’s values back, leaving masked numbers to type again', () => {
    expect(valuesFromCase(fields, { name: '张三', idNumber: '430***********1234', count: 2, exam: true, phone: '138****8000' })).toEqual({
      name: '张三',
      count: '2',
      exam: true,
    });
  });
});

describe('regions', () => {
  it('lists every province prefix of shared-types and Hunan’s 14 cities with 122 county-level divisions', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(HUNAN_CITIES).toHaveLength(14);
    expect(HUNAN_CITIES.reduce((n, c) => n + c.districts.length, 0)).toBe(122);
    for (const c of HUNAN_CITIES) for (const d of c.districts) expect(d.code.slice(0, 4)).toBe(c.code.slice(0, 4));
  });

  it('reads and writes the `code detail` value checkRegion expects', () => {
    expect(parseRegionValue('430104 麓山南路 2 号')).toEqual({ code: '430104', detail: '麓山南路 2 号' });
    expect(parseRegionValue('')).toEqual({ code: '', detail: '' });
    // kept as typed while typing; the validator trims it
    expect(formatRegionValue({ code: '430104', detail: '麓山南路 ' })).toBe('430104 麓山南路 ');
    expect(parseRegionValue('430104 麓山南路 ')).toEqual({ code: '430104', detail: '麓山南路 ' });
    expect(formatRegionValue({ code: '430104', detail: '  ' })).toBe('430104');
    expect(checkForm([fields[5]], { office: '430104 麓山南路 ' })).toEqual({ ok: true, formData: { office: '430104 麓山南路' } });
    expect(formatRegionValue({ code: '', detail: 'x' })).toBe('');
    expect(regionName('433101')).toBe('湖南省 湘西土家族苗族自治州 吉首市');
    expect(regionName('440000')).toBe('广东省');
    expect(regionName('430100')).toBe('湖南省 长沙市');
    expect(regionLabel('440000 深圳市南山区')).toBe('广东省 深圳市南山区');
    const check = checkForm([fields[5]], { office: formatRegionValue({ code: '440000', detail: '深圳市南山区' }) });
    expect(check.ok).toBe(true);
  });
});

describe('prepareSubmission', () => {
  const target = itemTarget(item());
  const filled = (over: Partial<ApplyState> = {}): ApplyState => ({
    ...initialState(target, { name: '张三', idNumber: ID, reason: 'lost', office: '430102', phone: '13800138000' }),
    delivery: 'postal',
    ...over,
  });

  it('asks for required materials, a delivery option, and the form’s fields', () => {
    const res = prepareSubmission(target, { ...initialState(target), greenChannel: false }, NOW);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.fields.name).toBe('请填写申请人姓名');
    expect(res.errors.materials).toEqual({ 原居民身份证: '请上传“原居民身份证”', 居民户口簿: '请上传“居民户口簿”，或选择“稍后补交”' });
    expect(res.errors.delivery).toBe('请选择领取方式');
  });

  it('builds the create request: cleaned form data, one ref per file, 容缺 declarations, green channel', () => {
    const range = promiseRange(NOW);
    expect(range).toEqual({ start: '2026-03-02', end: '2026-04-30', initial: '2026-03-08' });
    const state = filled({
      greenChannel: true,
      materials: {
        原居民身份证: { files: [file('a'), file('b')], later: false, promisedBy: '' },
        居民户口簿: { files: [], later: true, promisedBy: range.initial },
        数码相片回执: { files: [], later: false, promisedBy: '' },
      },
    });
    const res = prepareSubmission(target, state, NOW);
    expect(res).toEqual({
      ok: true,
      formData: { name: '张三', idNumber: ID, reason: 'lost', office: '430102', phone: '13800138000' },
      submission: {
        kind: 'item',
        body: {
          itemCode: target.code,
          formData: { name: '张三', idNumber: ID, reason: 'lost', office: '430102', phone: '13800138000' },
          materials: [
            { materialName: '原居民身份证', uploadId: 'up_a' },
            { materialName: '原居民身份证', uploadId: 'up_b' },
          ],
          pendingMaterials: [{ materialName: '居民户口簿', promisedBy: '2026-03-08' }],
          deliveryOption: 'postal',
          greenChannel: true,
          submit: true,
        },
      },
    });
  });

  it('refuses a promised date that is today, past, or too far', () => {
    for (const [promisedBy, message] of [
      ['', '请选择承诺补交日期'],
      ['2026-03-01', '承诺补交日期应晚于今天'],
      ['2026-05-01', '承诺补交日期不能晚于 2026-04-30'],
    ]) {
      const res = prepareSubmission(
        target,
        filled({ materials: { 原居民身份证: { files: [file('a')], later: false, promisedBy: '' }, 居民户口簿: { files: [], later: true, promisedBy } } }),
        NOW,
      );
      expect(res.ok ? undefined : res.errors.materials['居民户口簿']).toBe(message);
    }
  });

  it('never asks for the green channel of an item without one, nor offers 稍后补交 where not allowed', () => {
    const plain = itemTarget(item({ greenChannel: null }));
    const res = prepareSubmission(
      plain,
      { ...filled(), greenChannel: true, materials: { 原居民身份证: { files: [], later: true, promisedBy: '2026-03-05' }, 居民户口簿: { files: [file('h')], later: false, promisedBy: '' } } },
      NOW,
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.materials['原居民身份证']).toBe('请上传“原居民身份证”');
    const ok = prepareSubmission(plain, { ...filled(), greenChannel: true, materials: { 原居民身份证: { files: [file('i')], later: false, promisedBy: '' }, 居民户口簿: { files: [file('h')], later: false, promisedBy: '' } } }, NOW);
    expect(ok.ok && ok.submission.kind === 'item' && ok.submission.body.greenChannel).toBe(false);
  });

  it('submits a draft case through its own endpoint', () => {
    const draft = itemTarget(item(), '11430000006940002L070001002001202603010001');
    const res = prepareSubmission(draft, filled({ materials: { 原居民身份证: { files: [file('a')], later: false, promisedBy: '' }, 居民户口簿: { files: [file('b')], later: false, promisedBy: '' } } }), NOW);
    expect(res.ok && res.submission.kind).toBe('draft');
    expect(res.ok && res.submission.kind === 'draft' && res.submission.caseNo).toBe(draft.caseNo);
  });

  it('merges a bundle’s materials and delivery options, without 容缺 or green channel', () => {
    const a = item({ name: '出生登记', materials: [{ name: '出生医学证明', required: true, form: 'original', copies: 1, lateAllowed: false }, { name: '居民户口簿', required: false, form: 'original', copies: 1, lateAllowed: true }], deliveryOptions: ['window_pickup', 'postal'] });
    const b = item({ name: '居民身份证首次申领', materials: [{ name: '居民户口簿', required: true, form: 'original', copies: 1, lateAllowed: true, note: '常住户口页' }], deliveryOptions: ['postal', 'electronic'] });
    expect(mergeMaterials([a, b])).toEqual([
      { name: '出生医学证明', required: true, lateAllowed: false, form: 'original', copies: 1, forItems: ['出生登记'] },
      { name: '居民户口簿', required: true, lateAllowed: true, note: '常住户口页', form: 'original', copies: 1, forItems: ['出生登记', '居民身份证首次申领'] },
    ]);
    expect(commonDeliveryOptions([a, b])).toEqual(['postal']);
    const bundle = bundleTarget(
      { bundleCode: 'NEWBORN', name: '新生儿出生一件事', summary: 's', itemCodes: ['A', 'B'], formSchema: [fields[0]], keywords: [], promisedLimitDays: 5, updatedAt: '', items: [] },
      [a, b],
    );
    expect(bundle.deliveryOptions).toEqual(['postal']);
    expect(bundle.identityLevel).toBe('L3');
    const state = initialState(bundle, { name: '张三' });
    expect(state.delivery).toBe('postal');
    state.materials['出生医学证明'].files.push(file('c'));
    state.materials['居民户口簿'] = { files: [], later: true, promisedBy: '2026-03-05' };
    const res = prepareSubmission(bundle, state, NOW);
    expect(res.ok).toBe(false);
    state.materials['居民户口簿'] = { files: [file('d')], later: false, promisedBy: '' };
    expect(prepareSubmission(bundle, state, NOW)).toEqual({
      ok: true,
      formData: { name: '张三' },
      submission: {
        kind: 'bundle',
        body: {
          bundleCode: 'NEWBORN',
          formData: { name: '张三' },
          materials: [
            { materialName: '出生医学证明', uploadId: 'up_c' },
            { materialName: '居民户口簿', uploadId: 'up_d' },
          ],
          deliveryOption: 'postal',
        },
      },
    });
  });
});

describe('countdown', () => {
  const due = '2026-03-04T09:00:00Z'; // 17:00 in Shanghai

  it('formats what is left and what is overdue', () => {
    expect(formatDuration(0)).toBe('00:00:00');
    expect(formatDuration(3_661_000)).toBe('01:01:01');
    expect(formatDuration(3 * 86400_000 + 5_000)).toBe('3 天 00:00:05');
    const v = countdownView({ dueAt: due, clock: 'green' }, NOW);
    expect(v).toEqual({ tone: 'green', label: '正常', text: '剩余 3 天 07:00:00', due: '2026-03-04 17:00 前办结', ticking: true });
    expect(countdownView({ dueAt: due, clock: 'yellow' }, Date.parse(due) - 1500).text).toBe('剩余 00:00:01');
  });

  it('turns red once the due time passes on the device, and stays paused while a supplement is open', () => {
    expect(liveClock('yellow', due, Date.parse(due) + 1)).toBe('red');
    const late = countdownView({ dueAt: due, clock: 'yellow' }, Date.parse(due) + 90_000_000);
    expect(late).toMatchObject({ tone: 'red', label: '已超期', text: '已超期 1 天 01:00:00' });
    const paused = countdownView({ dueAt: due, clock: 'paused' }, Date.parse(due) + 1);
    expect(paused).toMatchObject({ tone: 'paused', label: '补正中，计时暂停', ticking: false });
  });

  it('has a short form for lists', () => {
    expect(compactCountdown({ dueAt: due, clock: 'green' }, NOW)).toBe('剩余 3 天');
    expect(compactCountdown({ dueAt: due, clock: 'yellow' }, Date.parse(due) - 5 * 3600_000 - 1)).toBe('剩余 5 小时');
    expect(compactCountdown({ dueAt: due, clock: 'yellow' }, Date.parse(due) - 20 * 60_000)).toBe('剩余 20 分钟');
    expect(compactCountdown({ dueAt: due, clock: 'red' }, Date.parse(due) + 2 * 86_400_000)).toBe('已超期 2 天');
    expect(compactCountdown({ dueAt: due, clock: 'paused' }, NOW)).toBe('');
  });

  it('names the limit', () => {
    expect(limitText({ limitWorkingDays: 15, limitHours: null })).toBe('15 个工作日内办结');
    expect(limitText({ limitWorkingDays: null, limitHours: 24 })).toBe('24 小时内办结');
    expect(limitText({ limitWorkingDays: 0, limitHours: null })).toBe('当场办结');
  });
});

describe('dates', () => {
  it('are Shanghai calendar dates', () => {
    expect(shanghaiToday(Date.parse('2026-02-28T16:30:00Z'))).toBe('2026-03-01');
    expect(addDays('2026-02-27', 3)).toBe('2026-03-02');
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(shanghaiDateTime('2026-03-01T07:30:00Z')).toBe('2026-03-01 15:30');
    expect(shanghaiDateTime('x')).toBe('');
  });
});

describe('files', () => {
  it('refuses empty, too large and unsupported files before sending, in Chinese', () => {
    expect(checkPickedFile({ path: 'a', size: 0 })).toContain('空');
    expect(checkPickedFile({ path: 'a', size: 11 * 1024 * 1024, type: 'image/jpeg' })).toBe('文件大小 11.0 MB，超过 10 MB 的上限，请压缩或重新拍摄后上传');
    expect(checkPickedFile({ path: 'a', size: 100, type: 'image/gif', name: 'x.gif' })).toContain('不支持该文件格式');
    expect(checkPickedFile({ path: 'a', size: 100, type: 'video' })).toContain('不支持视频');
    expect(checkPickedFile({ path: 'a', size: 100, name: 'scan.docx' })).toContain('仅支持');
    expect(checkPickedFile({ path: 'a', size: 100, type: 'application/pdf', name: 'a.pdf' })).toBeUndefined();
    expect(checkPickedFile({ path: 'wxfile://tmp_1.jpg', size: 100, type: 'image' })).toBeUndefined();
    expect(checkPickedFile({ path: 'x' })).toBeUndefined();
  });

  it('knows images from PDFs', () => {
    expect(fileKind({ type: 'application/pdf' })).toBe('pdf');
    expect(fileKind({ contentType: 'image/heic' })).toBe('image');
    expect(fileKind({ path: 'wxfile://tmp.PNG' })).toBe('image');
    expect(fileKind({ fileName: 'scan.pdf' })).toBe('pdf');
    expect(fileSizeLabel(2_516_582)).toBe('2.4 MB');
    expect(fileSizeLabel(876_544)).toBe('856 KB');
  });

  it('explains the BFF’s refusals and network failures', () => {
    const e = (code: string, status: number) => new ApiError(status, { code: code as never, message: 'x', requestId: 'r' });
    expect(uploadErrorMessage(e('FILE_TOO_LARGE', 413))).toContain('10 MB');
    expect(uploadErrorMessage(e('FILE_TYPE_NOT_ALLOWED', 415))).toContain('仅支持');
    expect(uploadErrorMessage(e('FILE_TYPE_MISMATCH', 415))).toContain('不符');
    expect(uploadErrorMessage(e('FILE_EMPTY', 400))).toContain('空');
    expect(uploadErrorMessage(e('SESSION_INVALID', 401))).toBe('登录已过期，请重新登录');
    expect(uploadErrorMessage(new NetworkError('timeout', 't'))).toContain('超时');
  });
});

describe('case view', () => {
  const ev = (at: string, action: TimelineEvent['action'], actorName = '申请人'): TimelineEvent => ({
    at,
    action,
    state: 'submitted',
    actor: action === 'submit' ? 'citizen' : 'staff',
    actorName,
    note: null,
    visibleToCitizen: true,
  });

  it('orders the timeline newest first, same-instant events by reverse arrival', () => {
    const list = [ev('2026-03-01T01:00:00Z', 'submit'), ev('2026-03-01T02:00:00Z', 'pre_review', '王五'), ev('2026-03-01T02:00:00Z', 'accept', '王五')];
    expect(timelineNewestFirst(list).map((e) => e.action)).toEqual(['accept', 'pre_review', 'submit']);
    expect(timelineActor(list[0])).toBe('申请人');
    expect(timelineActor(list[1])).toBe('工作人员 · 王五');
  });

  it('gives states a tone and reads the list filter', () => {
    expect(stateTone('supplement_requested')).toBe('orange');
    expect(stateTone('completed')).toBe('green');
    expect(stateTone('rejected')).toBe('red');
    expect(stateTone('in_review')).toBe('blue');
    expect(parseListStatus('closed')).toBe('closed');
    expect(parseListStatus('x')).toBe('all');
  });
});
