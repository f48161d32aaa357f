import fs from 'node:fs';
import path from 'node:path';

/** The package root of shared-types carries the zod schemas; the mini-program must not bundle them. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('mini-program imports', () => {
  it('takes values from @onevisit/shared-types/client only, and never imports zod', () => {
    const offenders = sources(__dirname).filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return /from '@onevisit\/shared-types'|from 'zod'|require\('zod'\)/.test(text);
    });
    expect(offenders.map((f) => path.relative(__dirname, f))).toEqual([]);
  });
});
