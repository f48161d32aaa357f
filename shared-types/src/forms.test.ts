import type { FormField } from './catalog';
import {
  FORM_ISSUE_FIELD,
  isValidPlateNumber,
  isValidRegionCode,
  normalizePlateNumber,
  numberIsInteger,
  validateForm,
  type FormValidationResult,
} from './forms';
import { idNumberCheckChar } from './validators';

const TODAY = new Date('2025-06-01T00:00:00Z');
const withCheck = (first17: string) => first17 + idNumberCheckChar(first17);
const VALID_ID = withCheck('43010219900101123');

function field(type: FormField['type'], extra: Partial<FormField> = {}): FormField {
  return { key: 'f', label: '字段', type, required: true, ...extra };
}

/** Validates `{ f: raw }` against one field; returns the value or the single message. */
function one(f: FormField, raw: unknown): { value?: unknown; message?: string } {
  const result = validateForm([f], { f: raw }, { today: TODAY });
  if (result.ok) return { value: result.value.f };
  expect(result.issues).toHaveLength(1);
  expect(result.issues[0].field).toBe('f');
  return { message: result.issues[0].message };
}
const accepts = (f: FormField, raw: unknown) => one(f, raw).value;
const refuses = (f: FormField, raw: unknown) => {
  const { value, message } = one(f, raw);
  expect(value).toBeUndefined();
  expect(typeof message).toBe('string');
  return message as string;
};
const issuesOf = (r: FormValidationResult) => (r.ok ? [] : r.issues);

