/**
 * Row types of every table, as kysely sees them. Columns are snake_case; repos map rows to the
 * shared-types shapes. JSON lives in text columns (identical on SQLite and MySQL); timestamps are
 * UTC strings `YYYY-MM-DD HH:MM:SS.mmm` on both (mysql2 runs with dateStrings).
 */
export interface CatalogItemsTable {
  item_code: string;
  name: string;
  domain: string;
  item_type: string;
  handling_mode: string;
  handling_class: string;
  visits_required: number;
  fee_fen: number;
  popularity: number;
  enabled: number;
  body: string;
  updated_at: string;
}

export interface CatalogBundlesTable {
  bundle_code: string;
  name: string;
  body: string;
  updated_at: string;
}

export interface Tables {
  catalog_items: CatalogItemsTable;
  catalog_bundles: CatalogBundlesTable;
}
