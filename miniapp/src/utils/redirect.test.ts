import { backDelta, parseRedirect, safeRedirect, stackPageUrl } from './redirect';
import { identityRoutes, routes } from './routes';

describe('parseRedirect', () => {
  it('accepts our pages with their query, as given or percent-encoded once', () => {
    expect(parseRedirect('/pages/item/index?code=11430000MB1234567X')).toEqual({
      route: 'pages/item/index',
      query: { code: '11430000MB1234567X' },
      url: '/pages/item/index?code=11430000MB1234567X',
    });
    expect(parseRedirect(encodeURIComponent('/pages/item/index?code=A1'))?.url).toBe('/pages/item/index?code=A1');
    expect(parseRedirect('pages/me/index')?.url).toBe('/pages/me/index');
    expect(parseRedirect('/packages/identity/face/index')?.route).toBe('packages/identity/face/index');
  });

  it('keeps Chinese query values whether they arrive encoded or decoded (H5 decodes)', () => {
    const url = routes.search('丢了身份证');
    expect(parseRedirect(url)?.query).toEqual({ q: '丢了身份证' });
    expect(parseRedirect('/pages/search/index?q=丢了身份证')?.url).toBe(url);
    expect(parseRedirect(encodeURIComponent(url))?.query).toEqual({ q: '丢了身份证' });
    expect(parseRedirect('/pages/search/index?q=100%')?.query).toEqual({ q: '100%' });
  });

  it('refuses anything that is not one of our pages', () => {
    for (const bad of [
      'https://evil.example/pages/item/index',
      '//evil.example/pages/me/index',
      'javascript:alert(1)',
      '/pages/../pages/me/index',
      '/pages/unknown/index',
      '/pages/item/index/../../x',
      '\\\\evil.example',
      '/pages/item/index?code=1#frag',
      '/pages/item/index?code=1?x=2',
      encodeURIComponent(encodeURIComponent('/pages/me/index')),
      '',
      undefined,
      null,
      'x'.repeat(600),
    ]) {
      expect(parseRedirect(bad)).toBeUndefined();
    }
  });

  it('safeRedirect falls back', () => {
    expect(safeRedirect('https://evil.example', routes.me)).toBe(routes.me);
    expect(safeRedirect(undefined, routes.home)).toBe(routes.home);
    expect(safeRedirect(routes.bundle('NEWBORN'), routes.me)).toBe('/pages/bundle/index?code=NEWBORN');
  });

  it('round-trips through the identity routes (a redirect inside a redirect)', () => {
    const face = identityRoutes.face(routes.item('A1'));
    expect(face).toBe('/packages/identity/face/index?redirect=%2Fpages%2Fitem%2Findex%3Fcode%3DA1');
    const login = identityRoutes.login(face);
    const outer = parseRedirect(login);
    expect(outer?.route).toBe('packages/identity/login/index');
    const inner = parseRedirect(outer!.query.redirect);
    expect(inner?.url).toBe(face);
    expect(parseRedirect(inner!.query.redirect)?.url).toBe('/pages/item/index?code=A1');
  });
});

describe('navigation stack', () => {
  const target = parseRedirect('/pages/item/index?code=A1')!;

  it('finds the nearest matching page below the top (weapp: route + options)', () => {
    const stack = [
      { route: 'pages/index/index', options: {} },
      { route: 'pages/item/index', options: { code: 'A1' } },
      { route: 'pages/item/index', options: { code: 'B2' } },
      { route: 'packages/identity/login/index', options: { redirect: '%2Fpages%2Fitem%2Findex%3Fcode%3DA1' } },
    ];
    expect(backDelta(stack, target)).toBe(2);
    expect(backDelta(stack, parseRedirect('/pages/index/index')!)).toBe(3);
    expect(backDelta(stack, parseRedirect('/pages/bundle/index?code=X')!)).toBeUndefined();
  });

  it('reads H5 stack pages by path and $taroParams (encoded), ignoring the stamp H5 adds', () => {
    const stack = [
      { path: '/pages/item/index?stamp=AA', $taroParams: { code: 'A1', stamp: 'AA' } },
      { path: '/packages/identity/login/index?stamp=AB', $taroParams: { redirect: '%2Fpages%2Fitem%2Findex%3Fcode%3DA1', stamp: 'AB' } },
    ];
    expect(backDelta(stack, target)).toBe(1);
    expect(stackPageUrl(stack[0])).toBe('/pages/item/index?code=A1');
    expect(stackPageUrl(stack[1])).toBe(identityRoutes.login('/pages/item/index?code=A1'));
    expect(backDelta([{ path: '/pages/item/index?code=A1&stamp=3' }, { path: '/x' }], target)).toBe(1);
  });

  it('never matches the top page itself', () => {
    expect(backDelta([{ route: 'pages/item/index', options: { code: 'A1' } }], target)).toBeUndefined();
  });

  it('builds the URL of a weapp stack page from route and options', () => {
    expect(stackPageUrl({ route: 'pages/search/index', options: { q: '%E6%8C%AA%E8%BD%A6' } })).toBe(routes.search('挪车'));
    expect(stackPageUrl({})).toBeUndefined();
  });
});