describe('form shape', () => {
  const fields: FormField[] = [
    { key: 'name', label: '姓名', type: 'text', required: true, maxLength: 30 },
    { key: 'note', label: '备注', type: 'text', required: false },
  ];

  it('returns the cleaned values of a valid form', () => {
    expect(validateForm(fields, { name: '  张三 ', note: '无' })).toEqual({ ok: true, value: { name: '张三', note: '无' } });
  });

  it('refuses every unknown key, one issue each, beside the field issues', () => {
    const result = validateForm(fields, { name: '张三', extra: 1, isAdmin: true });
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: 'extra', message: '表单中没有这一项' },
        { field: 'isAdmin', message: '表单中没有这一项' },
      ],
    });
  });

  it('refuses a JSON __proto__ key as unknown instead of touching the prototype', () => {
    const data = JSON.parse('{"name":"张三","__proto__":{"polluted":true}}');
    const result = validateForm(fields, data);
    expect(issuesOf(result)).toEqual([{ field: '__proto__', message: '表单中没有这一项' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports missing required fields (absent, null, empty, blank) and leaves out optional ones', () => {
    for (const name of [undefined, null, '', '   \n ']) {
      const result = validateForm(fields, name === undefined ? {} : { name });
      expect(issuesOf(result)).toEqual([{ field: 'name', message: '请填写姓名' }]);
    }
    expect(validateForm(fields, { name: '张三', note: '  ' })).toEqual({ ok: true, value: { name: '张三' } });
    expect(validateForm(fields, { name: '张三', note: null })).toEqual({ ok: true, value: { name: '张三' } });
  });

  it('says 请选择 for fields the citizen picks, 请填写 for fields they type', () => {
    const picked: FormField[] = [
      { key: 'kind', label: '申请类型', type: 'select', required: true, options: [{ value: 'a', label: 'A' }] },
      { key: 'day', label: '预约日期', type: 'date', required: true },
      { key: 'office', label: '受理点', type: 'region', required: true },
      { key: 'agree', label: '是否同意', type: 'boolean', required: true },
      { key: 'phone', label: '联系电话', type: 'phone', required: true },
      { key: 'idNumber', label: '身份证号码', type: 'idNumber', required: true },
      { key: 'count', label: '人数', type: 'number', required: true, min: 1 },
    ];
    expect(issuesOf(validateForm(picked, {}))).toEqual([
      { field: 'kind', message: '请选择申请类型' },
      { field: 'day', message: '请选择预约日期' },
      { field: 'office', message: '请选择受理点' },
      { field: 'agree', message: '请选择是否同意' },
      { field: 'phone', message: '请填写联系电话' },
      { field: 'idNumber', message: '请填写身份证号码' },
      { field: 'count', message: '请填写人数' },
    ]);
  });

  it('collects one issue per field, in schema order, after the unknown keys', () => {
    const result = validateForm(
      [
        { key: 'a', label: 'A', type: 'phone', required: true },
        { key: 'b', label: 'B', type: 'number', required: true, min: 1, max: 3 },
        { key: 'c', label: 'C', type: 'text', required: true },
      ],
      { zz: 1, b: 9, a: '123' },
    );
    expect(issuesOf(result).map((i) => i.field)).toEqual(['zz', 'a', 'b', 'c']);
  });

  it('refuses data that is not a plain object', () => {
    for (const data of [null, undefined, 'x', 42, [], [{ name: 'a' }], new Date(), new Map()]) {
      expect(validateForm(fields, data)).toEqual({ ok: false, issues: [{ field: FORM_ISSUE_FIELD, message: '表单数据格式不正确' }] });
    }
    expect(validateForm(fields, Object.assign(Object.create(null), { name: '张三' }))).toEqual({ ok: true, value: { name: '张三' } });
  });

  it('an empty schema takes only an empty form', () => {
    expect(validateForm([], {})).toEqual({ ok: true, value: {} });
    expect(validateForm([], { a: '1' }).ok).toBe(false);
  });
});

describe('text and textarea', () => {
  it('trims, and counts characters (not UTF-16 units) against maxLength', () => {
    const f = field('text', { maxLength: 3 });
    expect(accepts(f, '  张三丰 ')).toBe('张三丰');
    expect(accepts(f, '𠀀𠀀𠀀')).toBe('𠀀𠀀𠀀');
    expect(refuses(f, '张三丰子')).toBe('字段不能超过3个字');
  });

  it('defaults to 200 for text and 2000 for textarea', () => {
    expect(accepts(field('text'), 'a'.repeat(200))).toHaveLength(200);
    expect(refuses(field('text'), 'a'.repeat(201))).toBe('字段不能超过200个字');
    expect(accepts(field('textarea'), 'a'.repeat(2000))).toHaveLength(2000);
    expect(refuses(field('textarea'), 'a'.repeat(2001))).toBe('字段不能超过2000个字');
  });

  it('text is one line; textarea keeps line breaks (CRLF → LF) but no other control characters', () => {
    expect(refuses(field('text'), '第一行\n第二行')).toBe('字段包含不允许的字符');
    expect(refuses(field('text'), 'a\u0000b')).toBe('字段包含不允许的字符');
    expect(accepts(field('textarea'), '第一行\r\n第二行\n\t第三行')).toBe('第一行\n第二行\n\t第三行');
    expect(refuses(field('textarea'), 'a\u0007b')).toBe('字段包含不允许的字符');
  });

  it('refuses non-strings instead of coercing them', () => {
    for (const raw of [12, true, ['a'], { a: 1 }]) expect(refuses(field('text'), raw)).toBe('字段格式不正确');
  });
});

describe('number', () => {
  it('takes finite numbers and plain decimal strings within min/max', () => {
    const f = field('number', { min: 0, max: 100 });
    expect(accepts(f, 0)).toBe(0);
    expect(accepts(f, 100)).toBe(100);
    expect(accepts(f, 2.5)).toBe(2.5);
    expect(accepts(f, ' 42 ')).toBe(42);
    expect(accepts(f, '3.75')).toBe(3.75);
    expect(accepts(f, -0)).toBe(0);
    expect(Object.is(accepts(f, -0), 0)).toBe(true);
  });

  it('refuses non-numbers, NaN, infinities and unusual spellings', () => {
    const f = field('number');
    for (const raw of [NaN, Infinity, -Infinity, '1e3', '0x10', 'Infinity', '1,000', '12abc', '.5', '5.', true, [1], {}]) {
      expect(refuses(f, raw)).toBe('字段应为数字');
    }
  });

  it('reports the bound that was crossed', () => {
    expect(refuses(field('number', { min: 1, max: 10 }), 11)).toBe('字段应在1到10之间');
    expect(refuses(field('number', { min: 1, max: 10 }), 0)).toBe('字段应在1到10之间');
    expect(refuses(field('number', { min: 100 }), 99)).toBe('字段不能小于100');
    expect(refuses(field('number', { min: 0 }), -0.5)).toBe('字段不能小于0');
    expect(refuses(field('number', { max: 5 }), '6')).toBe('字段不能大于5');
    expect(accepts(field('number', { min: -5 }), '-5')).toBe(-5);
  });

  it('counts (an integer min ≥ 1) take integers only; other number fields take decimals', () => {
    expect(numberIsInteger({ min: 1, max: 10 })).toBe(true);
    expect(numberIsInteger({ min: 1000 })).toBe(true);
    expect(numberIsInteger({ min: 0 })).toBe(false);
    expect(numberIsInteger({})).toBe(false);
    expect(numberIsInteger({ max: 10 })).toBe(false);
    expect(numberIsInteger({ min: 0.5, max: 10 })).toBe(false);
    expect(numberIsInteger({ min: 1, max: 9.5 })).toBe(false);
    const members = field('number', { min: 1, max: 10 });
    expect(accepts(members, 3)).toBe(3);
    expect(accepts(members, '3')).toBe(3);
    expect(refuses(members, 2.5)).toBe('字段应为整数');
    expect(refuses(members, '2.5')).toBe('字段应为整数');
    expect(refuses(field('number', { min: 1 }), 2 ** 60)).toBe('字段应为整数');
    expect(accepts(field('number', { min: 0 }), 12.345)).toBe(12.345);
  });
});

describe('date', () => {
  const f = field('date');
  it('takes real calendar dates in YYYY-MM-DD', () => {
    expect(accepts(f, '2024-02-29')).toBe('2024-02-29');
    expect(accepts(f, ' 2025-12-31 ')).toBe('2025-12-31');
    expect(accepts(f, '1900-01-01')).toBe('1900-01-01');
  });
  it('refuses impossible dates and other spellings', () => {
    for (const raw of ['2023-02-29', '2025-13-01', '2025-04-31', '2025-00-10', '2025-01-00']) {
      expect(refuses(f, raw)).toBe('字段不是有效的日期');
    }
    expect(refuses(f, '1899-12-31')).toBe('字段不是有效的日期');
    for (const raw of ['2025/01/01', '2025-1-1', '20250101', '2025-01-01T00:00:00Z', '明天']) {
      expect(refuses(f, raw)).toBe('字段应为“年-月-日”格式，如2024-05-01');
    }
    expect(refuses(f, 20250101)).toBe('字段格式不正确');
  });
  it('ignores min/max (they are for numbers)', () => {
    expect(accepts(field('date', { min: 1, max: 2 }), '2030-01-01')).toBe('2030-01-01');
  });
});

describe('select', () => {
  const f = field('select', { options: [{ value: 'lost', label: '丢失' }, { value: 'stolen', label: '被盗' }] });
  it('takes one of the option values', () => {
    expect(accepts(f, 'lost')).toBe('lost');
    expect(accepts(f, ' stolen ')).toBe('stolen');
  });
  it('refuses labels, other values, wrong case and non-strings', () => {
    for (const raw of ['丢失', 'LOST', 'other']) expect(refuses(f, raw)).toBe('请从选项中选择字段');
    expect(refuses(f, 1)).toBe('字段格式不正确');
  });
  it('a select without options takes nothing', () => {
    expect(refuses(field('select'), 'lost')).toBe('请从选项中选择字段');
  });
});

describe('boolean', () => {
  it('takes true and false (false counts as filled for a required field)', () => {
    expect(accepts(field('boolean'), true)).toBe(true);
    expect(accepts(field('boolean'), false)).toBe(false);
  });
  it('refuses strings and numbers that look boolean', () => {
    for (const raw of ['true', 'false', 1, 0, '是']) expect(refuses(field('boolean'), raw)).toBe('字段应为“是”或“否”');
  });
});

describe('idNumber', () => {
  const f = field('idNumber', { label: '身份证号码' });
  it('takes valid numbers and upper-cases a trailing x', () => {
    expect(accepts(f, VALID_ID)).toBe(VALID_ID);
    expect(accepts(f, '11010519491231002x')).toBe('11010519491231002X');
    expect(accepts(f, ' 11010519491231002X ')).toBe('11010519491231002X');
  });
  it('says what is wrong', () => {
    expect(refuses(f, '4301021990010112')).toBe('身份证号码应为18位，末位可为X');
    expect(refuses(f, '43010219900101123Y')).toBe('身份证号码应为18位，末位可为X');
    expect(refuses(f, withCheck('99010219900101123'))).toBe('身份证号码地区码不正确');
    expect(refuses(f, withCheck('43010219900230123'))).toBe('身份证号码出生日期不正确');
    expect(refuses(f, withCheck('43010218991231123'))).toBe('身份证号码出生日期不正确');
    const wrongCheck = VALID_ID.slice(0, 17) + (VALID_ID[17] === '0' ? '1' : '0');
    expect(refuses(f, wrongCheck)).toBe('身份证号码校验位不正确');
    expect(refuses(f, 430102199001011234)).toBe('身份证号码格式不正确');
  });
  it('uses options.today for the birth date', () => {
    const bornLater = withCheck('43010220250602123');
    expect(refuses(f, bornLater)).toBe('身份证号码出生日期不正确');
    const result = validateForm([f], { f: bornLater }, { today: new Date('2025-06-03T00:00:00Z') });
    expect(result).toEqual({ ok: true, value: { f: bornLater } });
  });
});

describe('phone', () => {
  const f = field('phone', { label: '联系电话' });
  it('takes mainland mobile numbers', () => {
    expect(accepts(f, '13800138000')).toBe('13800138000');
    expect(accepts(f, ' 19912345678 ')).toBe('19912345678');
  });
  it('refuses landlines, short numbers, prefixes and numbers as JS numbers', () => {
    for (const raw of ['0731-12345678', '12800138000', '1380013800', '+8613800138000', '138 0013 8000']) {
      expect(refuses(f, raw)).toBe('手机号码应为11位数字，以1开头');
    }
    expect(refuses(f, 13800138000)).toBe('联系电话格式不正确');
  });
});

describe('region', () => {
  const f = field('region', { label: '受理点' });
  it('takes a 6-digit code with a known province, optionally with a detail', () => {
    expect(accepts(f, '430102')).toBe('430102');
    expect(accepts(f, '430000')).toBe('430000');
    expect(accepts(f, '430102  五一大道1号 ')).toBe('430102 五一大道1号');
    expect(accepts(f, '110105\t朝阳路')).toBe('110105 朝阳路');
    expect(isValidRegionCode('820000')).toBe(true);
    expect(isValidRegionCode('990000')).toBe(false);
  });
  it('refuses unknown provinces, other code shapes and a detail without a code', () => {
    expect(refuses(f, '990102')).toBe('受理点的行政区划代码不存在');
    expect(refuses(f, '000000')).toBe('受理点的行政区划代码不存在');
    for (const raw of ['43010', '4301020', '湖南省长沙市', '430102五一大道', 'abc123']) {
      expect(refuses(f, raw)).toBe('请选择正确的受理点');
    }
    expect(refuses(f, 430102)).toBe('受理点格式不正确');
  });
  it('limits the whole to maxLength (default 200) and refuses control characters in the detail', () => {
    expect(accepts(f, `430102 ${'路'.repeat(193)}`)).toHaveLength(200);
    expect(refuses(f, `430102 ${'路'.repeat(194)}`)).toBe('受理点不能超过200个字');
    expect(refuses(field('region', { maxLength: 10 }), '430102 五一大道1号')).toBe('字段不能超过10个字');
    expect(refuses(f, '430102 五一\n大道')).toBe('受理点包含不允许的字符');
  });
});

describe('plateNumber', () => {
  const f = field('plateNumber', { label: '号牌号码' });
  it('takes ordinary and new-energy plates, normalised', () => {
    expect(accepts(f, '湘A12345')).toBe('湘A12345');
    expect(accepts(f, '湘ab1c23')).toBe('湘AB1C23');
    expect(accepts(f, '湘A·12345')).toBe('湘A12345');
    expect(accepts(f, ' 京 B-88888 ')).toBe('京B88888');
    expect(accepts(f, '湘A1234挂')).toBe('湘A1234挂');
    expect(accepts(f, '粤Z1234港')).toBe('粤Z1234港');
    expect(accepts(f, '湘AD12345')).toBe('湘AD12345');
    expect(accepts(f, '湘AFA1234')).toBe('湘AFA1234');
    expect(accepts(f, '沪AA12345')).toBe('沪AA12345');
    expect(accepts(f, '湘A12345D')).toBe('湘A12345D');
    expect(accepts(f, '湘A12345F')).toBe('湘A12345F');
  });
  it('refuses other shapes', () => {
    for (const raw of [
      '湘12345', // no office letter
      'XA12345', // not a province
      '港A12345', // Hong Kong is not a mainland plate province
      '湘I12345', // I is never used
      '湘A1234', // too short
      '湘A1234567', // too long
      '湘AO1234', // O is never used
      '湘AD1234A', // new energy: last four are digits
      '湘AZ12345', // Z is not an energy letter
      '湘A12345X', // large new energy ends with D or F
      '湘A12挂45', // 挂 only at the end
      '湘AF1A234', // small new energy: energy letter, letter or digit, then 4 digits
    ]) {
      expect(refuses(f, raw)).toBe('号牌号码格式不正确');
    }
    expect(isValidPlateNumber('湘A12345')).toBe(true);
    expect(normalizePlateNumber('湘a-1 23·45')).toBe('湘A12345');
  });
});

describe('a whole form (hand-written, shaped like the seed catalogue)', () => {
  const moving: FormField[] = [
    { key: 'idNumber', label: '迁移人身份证号', type: 'idNumber', required: true },
    {
      key: 'moveType',
      label: '落户类别',
      type: 'select',
      required: true,
      options: [
        { value: 'spouse', label: '夫妻投靠' },
        { value: 'talent', label: '人才引进' },
      ],
    },
    { key: 'fromRegion', label: '迁出地', type: 'region', required: true },
    { key: 'toAddress', label: '迁入地址', type: 'text', required: true, maxLength: 100 },
    { key: 'movingMembers', label: '随迁人数', type: 'number', required: true, min: 1, max: 10 },
    { key: 'appointmentDate', label: '预约日期', type: 'date', required: false },
    { key: 'examCandidate', label: '是否为考生', type: 'boolean', required: false },
    { key: 'plateNumber', label: '号牌号码', type: 'plateNumber', required: false },
    { key: 'contactPhone', label: '联系电话', type: 'phone', required: true },
    { key: 'changeReason', label: '变更理由', type: 'textarea', required: false, maxLength: 500 },
  ];

  it('accepts a complete form and returns cleaned values', () => {
    const result = validateForm(
      moving,
      {
        idNumber: VALID_ID,
        moveType: 'spouse',
        fromRegion: '430102',
        toAddress: ' 长沙市芙蓉区五一大道1号 ',
        movingMembers: '2',
        appointmentDate: '2025-07-01',
        examCandidate: false,
        plateNumber: '湘a·12345',
        contactPhone: '13800138000',
        changeReason: '',
      },
      { today: TODAY },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        idNumber: VALID_ID,
        moveType: 'spouse',
        fromRegion: '430102',
        toAddress: '长沙市芙蓉区五一大道1号',
        movingMembers: 2,
        appointmentDate: '2025-07-01',
        examCandidate: false,
        plateNumber: '湘A12345',
        contactPhone: '13800138000',
      },
    });
  });

  it('reports every problem at once', () => {
    const result = validateForm(
      moving,
      { idNumber: '123', moveType: 'x', movingMembers: 0, contactPhone: '110', hacked: 'yes' },
      { today: TODAY },
    );
    expect(issuesOf(result)).toEqual([
      { field: 'hacked', message: '表单中没有这一项' },
      { field: 'idNumber', message: '身份证号码应为18位，末位可为X' },
      { field: 'moveType', message: '请从选项中选择落户类别' },
      { field: 'fromRegion', message: '请选择迁出地' },
      { field: 'toAddress', message: '请填写迁入地址' },
      { field: 'movingMembers', message: '随迁人数应在1到10之间' },
      { field: 'contactPhone', message: '手机号码应为11位数字，以1开头' },
    ]);
  });
});
