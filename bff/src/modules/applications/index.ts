import type { Database } from '../../db';
import type { Kv } from '../../kv';
import type { Logger } from '../../logger';
import type { OutboxDispatcher } from '../../outbox';
import type { PiiCipher } from '../../security/pii';
import { createUpstreamClient, type UpstreamCallbackCredentials, type UpstreamClientOptions } from '../../adapters/upstream';
import type { StoragePort } from '../../storage';
import type { AuditService } from '../audit/service';
import type { CalendarService } from '../calendar/service';
import type { CatalogService } from '../catalog/service';
import type { IdentityService } from '../identity/service';
import { BundleApplications } from './bundles';
import { CaseNumbers } from './caseNumbers';
import { CaseDesk } from './desk';
import { ApplicationRepo } from './repo';
import { ApplicationService, type CaseNotifier } from './service';
import { SlaSweep } from './sweep';
import { MaterialUploads } from './uploads';
import { UpstreamBridge } from './upstreamBridge';

export { applicationRoutes } from './routes';
export { caseDeskRoutes } from './consoleRoutes';
export { upstreamCallbackRouter } from './callbackRoute';
export type { CaseNotice, CaseNotifier, CaseEventSink, CaseEventView } from './service';
export { requestHash } from './intake';

/** The applications capability, wired: what the app's routes and the server's timers use. */
export interface Applications {
  cases: ApplicationService;
  desk: CaseDesk;
  bundles: BundleApplications;
  uploads: MaterialUploads;
  upstream: UpstreamBridge;
  sweep: SlaSweep;
  /** Who may sign status callbacks (several during a key rotation). */
  callbackCredentials: () => UpstreamCallbackCredentials[];
  kv: Kv;
}

export interface ApplicationsDeps {
  database: Database;
  kv: Kv;
  logger: Logger;
  pii: PiiCipher;
  catalog: CatalogService;
  identity: IdentityService;
  calendar: CalendarService;
  audit: AuditService;
  storage: StoragePort;
  dispatcher: OutboxDispatcher;
  upstream: UpstreamClientOptions;
  callbackCredentials: () => UpstreamCallbackCredentials[];
  notifier?: CaseNotifier;
  maxUploadBytes: number;
}

export function createApplications(d: ApplicationsDeps): Applications {
  const repo = new ApplicationRepo(d.database.db, d.database.dialect);
  const numbers = new CaseNumbers(d.database.db, d.database.dialect);
  const cases = new ApplicationService({ repo, caseNumbers: numbers, catalog: d.catalog, identity: d.identity, calendar: d.calendar, pii: d.pii, notifier: d.notifier });
  const upstream = new UpstreamBridge(cases, repo, d.identity, createUpstreamClient(d.upstream), d.logger.child({ component: 'upstream' }));
  upstream.register(d.dispatcher);
  return {
    cases,
    desk: new CaseDesk(cases, repo, d.catalog, d.identity, d.audit, d.storage),
    bundles: new BundleApplications(cases, repo, d.catalog, d.identity, numbers),
    uploads: new MaterialUploads(repo, d.storage, d.maxUploadBytes),
    upstream,
    sweep: new SlaSweep(repo, d.calendar, d.logger.child({ component: 'sla-sweep' })),
    callbackCredentials: d.callbackCredentials,
    kv: d.kv,
  };
}
