import fs from 'node:fs';
import path from 'node:path';
import {
  ADDRESSES_PAGES,
  ADDRESSES_ROOT,
  APPLY_PAGES,
  APPLY_ROOT,
  CASES_PAGES,
  CASES_ROOT,
  IDENTITY_PAGES,
  IDENTITY_ROOT,
  KNOWN_PAGES,
  LICENCES_PAGES,
  LICENCES_ROOT,
  MAIN_PAGES,
  PAY_PAGES,
  PAY_ROOT,
  TAB_PAGES,
} from './utils/routes';

/**
 * app.config.ts is evaluated by Taro at build time, so it holds its page lists literally; the
 * redirect check (utils/redirect.ts) trusts KNOWN_PAGES. Both must name the same pages.
 */
const config = fs.readFileSync(path.join(__dirname, 'app.config.ts'), 'utf8');
const quoted = (block: string) => [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]);

describe('app.config.ts and utils/routes.ts', () => {
  it('list the same main-package pages, home first', () => {
    const pages = /pages:\s*\[([^\]]*)\]/.exec(config.slice(config.indexOf('defineAppConfig')));
    expect(pages).not.toBeNull();
    expect(quoted(pages![1])).toEqual([...MAIN_PAGES]);
  });

  it('register the identity subpackage with its pages, preloaded from 我的', () => {
    const sub = new RegExp(`root:\\s*'${IDENTITY_ROOT}',\\s*pages:\\s*\\[([^\\]]*)\\]`).exec(config);
    expect(sub).not.toBeNull();
    expect(quoted(sub![1])).toEqual([...IDENTITY_PAGES]);
    expect(config).toMatch(new RegExp(`'pages/me/index':\\s*\\{[^}]*packages:\\s*\\[[^\\]]*'${IDENTITY_ROOT}'`));
  });

  it('register the apply and cases subpackages with their pages', () => {
    for (const [root, pages] of [
      [APPLY_ROOT, APPLY_PAGES],
      [CASES_ROOT, CASES_PAGES],
    ] as const) {
      const sub = new RegExp(`root:\\s*'${root}',\\s*pages:\\s*\\[([^\\]]*)\\]`).exec(config);
      expect(sub).not.toBeNull();
      expect(quoted(sub![1])).toEqual([...pages]);
    }
    // the item guide and the bundle page lead to the form; 我的 leads to the cases
    expect(config).toMatch(new RegExp(`'pages/item/index':\\s*\\{[^}]*'${APPLY_ROOT}'`));
    expect(config).toMatch(new RegExp(`'pages/me/index':\\s*\\{[^}]*'${CASES_ROOT}'`));
  });

  it('register the pay subpackage, preloaded from the case detail and the submission result', () => {
    const sub = new RegExp(`root:\\s*'${PAY_ROOT}',\\s*pages:\\s*\\[([^\\]]*)\\]`).exec(config);
    expect(sub).not.toBeNull();
    expect(quoted(sub![1])).toEqual([...PAY_PAGES]);
    expect(config).toMatch(new RegExp(`'${CASES_ROOT}/detail/index':\\s*\\{[^}]*'${PAY_ROOT}'`));
    expect(config).toMatch(new RegExp(`'${APPLY_ROOT}/result/index':\\s*\\{[^}]*'${PAY_ROOT}'`));
  });

  it('register the addresses subpackage, preloaded from 我的 and the case detail', () => {
    const sub = new RegExp(`root:\\s*'${ADDRESSES_ROOT}',\\s*pages:\\s*\\[([^\\]]*)\\]`).exec(config);
    expect(sub).not.toBeNull();
    expect(quoted(sub![1])).toEqual([...ADDRESSES_PAGES]);
    expect(config).toMatch(new RegExp(`'${CASES_ROOT}/detail/index':\\s*\\{[^}]*'${ADDRESSES_ROOT}'`));
    expect(config).toMatch(new RegExp(`'pages/me/index':\\s*\\{[^}]*'${ADDRESSES_ROOT}'`));
  });

  it('register the licences subpackage, preloaded from 我的', () => {
    const sub = new RegExp(`root:\\s*'${LICENCES_ROOT}',\\s*pages:\\s*\\[([^\\]]*)\\]`).exec(config);
    expect(sub).not.toBeNull();
    expect(quoted(sub![1])).toEqual([...LICENCES_PAGES]);
    expect(config).toMatch(new RegExp(`'pages/me/index':\\s*\\{[^}]*packages:\\s*\\[[^\\]]*'${LICENCES_ROOT}'`));
  });

  it('have the tab pages in the tab bar', () => {
    for (const tab of TAB_PAGES) expect(config).toContain(`pagePath: '${tab}'`);
    expect(KNOWN_PAGES).toHaveLength(MAIN_PAGES.length + IDENTITY_PAGES.length + APPLY_PAGES.length + CASES_PAGES.length + PAY_PAGES.length + ADDRESSES_PAGES.length + LICENCES_PAGES.length);
  });
});
