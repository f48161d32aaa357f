import type { Kysely } from 'kysely';
import type { Bundle, ItemListQuery, ServiceItem } from '@onevisit/shared-types';
import type { Tables } from '../../db';
import { fromDbTime, toDbTime, type DialectName } from '../../db/sql';

export interface ItemFilter {
  domain?: ItemListQuery['domain'];
  handlingMode?: ItemListQuery['handlingMode'];
  onlineOnly?: boolean;
}

function itemFromRow(row: { body: string; updated_at: string }): ServiceItem {
  return { ...(JSON.parse(row.body) as Omit<ServiceItem, 'updatedAt'>), updatedAt: fromDbTime(row.updated_at) };
}

function bundleFromRow(row: { body: string; updated_at: string }): Bundle {
  return { ...(JSON.parse(row.body) as Omit<Bundle, 'updatedAt'>), updatedAt: fromDbTime(row.updated_at) };
}

/** SQL of the catalogue. Filterable fields are columns; the full item is a JSON body. */
export class CatalogRepo {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  private filtered(filter: ItemFilter) {
    let q = this.db.selectFrom('catalog_items').where('enabled', '=', 1);
    if (filter.domain) q = q.where('domain', '=', filter.domain);
    if (filter.handlingMode) q = q.where('handling_mode', '=', filter.handlingMode);
    if (filter.onlineOnly) q = q.where('visits_required', '=', 0);
    return q;
  }

  async listItems(filter: ItemFilter, offset: number, limit: number): Promise<{ items: ServiceItem[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.filtered(filter)
        .select(['body', 'updated_at'])
        .orderBy('popularity', 'desc')
        .orderBy('item_code', 'asc')
        .offset(offset)
        .limit(limit)
        .execute(),
      this.filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(itemFromRow), total: Number(count.n) };
  }

  async countEnabledByDomain(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('catalog_items')
      .where('enabled', '=', 1)
      .select(['domain', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('domain')
      .execute();
    return new Map(rows.map((r) => [r.domain, Number(r.n)]));
  }

  async findItem(itemCode: string, includeDisabled = false): Promise<ServiceItem | null> {
    let q = this.db.selectFrom('catalog_items').select(['body', 'updated_at']).where('item_code', '=', itemCode);
    if (!includeDisabled) q = q.where('enabled', '=', 1);
    const row = await q.executeTakeFirst();
    return row ? itemFromRow(row) : null;
  }

  async findItems(itemCodes: string[]): Promise<ServiceItem[]> {
    if (!itemCodes.length) return [];
    const rows = await this.db.selectFrom('catalog_items').select(['body', 'updated_at']).where('item_code', 'in', itemCodes).execute();
    return rows.map(itemFromRow);
  }

  /** Items (enabled or not) changed after the keyset position, oldest change first. */
  async itemsChangedAfter(after: { updatedAt: string; itemCode: string } | null, limit: number): Promise<{ item: ServiceItem; updatedAt: string }[]> {
    let q = this.db.selectFrom('catalog_items').select(['body', 'updated_at', 'item_code']);
    if (after) {
      q = q.where((eb) => eb.or([eb('updated_at', '>', after.updatedAt), eb.and([eb('updated_at', '=', after.updatedAt), eb('item_code', '>', after.itemCode)])]));
    }
    const rows = await q.orderBy('updated_at', 'asc').orderBy('item_code', 'asc').limit(limit).execute();
    return rows.map((r) => ({ item: itemFromRow(r), updatedAt: typeof r.updated_at === 'string' ? r.updated_at : toDbTime(r.updated_at as Date) }));
  }

  async allEnabledItems(): Promise<ServiceItem[]> {
    const rows = await this.db.selectFrom('catalog_items').select(['body', 'updated_at']).where('enabled', '=', 1).execute();
    return rows.map(itemFromRow);
  }

  async countItems(): Promise<number> {
    const row = await this.db.selectFrom('catalog_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async upsertItem(item: Omit<ServiceItem, 'updatedAt'>, now = new Date()): Promise<void> {
    const columns = {
      name: item.name,
      domain: item.domain,
      item_type: item.itemType,
      handling_mode: item.handlingMode,
      handling_class: item.handlingClass,
      visits_required: item.visitsRequired,
      fee_fen: item.fee.amountFen,
      popularity: item.popularity,
      enabled: item.enabled ? 1 : 0,
      body: JSON.stringify(item),
      updated_at: toDbTime(now),
    };
    const insert = this.db.insertInto('catalog_items').values({ item_code: item.itemCode, ...columns });
    await (this.dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate(columns)
      : insert.onConflict((oc) => oc.column('item_code').doUpdateSet(columns))
    ).execute();
  }

  async listBundles(): Promise<Bundle[]> {
    const rows = await this.db.selectFrom('catalog_bundles').select(['body', 'updated_at']).orderBy('bundle_code').execute();
    return rows.map(bundleFromRow);
  }

  async findBundle(bundleCode: string): Promise<Bundle | null> {
    const row = await this.db.selectFrom('catalog_bundles').select(['body', 'updated_at']).where('bundle_code', '=', bundleCode).executeTakeFirst();
    return row ? bundleFromRow(row) : null;
  }

  async upsertBundle(bundle: Omit<Bundle, 'updatedAt'>, now = new Date()): Promise<void> {
    const columns = { name: bundle.name, body: JSON.stringify(bundle), updated_at: toDbTime(now) };
    const insert = this.db.insertInto('catalog_bundles').values({ bundle_code: bundle.bundleCode, ...columns });
    await (this.dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate(columns)
      : insert.onConflict((oc) => oc.column('bundle_code').doUpdateSet(columns))
    ).execute();
  }
}
