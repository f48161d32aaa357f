// `npm run seed`: writes the reference catalogue into the configured database (SQLite by default,
// MYSQL_URL when set), updating items that exist. Start-up only seeds an empty catalogue; this is
// for re-applying the seed after it changed. Items added through the console are left alone.
import { loadConfig } from '../bff/src/config';
import { createContainer } from '../bff/src/container';
import { createLogger } from '../bff/src/logger';
import { seedBundles, seedItems } from '../bff/src/modules/catalog/seed';

async function main() {
  const config = loadConfig();
  const container = await createContainer(config, createLogger(config.logLevel));
  try {
    await container.database.migrate();
    for (const item of seedItems) await container.catalog.saveItem(item);
    for (const bundle of seedBundles) await container.catalog.saveBundle(bundle);
    console.log(`seeded ${seedItems.length} items and ${seedBundles.length} bundles into ${config.db.kind}`);
  } finally {
    await container.close();
  }
}

main().catch((err) => {
  console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
