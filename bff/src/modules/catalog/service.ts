import { createHash } from 'node:crypto';
import {
  BundleInputSchema,
  DOMAINS,
  ITEM_TYPES,
  OpenCatalogItemSchema,
  ServiceItemInputSchema,
  type BundleDetail,
  type BundleInput,
  type BundleListResponse,
  type DomainListResponse,
  type DomainSummary,
  type ItemListResponse,
  type OpenCatalogPage,
  type SearchResponse,
  type ServiceItem,
  type ServiceItemInput,
} from '@onevisit/shared-types';
import { AppError, fieldIssues, validationError } from '../../http/errors';
import type { JsonPayload } from '../../http/route';
import type { Kv } from '../../kv';
import { VersionedCache } from '../../kv/versionedCache';
import type { CatalogRepo, ItemFilter } from './repo';
import { SearchIndex } from './search';
import { toSummary } from './summary';

export interface CatalogOptions {
  cacheTtlSeconds: number;
  itemCodePattern: RegExp;
  /** How stale (ms) another process's catalogue write may look here; default 1000. */
  versionTrustMs?: number;
}

/**
 * Rules of the catalogue. Reads go through a versioned cache (process memory, then the KV); a
 * write bumps the version, which invalidates every cached read on every BFF process.
 */
export class CatalogService {
  private index: { version: string; built: Promise<SearchIndex> } | null = null;
  private readonly cache: VersionedCache;

  constructor(
    private readonly repo: CatalogRepo,
    kv: Kv,
    private readonly options: CatalogOptions,
  ) {
    this.cache = new VersionedCache(kv, {
      name: 'catalog',
      ttlSeconds: options.cacheTtlSeconds,
      versionTrustMs: options.versionTrustMs ?? 1000,
      localEntries: 2000,
    });
  }

  private cached(key: string, produce: () => Promise<unknown>): Promise<JsonPayload> {
    return this.cache.get(key, produce);
  }

  domains(): Promise<JsonPayload> {
    return this.cached('domains', async (): Promise<DomainListResponse> => {
      const counts = await this.repo.countEnabledByDomain();
      return { domains: DOMAINS.map((d) => ({ ...d, itemCount: counts.get(d.code) ?? 0 })) };
    });
  }

  domain(code: string): Promise<JsonPayload> {
    return this.cached(`domain:${code}`, async (): Promise<DomainSummary> => {
      const domain = DOMAINS.find((d) => d.code === code);
      if (!domain) throw new AppError('DOMAIN_NOT_FOUND', `no service domain ${code}`);
      const counts = await this.repo.countEnabledByDomain();
      return { ...domain, itemCount: counts.get(code) ?? 0 };
    });
  }

  listItems(filter: ItemFilter, page: number, pageSize: number): Promise<JsonPayload> {
    const key = `items:${filter.domain ?? '*'}:${filter.handlingMode ?? '*'}:${filter.onlineOnly ? 1 : 0}:${page}:${pageSize}`;
    return this.cached(key, async (): Promise<ItemListResponse> => {
      const { items, total } = await this.repo.listItems(filter, (page - 1) * pageSize, pageSize);
      return { items: items.map(toSummary), page, pageSize, total };
    });
  }

  item(itemCode: string): Promise<JsonPayload> {
    return this.cached(`item:${itemCode}`, async (): Promise<ServiceItem> => {
      const item = await this.repo.findItem(itemCode);
      if (!item) throw new AppError('ITEM_NOT_FOUND', `no service item ${itemCode}`);
      return item;
    });
  }

  /** For other modules (applications, open API): the item or ITEM_NOT_FOUND. */
  /**
   * Incremental sync for partner platforms: items changed after the cursor (disabled ones too, so
   * a partner learns an item was withdrawn), oldest change first, and the cursor to continue from.
   */
  async changesSince(cursor: string | undefined, limit: number): Promise<OpenCatalogPage> {
    return JSON.parse((await this.changesSincePayload(cursor, limit)).json) as OpenCatalogPage;
  }

  /** The same page serialised once and cached (with its ETag), for the open API to send as it is. */
  changesSincePayload(cursor: string | undefined, limit: number): Promise<JsonPayload> {
    const after = decodeSyncCursor(cursor);
    return this.cached(`changes:${cursor ?? '-'}:${limit}`, async (): Promise<OpenCatalogPage> => {
      const rows = await this.repo.itemsChangedAfter(after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(({ item }) => OpenCatalogItemSchema.parse(item)),
        nextCursor: last ? encodeSyncCursor(last.updatedAt, last.item.itemCode) : (cursor ?? encodeSyncCursor('0000-00-00 00:00:00.000', '')),
        hasMore: rows.length > limit,
      };
    });
  }

  async requireItem(itemCode: string): Promise<ServiceItem> {
    return JSON.parse((await this.item(itemCode)).json) as ServiceItem;
  }

  /** For the applications module: the bundle with its items, or BUNDLE_NOT_FOUND. */
  async requireBundle(bundleCode: string): Promise<BundleDetail> {
    return JSON.parse((await this.bundle(bundleCode)).json) as BundleDetail;
  }

