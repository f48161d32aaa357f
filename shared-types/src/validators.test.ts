import { creditCodeCheckChar, idNumberCheckChar, isValidCreditCode, isValidIdNumber, isValidMobile } from './validators';
import { maskIdNumber, maskPersonalDataInText, maskPhone } from './mask';

describe('resident ID number (GB 11643)', () => {
  // 11010519491231002X is the standard's own worked example.
  it('accepts the standard example and computes its check character', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
  });
  it('refuses a wrong check digit, a bad date, a future birth, an unknown province, a wrong length', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    const feb30 = '43010220000230123';
    expect(isValidIdNumber(feb30 + idNumberCheckChar(feb30))).toBe(false);
    const future = '43010220990101123';
    expect(isValidIdNumber(future + idNumberCheckChar(future), new Date('2026-01-01'))).toBe(false);
    const noProvince = '99010219900101123';
    expect(isValidIdNumber(noProvince + idNumberCheckChar(noProvince))).toBe(false);
    expect(isValidIdNumber('4301021990010112')).toBe(false);
  });
});

describe('unified social credit code (GB 32100)', () => {
  it('validates the check character', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4I')).toBe(false);
  });
});

describe('masking', () => {
  it('keeps only enough to recognise', () => {
    expect(maskIdNumber('43010219900101123X')).toBe('430***********123X');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(isValidMobile('13812345678')).toBe(true);
    expect(isValidMobile('12812345678')).toBe(false);
  });
  it('finds ID and mobile numbers inside free text, not other digit runs', () => {
    expect(maskPersonalDataInText('citizen 43010219900101123X called from 13812345678 about case 2024112800001234567890'))
      .toBe('citizen 430***********123X called from 138****5678 about case 2024112800001234567890');
  });
});

describe('masking at the edges of text', () => {
  it('masks numbers at the start, the end and side by side, without lookbehind', () => {
    expect(maskPersonalDataInText('13812345678,13912345678')).toBe('138****5678,139****5678');
    expect(maskPersonalDataInText('43010219900101123X')).toBe('430***********123X');
    expect(maskPersonalDataInText('x43010219900101123X')).toBe('x43010219900101123X');
  });
});
