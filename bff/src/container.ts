import type { Config } from './config';
import { createDatabase, type Database } from './db';
import { createKv, type Kv } from './kv';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './http/metrics';
import { CatalogRepo } from './modules/catalog/repo';
import { CatalogService } from './modules/catalog/service';

/** Every port and service the app uses, wired once. Tests build one per suite. */
export interface Container {
  config: Config;
  logger: Logger;
  database: Database;
  kv: Kv;
  metrics: Metrics;
  catalog: CatalogService;
  /** Set when shutdown begins; readiness fails from then on. */
  lifecycle: { draining: boolean };
  close(): Promise<void>;
}

export async function createContainer(config: Config, logger: Logger): Promise<Container> {
  const database = await createDatabase(config.db);
  let kv: Kv;
  try {
    kv = await createKv(config);
  } catch (err) {
    await database.close();
    throw err;
  }
  const catalog = new CatalogService(new CatalogRepo(database.db, database.dialect), kv, {
    cacheTtlSeconds: config.catalogCacheTtlSeconds,
    itemCodePattern: config.itemCodePattern,
  });
  return {
    config,
    logger,
    database,
    kv,
    metrics: createMetrics(),
    catalog,
    lifecycle: { draining: false },
    async close() {
      await Promise.allSettled([kv.close(), database.close()]);
    },
  };
}
