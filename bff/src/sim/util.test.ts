import { ExpiringMap, isSafeRedirect, maskName, nonceMemory, withQueryParam } from './util';
import { alipaySignContent } from './alipay';

describe('simulator helpers', () => {
  it('masks names as the platform shows them', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳明辉')).toBe('欧**辉');
    expect(maskName('阿依古丽·买买提')).toBe('阿******提');
  });

  it('appends certifyId before a hash route', () => {
    expect(withQueryParam('https://a.example/h5/#/face?x=1', 'certifyId', 'c1')).toBe('https://a.example/h5/?certifyId=c1#/face?x=1');
    expect(withQueryParam('https://a.example/back?from=h5', 'certifyId', 'c 1')).toBe('https://a.example/back?from=h5&certifyId=c%201');
  });

  it('redirects only to http(s) or same-origin paths', () => {
    expect(isSafeRedirect('https://a.example/x')).toBe(true);
    expect(isSafeRedirect('/h5/#/x')).toBe(true);
    expect(isSafeRedirect('//evil.example/x')).toBe(false);
    expect(isSafeRedirect('javascript:alert(1)')).toBe(false);
    expect(isSafeRedirect('alipays://platformapi/startapp?appId=1')).toBe(false);
  });

  it('expires entries and tells expired from unknown', () => {
    let now = 0;
    const m = new ExpiringMap<string>(() => now, 3);
    m.set('a', 'A', 100);
    expect(m.get('a')).toBe('A');
    now = 100;
    expect(m.peek('a')).toEqual({ value: 'A', expired: true });
    expect(m.get('a')).toBeUndefined();
    expect(m.peek('a')).toBeUndefined();
    for (const k of ['b', 'c', 'd', 'e']) m.set(k, k, 1000);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('e')).toBe('e');
  });

  it('remembers nonces per app key for their window', () => {
    let now = 0;
    const remember = nonceMemory(() => now);
    expect(remember('k1', 'n', 600)).toBe(true);
    expect(remember('k1', 'n', 600)).toBe(false);
    expect(remember('k2', 'n', 600)).toBe(true);
    now = 601_000;
    expect(remember('k1', 'n', 600)).toBe(true);
  });

  it('builds the Alipay sign content from every non-empty parameter but sign, sorted', () => {
    expect(alipaySignContent({ sign: 'x', method: 'm', app_id: '1', empty: '', biz_content: '{"a":1}' })).toBe('app_id=1&biz_content={"a":1}&method=m');
  });
});
