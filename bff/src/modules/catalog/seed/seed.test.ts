import { DOMAINS, ITEM_TYPES, isValidCreditCode, validateForm } from '@onevisit/shared-types';
import { DEFAULT_ITEM_CODE_PATTERN } from '../../../config';
import { MemoryKv } from '../../../kv/memory';
import type { CatalogRepo } from '../repo';
import { CatalogService } from '../service';
import { departments } from './departments';
import { seedBundles, seedItems } from './index';

/** The validation the catalogue applies to every write, without a database. */
const catalog = new CatalogService({} as CatalogRepo, new MemoryKv(), {
  cacheTtlSeconds: 60,
  itemCodePattern: new RegExp(DEFAULT_ITEM_CODE_PATTERN),
});

const REQUIRED_ITEMS = [
  '居民身份证补领',
  '居民身份证换领',
  '临时居民身份证',
  '交通违法处理',
  '交通事故快撤直赔',
  '居住登记',
  '居住证申领',
  '往来港澳通行证再次签注',
  '堵路移车',
  '无犯罪记录证明',
  '出生登记',
  '户口迁入（准迁）',
  '普通护照申领',
  '驾驶证期满换证',
  '机动车检验标志申领',
  '电动自行车登记',
  '公章刻制备案',
  '旅馆业特种行业许可证核发',
];

describe('seed catalogue integrity', () => {
  it.each(seedItems.map((i) => [i.name, i] as const))('%s passes every rule the catalogue enforces', (_name, item) => {
    expect(() => catalog.validateItem(item)).not.toThrow();
    expect(item.itemCode.slice(0, 18)).toBe(item.department.creditCode);
    expect(item.itemCode.slice(18, 20)).toBe(ITEM_TYPES[item.itemType].digits);
    expect(item.conditions.length).toBeGreaterThan(0);
    expect(item.materials.length).toBeGreaterThan(0);
    expect(item.steps.length).toBeGreaterThan(0);
    expect(Number.isInteger(item.fee.amountFen)).toBe(true);
    expect(item.consultPhone).toBeTruthy();
    expect(item.handlingMode === 'online').toBe(item.visitsRequired === 0);
    expect(new Set(item.formSchema.map((f) => f.key)).size).toBe(item.formSchema.length);
    for (const f of item.formSchema) if (f.type === 'select') expect(f.options?.length).toBeGreaterThan(1);
  });

  it.each(seedItems.map((i) => [i.name, i] as const))('%s: its form, left empty, asks for exactly its required fields', (_name, item) => {
    const result = validateForm(item.formSchema, {});
    const required = item.formSchema.filter((f) => f.required).map((f) => f.key);
    if (required.length === 0) expect(result.ok).toBe(true);
    else expect(result.ok ? [] : result.issues.map((i) => i.field)).toEqual(required);
  });

  it('uses departments with valid GB 32100 credit codes', () => {
    for (const d of Object.values(departments)) expect(isValidCreditCode(d.creditCode)).toBe(true);
    const known = new Set<string>(Object.values(departments).map((d) => d.creditCode));
    expect(seedItems.every((i) => known.has(i.department.creditCode))).toBe(true);
  });

  it('has at least 60 items, unique codes and names, over all ten domains', () => {
    expect(seedItems.length).toBeGreaterThanOrEqual(60);
    expect(new Set(seedItems.map((i) => i.itemCode)).size).toBe(seedItems.length);
    expect(new Set(seedItems.map((i) => i.name)).size).toBe(seedItems.length);
    for (const domain of DOMAINS) expect(seedItems.filter((i) => i.domain === domain.code).length).toBeGreaterThanOrEqual(3);
  });

  it('contains the everyday items citizens look for', () => {
    const names = new Set(seedItems.map((i) => i.name));
    expect(REQUIRED_ITEMS.filter((n) => !names.has(n))).toEqual([]);
  });

  it('gives ID reissue and renewal the exam-candidate 24-hour green channel', () => {
    for (const name of ['居民身份证补领', '居民身份证换领']) {
      const item = seedItems.find((i) => i.name === name)!;
      expect(item.greenChannel).toMatchObject({ limitHours: 24 });
      expect(item.greenChannel!.eligibility).toMatch(/考/);
    }
  });

  it('has at least three bundles, each over known items of at least two', () => {
    expect(seedBundles.length).toBeGreaterThanOrEqual(3);
    const codes = new Set(seedItems.map((i) => i.itemCode));
    for (const b of seedBundles) {
      expect(b.itemCodes.length).toBeGreaterThanOrEqual(2);
      expect(b.itemCodes.every((c) => codes.has(c))).toBe(true);
    }
    expect(seedBundles.map((b) => b.name)).toContain('新生儿出生一件事');
  });

  it('refuses an item whose code breaks the configured format or its type digits', () => {
    const sample = seedItems[0];
    expect(() => catalog.validateItem({ ...sample, itemCode: 'ABCDEFGHIJ1234' })).toThrow(/configured format/);
    const otherType = sample.itemType === 'licensing' ? 'confirmation' : 'licensing';
    expect(() => catalog.validateItem({ ...sample, itemType: otherType })).toThrow(/type digits/);
    expect(() => catalog.validateItem({ ...sample, promisedLimitDays: sample.legalLimitDays + 1 })).toThrow(/legal limit/);
    expect(() => catalog.validateItem({ ...sample, conditions: [] })).toThrow(/item.conditions/);
  });
});
