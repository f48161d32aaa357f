import type { Config } from '../../config';
import { ConfigError } from '../../config';
import type { Database } from '../../db';
import type { Kv } from '../../kv';
import type { Logger } from '../../logger';
import type { OutboxDispatcher } from '../../outbox';
import type { PiiCipher } from '../../security/pii';
import type { Simulators } from '../../sim';
import { createCourierClient, type CourierClientOptions, type CourierPushCredentials } from '../../adapters/courier';
import type { ApplicationService } from '../applications/service';
import type { CatalogService } from '../catalog/service';
import { AddressBook } from './addresses';
import { DeliveryRepo } from './repo';
import { DeliveryService } from './service';

export { deliveryRoutes, deliveryConsoleRoutes, courierPushRouter } from './routes';
export { AddressBook } from './addresses';
export { DeliveryService, DELIVERY_BOOK_TOPIC } from './service';

/** The delivery capability, wired: what the app's routes use. */
export interface Delivery {
  addresses: AddressBook;
  shipments: DeliveryService;
  /** Who may sign tracking pushes (the courier's push keys; several during a rotation). */
  pushCredentials: () => CourierPushCredentials[];
  kv: Kv;
}

export interface DeliveryDeps {
  config: Config;
  database: Database;
  kv: Kv;
  logger: Logger;
  pii: PiiCipher;
  cases: ApplicationService;
  catalog: CatalogService;
  dispatcher: OutboxDispatcher;
  simulators?: Simulators;
  selfUrl: { value: string };
}

function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`config error: ${name} is required when COURIER_BASE_URL is set`);
  return value;
}

/** The courier from config when COURIER_BASE_URL is set (all four keys required), else the simulator. */
function courierOptions(d: DeliveryDeps): { client: CourierClientOptions; push: () => CourierPushCredentials[] } {
  const c = d.config.delivery.courier;
  if (c.baseUrl) {
    const push = [{ appKey: need(c.pushAppKey, 'COURIER_PUSH_APP_KEY'), appSecret: need(c.pushAppSecret, 'COURIER_PUSH_APP_SECRET') }];
    return { client: { baseUrl: () => c.baseUrl!, appKey: need(c.appKey, 'COURIER_APP_KEY'), appSecret: need(c.appSecret, 'COURIER_APP_SECRET') }, push: () => push };
  }
  if (!d.simulators) throw new ConfigError('config error: COURIER_BASE_URL is not set and no simulator runs');
  const sims = d.simulators;
  return { client: sims.adapterOptions(() => d.selfUrl.value).courier, push: () => [sims.credentials.courier.push] };
}

export function createDelivery(d: DeliveryDeps): Delivery {
  const courier = courierOptions(d);
  const repo = new DeliveryRepo(d.database.db, d.database.dialect);
  const addresses = new AddressBook(repo, d.pii, d.kv);
  const shipments = new DeliveryService(repo, addresses, d.cases, d.catalog, createCourierClient(courier.client), d.pii, d.kv, d.logger.child({ component: 'delivery' }), {
    sender: d.config.delivery.sender,
    trackAfterMs: d.config.delivery.trackAfterMinutes * 60_000,
  });
  shipments.register(d.dispatcher);
  return { addresses, shipments, pushCredentials: courier.push, kv: d.kv };
}
