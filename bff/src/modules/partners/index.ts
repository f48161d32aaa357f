import type { Config } from '../../config';
import type { Database } from '../../db';
import type { Kv } from '../../kv';
import type { Logger } from '../../logger';
import type { OutboxDispatcher, OutboxService } from '../../outbox';
import type { PiiCipher } from '../../security/pii';
import type { Applications } from '../applications';
import type { CatalogService } from '../catalog/service';
import type { IdentityService } from '../identity/service';
import { Evidence } from './evidence';
import { PartnerFeed } from './feed';
import { OpenApiGateway } from './gateway';
import { builtInProfiles, loadProfilesFromDir, ProfileRegistry } from './mapping/registry';
import { OpenCases } from './openCases';
import { PartnerRegistry } from './registry';
import { PartnerRepo } from './repo';
import { createProvinceClient, type ProvinceClientOptions } from '../../adapters/province';
import { createProvincePush, type ProvincePush } from './provincePush';

export { openApiRoutes } from './routes';
export { partnerConsoleRoutes } from './consoleRoutes';
export { PARTNER_WEBHOOK_TOPIC } from './feed';

/** The open API for partner platforms, wired: registry, door, submissions, feed and webhooks, evidence. */
export interface Partners {
  registry: PartnerRegistry;
  profiles: ProfileRegistry;
  gateway: OpenApiGateway;
  cases: OpenCases;
  feed: PartnerFeed;
  evidence: Evidence;
  /** Our pushes to the provincial platform: case status changes (a case event sink) and the catalogue job. */
  province: ProvincePush;
  stop(): Promise<void>;
}

export interface PartnersDeps {
  config: Config;
  database: Database;
  kv: Kv;
  logger: Logger;
  pii: PiiCipher;
  catalog: CatalogService;
  identity: IdentityService;
  applications: Applications;
  outbox: OutboxService;
  dispatcher: OutboxDispatcher;
  /** The provincial platform's push API (configured, or the simulator's); the dialect is PROVINCE_PROFILE. */
  province: Omit<ProvinceClientOptions, 'profile'>;
}

export function createPartners(d: PartnersDeps): Partners {
  const o = d.config.openApi;
  const repo = new PartnerRepo(d.database.db, d.database.dialect);
  const profiles = new ProfileRegistry([...builtInProfiles(), ...(o.profilesDir ? loadProfilesFromDir(o.profilesDir) : [])]);
  const registry = new PartnerRegistry(repo, d.pii, profiles);
  const evidence = new Evidence(repo, { retentionDays: o.evidenceDays, logger: d.logger.child({ component: 'open-api-evidence' }) });
  const feed = new PartnerFeed(repo, registry, profiles, d.outbox, { settleMs: o.feedSettleMs, webhookTimeoutMs: o.webhookTimeoutMs });
  feed.register(d.dispatcher);
  d.applications.cases.addEventSink(feed);
  // Pushes to the provincial platform (provincePush.ts).
  const province = createProvincePush({
    database: d.database,
    catalog: d.catalog,
    repo,
    port: createProvinceClient({ ...d.province, profile: profiles.require(d.config.province.profile) }),
    items: d.config.province.pushItems,
    logger: d.logger,
  });
  d.applications.cases.addEventSink(province.sink);
  province.register(d.dispatcher);
  const gateway = new OpenApiGateway({ registry, profiles, kv: d.kv, evidence, maxBodyBytes: o.maxBodyBytes });
  return {
    registry,
    profiles,
    gateway,
    cases: new OpenCases(repo, d.applications, d.identity),
    feed,
    evidence,
    province,
    stop: async () => {
      await province.job.stop();
      await evidence.stop();
    },
  };
}