  search(q: string, domain: string | undefined, page: number, pageSize: number): Promise<JsonPayload> {
    // Hashed: free text from citizens (possibly personal data) does not belong in key names.
    const queryKey = createHash('sha1').update(q).digest('base64url');
    return this.cached(`search:${domain ?? '*'}:${page}:${pageSize}:${queryKey}`, async (): Promise<SearchResponse> => {
      const index = await this.searchIndex();
      const hits = index.search(q, domain);
      const bundles = page === 1 ? index.searchBundles(q).slice(0, 3) : [];
      return {
        items: hits.slice((page - 1) * pageSize, page * pageSize),
        page,
        pageSize,
        total: hits.length,
        bundles: bundles.map(({ bundleCode, name, summary }) => ({ bundleCode, name, summary })),
      };
    });
  }

  bundles(): Promise<JsonPayload> {
    return this.cached('bundles', async (): Promise<BundleListResponse> => {
      const bundles = await this.repo.listBundles();
      return { bundles: bundles.map(({ bundleCode, name, summary, promisedLimitDays }) => ({ bundleCode, name, summary, promisedLimitDays })) };
    });
  }

  bundle(bundleCode: string): Promise<JsonPayload> {
    return this.cached(`bundle:${bundleCode}`, async (): Promise<BundleDetail> => {
      const bundle = await this.repo.findBundle(bundleCode);
      if (!bundle) throw new AppError('BUNDLE_NOT_FOUND', `no life-event bundle ${bundleCode}`);
      const items = await this.repo.findItems(bundle.itemCodes);
      const byCode = new Map(items.map((i) => [i.itemCode, i]));
      return { ...bundle, items: bundle.itemCodes.flatMap((c) => (byCode.has(c) ? [toSummary(byCode.get(c)!)] : [])) };
    });
  }

  private async searchIndex(): Promise<SearchIndex> {
    const version = await this.cache.version();
    if (this.index?.version !== version) {
      const built = Promise.all([this.repo.allEnabledItems(), this.repo.listBundles()]).then(([items, bundles]) => new SearchIndex(items, bundles));
      this.index = { version, built };
      built.catch(() => {
        if (this.index?.built === built) this.index = null;
      });
    }
    return this.index.built;
  }

  /** Checks an item beyond its schema: the province's code format and the code's type segment. */
  validateItem(input: ServiceItemInput): Omit<ServiceItem, 'updatedAt'> {
    const parsed = ServiceItemInputSchema.safeParse(input);
    if (!parsed.success) throw validationError(fieldIssues(parsed.error, 'item'));
    const item = parsed.data;
    if (!this.options.itemCodePattern.test(item.itemCode)) {
      throw new AppError('ITEM_CODE_INVALID', `implementation code ${item.itemCode} does not match the configured format`);
    }
    if (item.itemCode.slice(0, 18) === item.department.creditCode && item.itemCode.slice(18, 20) !== ITEM_TYPES[item.itemType].digits) {
      throw new AppError('ITEM_CODE_INVALID', `implementation code ${item.itemCode} does not carry the type digits of ${item.itemType}`);
    }
    if (item.promisedLimitDays > item.legalLimitDays) {
      throw validationError([{ field: 'item.promisedLimitDays', message: 'promised limit exceeds the legal limit' }]);
    }
    if ((item.fee.amountFen === 0) !== (item.fee.due === 'none')) {
      throw validationError([{ field: 'item.fee.due', message: 'a free item has due "none"; a paid item says when it is due' }]);
    }
    return item;
  }

  async saveItem(input: ServiceItemInput): Promise<void> {
    await this.repo.upsertItem(this.validateItem(input));
    await this.cache.bump();
  }

  async saveBundle(input: BundleInput): Promise<void> {
    const parsed = BundleInputSchema.safeParse(input);
    if (!parsed.success) throw validationError(fieldIssues(parsed.error, 'bundle'));
    const known = new Set((await this.repo.findItems(parsed.data.itemCodes)).map((i) => i.itemCode));
    const missing = parsed.data.itemCodes.filter((c) => !known.has(c));
    if (missing.length) throw new AppError('ITEM_NOT_FOUND', `bundle ${parsed.data.bundleCode} names unknown items: ${missing.join(', ')}`);
    await this.repo.upsertBundle(parsed.data);
    await this.cache.bump();
  }

  /** Loads the seed catalogue into an empty database; a catalogue that has items is left alone. */
  async seedIfEmpty(items: ServiceItemInput[], bundles: BundleInput[]): Promise<number> {
    if ((await this.repo.countItems()) > 0) return 0;
    for (const item of items) await this.repo.upsertItem(this.validateItem(item));
    for (const bundle of bundles) await this.saveBundle(bundle);
    await this.cache.bump();
    return items.length;
  }
}

/** The sync position: the last item's change time and code (keyset), opaque to partners. */
function encodeSyncCursor(updatedAt: string, itemCode: string): string {
  return `c${Buffer.from(`${updatedAt}|${itemCode}`, 'utf8').toString('base64url')}`;
}

function decodeSyncCursor(cursor: string | undefined): { updatedAt: string; itemCode: string } | null {
  if (cursor === undefined) return null;
  const text = cursor.startsWith('c') ? Buffer.from(cursor.slice(1), 'base64url').toString('utf8') : '';
  const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\|([0-9A-Z]{0,40})$/.exec(text);
  if (!m) throw new AppError('CURSOR_INVALID', 'the cursor is not one this sync returned');
  return { updatedAt: m[1], itemCode: m[2] };
}
