import { createDatabase, type Database } from '../../db';
import { storageModes } from '../../testing/storage';
import { CaseNumbers } from './caseNumbers';

const ITEM = '11430000006940002L070001003001';

describe.each(storageModes().map((m) => [m.name, m] as const))('case numbers on %s', (_name, mode) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let numbers: CaseNumbers;

  beforeAll(async () => {
    const prepared = await mode.prepare();
    cleanup = prepared.cleanup;
    database = await createDatabase(
      prepared.env.MYSQL_URL
        ? { kind: 'mysql', url: prepared.env.MYSQL_URL, poolSize: 10 }
        : { kind: 'sqlite', file: `${prepared.env.DATA_DIR}/cases.sqlite` },
    );
    await database.migrate();
    numbers = new CaseNumbers(database.db, database.dialect);
  });
  afterAll(async () => {
    await database?.close();
    await cleanup?.();
  });

  it('formats itemCode + Shanghai yyyyMMdd + a 4-digit daily sequence', async () => {
    // 15:30 UTC is 23:30 in Shanghai (still 1 March); 16:00 UTC is midnight, 2 March.
    expect(await numbers.next(ITEM, new Date('2026-03-01T15:30:00Z'))).toBe(`${ITEM}202603010001`);
    expect(await numbers.next(ITEM, new Date('2026-03-01T15:59:59Z'))).toBe(`${ITEM}202603010002`);
    expect(await numbers.next(ITEM, new Date('2026-03-01T16:00:00Z'))).toBe(`${ITEM}202603020001`);
    expect(await numbers.next('11430000006940004T070001001001', new Date('2026-03-01T15:30:00Z'))).toBe('11430000006940004T070001001001202603010001');
  });

  it('gives 200 concurrent submissions 200 distinct, gap-free numbers', async () => {
    const at = new Date('2026-05-06T02:00:00Z');
    const all = await Promise.all(Array.from({ length: 200 }, () => numbers.next(ITEM, at)));
    expect(new Set(all).size).toBe(200);
    const seqs = all.map((n) => Number(n.slice(-4))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
