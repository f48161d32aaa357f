import { idNumberCheckChar } from '@onevisit/shared-types/client';
import { levelBadgeText, levelCovers, nextStepFor, normaliseRealName, validateRealName } from './identity';

const TODAY = new Date('2026-06-01T00:00:00Z');
const id = (first17: string) => first17 + idNumberCheckChar(first17);
const VALID = id('43010219900307001');

describe('real-name form checks', () => {
  it('accepts a Chinese name and a valid ID number (spaces removed, x upper-cased)', () => {
    expect(validateRealName({ name: ' 张三 ', idNumber: VALID }, TODAY)).toEqual({});
    expect(validateRealName({ name: '阿依古丽·买买提', idNumber: VALID }, TODAY)).toEqual({});
    const withX = id('11010519491231002').replace(/X$/, 'x');
    expect(normaliseRealName({ name: '张三', idNumber: `${withX.slice(0, 6)} ${withX.slice(6)}` }).idNumber).toBe(withX.toUpperCase());
  });

  it('explains what is wrong with the name', () => {
    expect(validateRealName({ name: '', idNumber: VALID }, TODAY).name).toBe('请输入姓名');
    expect(validateRealName({ name: '张', idNumber: VALID }, TODAY).name).toMatch(/2–30 个汉字/);
    expect(validateRealName({ name: 'Zhang San', idNumber: VALID }, TODAY).name).toMatch(/汉字/);
    expect(validateRealName({ name: '张'.repeat(31), idNumber: VALID }, TODAY).name).toBeDefined();
  });

  it('explains what is wrong with the ID number: missing, length, check digit, date', () => {
    expect(validateRealName({ name: '张三', idNumber: '' }, TODAY).idNumber).toBe('请输入身份证号码');
    expect(validateRealName({ name: '张三', idNumber: '43010219900307' }, TODAY).idNumber).toMatch(/18 位（已输入 14 位）/);
    const wrongCheck = VALID.slice(0, 17) + (VALID[17] === '0' ? '1' : '0');
    expect(validateRealName({ name: '张三', idNumber: wrongCheck }, TODAY).idNumber).toMatch(/有误/);
    expect(validateRealName({ name: '张三', idNumber: id('43010220300101001') }, TODAY).idNumber).toMatch(/有误/); // born in the future
    expect(validateRealName({ name: '张三', idNumber: id('00010219900101001') }, TODAY).idNumber).toMatch(/有误/); // no such province
  });
});

describe('levels', () => {
  it('reads as "L2 实名" and lists what a level covers', () => {
    expect(levelBadgeText('L1')).toBe('L1 已登录');
    expect(levelBadgeText('L2')).toBe('L2 实名');
    expect(levelBadgeText('L3')).toBe('L3 实人');
    expect(levelCovers('L1')).toEqual(['登录即可办理']);
    expect(levelCovers('L3')).toHaveLength(3);
  });

  it('leads to the next step', () => {
    expect(nextStepFor(undefined)).toBe('login');
    expect(nextStepFor('L1')).toBe('real_name');
    expect(nextStepFor('L2')).toBe('face');
    expect(nextStepFor('L3')).toBeNull();
  });
});
