import { checkRegionPath, citiesOf, formatRegion, HOME_PROVINCE, HUNAN_CITIES, isValidRegionPath, PROVINCES, regionByCode, regionPath } from './regions';
import { PROVINCE_PREFIXES } from './validators';

describe('region table', () => {
  it('lists the 34 province-level divisions, the same prefixes the ID-number validator knows', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES.map((p) => p.code.slice(0, 2)))).toEqual(PROVINCE_PREFIXES);
    expect(PROVINCES.every((p) => /^\d{2}0000$/.test(p.code) && p.name.length >= 2)).toBe(true);
    expect(new Set(PROVINCES.map((p) => p.name)).size).toBe(34);
  });

  it('lists Hunan’s 14 cities / prefectures with their 122 county-level divisions, each under its city', () => {
    expect(HUNAN_CITIES).toHaveLength(14);
    expect(HUNAN_CITIES.reduce((n, c) => n + c.districts.length, 0)).toBe(122);
    const codes = new Set<string>();
    for (const c of HUNAN_CITIES) {
      expect(c.code).toMatch(/^43\d{2}00$/);
      for (const x of c.districts) {
        expect(x.code.slice(0, 4)).toBe(c.code.slice(0, 4));
        expect(x.code).not.toMatch(/00$/);
        codes.add(x.code);
      }
    }
    expect(codes.size).toBe(122);
    expect(citiesOf('430000')).toBe(HUNAN_CITIES);
    expect(citiesOf('440000')).toBeUndefined();
  });

  it('knows real codes (2023 edition)', () => {
    const names = Object.fromEntries(HUNAN_CITIES.flatMap((c) => c.districts).map((x) => [x.code, x.name]));
    expect(names).toMatchObject({ '430102': '芙蓉区', '430212': '渌口区', '430582': '邵东市', '431181': '祁阳市', '433101': '吉首市', '433130': '龙山县', '431281': '洪江市' });
  });
});

describe('regionByCode', () => {
  it('finds provinces, Hunan’s cities and districts, with their level and parents', () => {
    expect(regionByCode('430000')).toEqual({ code: '430000', name: '湖南省', level: 'province', provinceCode: '430000' });
    expect(regionByCode('110000')).toMatchObject({ name: '北京市', level: 'province' });
    expect(regionByCode('433100')).toEqual({ code: '433100', name: '湘西土家族苗族自治州', level: 'city', provinceCode: '430000', cityCode: '433100' });
    expect(regionByCode('430104')).toEqual({ code: '430104', name: '岳麓区', level: 'district', provinceCode: '430000', cityCode: '430100' });
  });

  it('does not find what the table does not hold', () => {
    for (const code of ['440300', '440305', '430199', '999999', '43010', '', ' 430102', undefined as unknown as string]) expect(regionByCode(code)).toBeUndefined();
  });
});

describe('regionPath', () => {
  it('places a code in province, city and district', () => {
    expect(regionPath('430102')).toEqual({ province: HOME_PROVINCE, city: HUNAN_CITIES[0], district: { code: '430102', name: '芙蓉区' } });
    expect(regionPath('430100')).toEqual({ province: HOME_PROVINCE, city: HUNAN_CITIES[0], district: undefined });
    expect(regionPath('440305')).toEqual({ province: { code: '440000', name: '广东省' } });
    expect(regionPath('990000')).toEqual({});
    expect(regionPath('abc')).toEqual({});
  });
});

describe('isValidRegionPath / checkRegionPath', () => {
  it('accepts a real Hunan path and refuses a district of another city, naming the broken part', () => {
    expect(isValidRegionPath('430000', '430100', '430102')).toBe(true);
    expect(isValidRegionPath('430000', '433100', '433130')).toBe(true);
    expect(checkRegionPath('430000', '430100', '430202')).toEqual({ ok: false, field: 'district', message: '请选择长沙市的区县' });
    expect(checkRegionPath('430000', '430100', '430100')).toMatchObject({ ok: false, field: 'district' });
    expect(checkRegionPath('430000', '430102', '430102')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('430000', '长沙市', '芙蓉区')).toEqual({ ok: false, field: 'city', message: '请选择湖南省的城市' });
    expect(checkRegionPath('430000', '440300', '440305')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('430100', '430100', '430102')).toEqual({ ok: false, field: 'province', message: '请选择正确的省份' });
    expect(checkRegionPath('990000', 'x', 'y')).toMatchObject({ ok: false, field: 'province' });
  });

  it('takes free-text city and district names for provinces without a table', () => {
    expect(isValidRegionPath('440000', '深圳市', '南山区')).toBe(true);
    expect(isValidRegionPath('110000', '北京市', '朝阳区')).toBe(true);
    expect(checkRegionPath('440000', '', '南山区')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('440000', '深圳市', '   ')).toMatchObject({ ok: false, field: 'district' });
    expect(checkRegionPath('440000', '深'.repeat(31), '南山区')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('440000', '深圳市\n', '南山区')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('440000', '深圳市', '<b>南山区</b>')).toMatchObject({ ok: false, field: 'district' });
  });

  it('checks codes given for provinces without a table against their province and city', () => {
    expect(isValidRegionPath('440000', '440300', '440305')).toBe(true);
    expect(isValidRegionPath('440000', '深圳市', '440305')).toBe(true);
    expect(checkRegionPath('440000', '430100', '南山区')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('440000', '440000', '南山区')).toMatchObject({ ok: false, field: 'city' });
    expect(checkRegionPath('440000', '440300', '440105')).toMatchObject({ ok: false, field: 'district' });
    expect(checkRegionPath('440000', '深圳市', '430102')).toMatchObject({ ok: false, field: 'district' });
  });
});

describe('formatRegion', () => {
  it('writes names for codes and keeps free text', () => {
    expect(formatRegion('430000', '430100', '430102')).toBe('湖南省长沙市芙蓉区');
    expect(formatRegion('430000', '430100', '430102', ' ')).toBe('湖南省 长沙市 芙蓉区');
    expect(formatRegion('440000', '深圳市', '南山区')).toBe('广东省深圳市南山区');
    expect(formatRegion('110000', '北京市', '朝阳区')).toBe('北京市朝阳区');
    expect(formatRegion('430000')).toBe('湖南省');
    expect(formatRegion('430000', '430100')).toBe('湖南省长沙市');
    expect(formatRegion('999999')).toBe('999999');
  });
});
