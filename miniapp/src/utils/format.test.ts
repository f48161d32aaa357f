import { feeLabel, highlight, materialFormLabel, routeParam, secondsLeft, shanghaiDate, visitsLabel, workingDaysLabel } from './format';
import { routes } from './routes';

describe('labels', () => {
  it('says 免费 for a free item', () => {
    expect(feeLabel(0)).toBe('免费');
    expect(feeLabel(1500)).toBe('¥15.00');
  });


  it('describes time limits, visits and material forms', () => {
    expect(workingDaysLabel(0)).toBe('即办（当场办结）');
    expect(workingDaysLabel(20)).toBe('20 个工作日');
    expect(visitsLabel(0)).toBe('零跑腿');
    expect(visitsLabel(1)).toBe('最多跑 1 次');
    expect(materialFormLabel('original', 1)).toBe('原件 1 份');
    expect(materialFormLabel('copy', 2)).toBe('复印件 2 份');
    expect(materialFormLabel('electronic', 1)).toBe('电子材料');
  });
});

describe('highlight', () => {
  it('marks every occurrence of the query', () => {
    expect(highlight('居民身份证换领', '身份证')).toEqual([
      { text: '居民', hit: false },
      { text: '身份证', hit: true },
      { text: '换领', hit: false },
    ]);
    expect(highlight('证证', '证')).toEqual([
      { text: '证', hit: true },
      { text: '证', hit: true },
    ]);
  });

  it('ignores case and surrounding spaces, and keeps the original spelling', () => {
    expect(highlight('ETC 办理', ' etc ')).toEqual([
      { text: 'ETC', hit: true },
      { text: ' 办理', hit: false },
    ]);
  });

  it('returns the whole text unmarked when nothing matches or the query is empty', () => {
    expect(highlight('挪车', '身份证')).toEqual([{ text: '挪车', hit: false }]);
    expect(highlight('挪车', '  ')).toEqual([{ text: '挪车', hit: false }]);
    expect(highlight('', 'x')).toEqual([{ text: '', hit: false }]);
  });
});

describe('routes and route params', () => {
  it('encodes query values and decodes them back', () => {
    const url = routes.search('丢了身份证');
    expect(url).toBe('/pages/search/index?q=%E4%B8%A2%E4%BA%86%E8%BA%AB%E4%BB%BD%E8%AF%81');
    expect(routeParam(url.split('q=')[1])).toBe('丢了身份证');
    expect(routes.search()).toBe('/pages/search/index');
    expect(routes.item('11430000MB1234567X')).toBe('/pages/item/index?code=11430000MB1234567X');
  });

  it('leaves already-decoded or malformed values alone', () => {
    expect(routeParam('挪车')).toBe('挪车');
    expect(routeParam('100%')).toBe('100%');
    expect(routeParam(undefined)).toBe('');
  });
});

describe('dates and countdowns', () => {
  it('shows a UTC instant as its Asia/Shanghai date', () => {
    expect(shanghaiDate('2026-03-01T15:59:59Z')).toBe('2026-03-01');
    expect(shanghaiDate('2026-03-01T16:00:00Z')).toBe('2026-03-02');
    expect(shanghaiDate('2026-03-01T08:00:00+08:00')).toBe('2026-03-01');
    expect(shanghaiDate(null)).toBe('');
    expect(shanghaiDate('not a date')).toBe('');
  });

  it('counts whole seconds left, never below zero', () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 20_000)).toBe(0);
  });
});
