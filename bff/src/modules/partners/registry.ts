import { randomBytes } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type {
  CreatePartnerRequest,
  MappingProfileSummary,
  Partner,
  PartnerScope,
  PartnerSecretIssued,
  RelyingPartyType,
  SignatureAlgorithm,
  UpdatePartnerRequest,
} from '@onevisit/shared-types';
import { fromDbTime, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { PiiCipher } from '../../security/pii';
import type { PartnerRepo, PartnerRow } from './repo';

/** The mapping profiles the registry may assign (the mapping module's registry). */
export interface ProfileLookup {
  get(id: string): unknown;
  list(): MappingProfileSummary[];
}

/** A partner as the signature check and the webhook sender need it: secrets decrypted, rules parsed. */
export interface PartnerCredentials {
  appId: string;
  name: string;
  algorithm: SignatureAlgorithm;
  scopes: ReadonlySet<PartnerScope>;
  /** Null: any address. */
  ipAllow: BlockList | null;
  rateLimitPerMinute: number;
  webhookUrl: string | null;
  webhookSecret: string;
  profileId: string;
  enabled: boolean;
  relyingPartyType: RelyingPartyType | null;
  /** Current first, then the previous one during a rotation. */
  secrets: string[];
}

/** How long a process trusts its cached copy of a partner; console changes reach other processes within this. */
const CACHE_MS = 5_000;

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The last four characters (the contract's hint); the console adds its own dots. */
const hint = (secret: string) => secret.slice(-4);

/** Parses allow-list rules (addresses or CIDR ranges); null when the list is empty (any address). */
export function ipAllowList(rules: string[]): BlockList | null {
  if (!rules.length) return null;
  const list = new BlockList();
  for (const rule of rules) {
    const [address, bits] = rule.split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    if (!type) throw new AppError('VALIDATION_FAILED', `not an IP address: ${rule}`, { issues: [{ field: 'body.ipAllowList', message: `not an IP address: ${rule}` }] });
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** The caller's address as the allow-list sees it (`::ffff:10.0.0.1` is 10.0.0.1). */
export function ipAllowed(list: BlockList | null, ip: string): boolean {
  if (!list) return true;
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) return list.check(v4, 'ipv4');
  return isIPv6(v4) ? list.check(v4, 'ipv6') : false;
}

/**
 * The open API's partner registry (government platforms and, later, relying parties): app ids,
 * two secrets at a time so a rotation needs no downtime, algorithm, scopes, IP allow-list, rate,
 * webhook URL and its own secret, mapping profile. Secrets are encrypted at rest and shown once.
 */
export class PartnerRegistry {
  private readonly cache = new Map<string, { at: number; value: PartnerCredentials | null }>();

  constructor(
    private readonly repo: PartnerRepo,
    private readonly pii: PiiCipher,
    private readonly profiles: ProfileLookup,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(): Promise<Partner[]> {
    return (await this.repo.partners()).map((r) => this.view(r));
  }

  async get(appId: string): Promise<Partner> {
    return this.view(await this.require(appId));
  }

  async create(input: CreatePartnerRequest): Promise<PartnerSecretIssued> {
    this.checkProfile(input.profileId ?? 'canonical');
    ipAllowList(input.ipAllowList ?? []);
    const secret = newSecret();
    const webhookSecret = newSecret();
    const t = toDbTime(this.now());
    const row: PartnerRow = {
      app_id: input.appId,
      name: input.name,
      algorithm: input.algorithm,
      scopes: JSON.stringify([...new Set(input.scopes)]),
      ip_allow: JSON.stringify(input.ipAllowList ?? []),
      rate_limit_per_minute: input.rateLimitPerMinute ?? 600,
      webhook_url: input.webhookUrl ?? null,
      secret_enc: this.pii.encrypt('partnerSecret', secret),
      secret_created_at: t,
      prev_secret_enc: null,
      prev_secret_created_at: null,
      webhook_secret_enc: this.pii.encrypt('partnerSecret', webhookSecret),
      profile_id: input.profileId ?? 'canonical',
      enabled: input.enabled === false ? 0 : 1,
      relying_party_type: input.relyingPartyType ?? null,
      created_at: t,
      updated_at: t,
    };
    if (!(await this.repo.insertPartner(row))) throw new AppError('PARTNER_EXISTS', `a partner ${input.appId} exists already`);
    return { partner: this.view(row), secret, webhookSecret };
  }

  async update(appId: string, changes: UpdatePartnerRequest): Promise<Partner> {
    await this.require(appId);
    if (changes.profileId !== undefined) this.checkProfile(changes.profileId);
    if (changes.ipAllowList !== undefined) ipAllowList(changes.ipAllowList);
    const set: Partial<PartnerRow> = { updated_at: toDbTime(this.now()) };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.algorithm !== undefined) set.algorithm = changes.algorithm;
    if (changes.scopes !== undefined) set.scopes = JSON.stringify([...new Set(changes.scopes)]);
    if (changes.ipAllowList !== undefined) set.ip_allow = JSON.stringify(changes.ipAllowList);
    if (changes.rateLimitPerMinute !== undefined) set.rate_limit_per_minute = changes.rateLimitPerMinute;
    if (changes.webhookUrl !== undefined) set.webhook_url = changes.webhookUrl;
    if (changes.profileId !== undefined) set.profile_id = changes.profileId;
    if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0;
    if (changes.relyingPartyType !== undefined) set.relying_party_type = changes.relyingPartyType;
    await this.repo.updatePartner(appId, set);
    this.cache.delete(appId);
    return this.get(appId);
  }

  /** A new current secret; the old one stays valid as "previous" until retired. */
  async rotateSecret(appId: string): Promise<PartnerSecretIssued> {
    const row = await this.require(appId);
    const secret = newSecret();
    const t = toDbTime(this.now());
    await this.repo.updatePartner(appId, {
      secret_enc: this.pii.encrypt('partnerSecret', secret),
      secret_created_at: t,
      prev_secret_enc: row.secret_enc,
      prev_secret_created_at: row.secret_created_at,
      updated_at: t,
    });
    this.cache.delete(appId);
    return { partner: await this.get(appId), secret };
  }

  async retirePreviousSecret(appId: string): Promise<Partner> {
    const row = await this.require(appId);
    if (!row.prev_secret_enc) throw new AppError('PARTNER_NO_PREVIOUS_SECRET', `${appId} has no previous secret to retire`);
    await this.repo.updatePartner(appId, { prev_secret_enc: null, prev_secret_created_at: null, updated_at: toDbTime(this.now()) });
    this.cache.delete(appId);
    return this.get(appId);
  }

  async rotateWebhookSecret(appId: string): Promise<PartnerSecretIssued> {
    await this.require(appId);
    const webhookSecret = newSecret();
    await this.repo.updatePartner(appId, { webhook_secret_enc: this.pii.encrypt('partnerSecret', webhookSecret), updated_at: toDbTime(this.now()) });
    this.cache.delete(appId);
    return { partner: await this.get(appId), webhookSecret };
  }

  /** Enabled partners holding a scope (e.g. the grantees a citizen may choose for 授权使用). */
  async withScope(scope: PartnerScope): Promise<Partner[]> {
    return (await this.list()).filter((p) => p.enabled && p.scopes.includes(scope));
  }

  profileList(): MappingProfileSummary[] {
    return this.profiles.list();
  }

  /** For the signature check and webhooks: cached for a few seconds per process; null when unknown. */
  async credentials(appId: string): Promise<PartnerCredentials | null> {
    const hit = this.cache.get(appId);
    const at = Date.now();
    if (hit && at - hit.at < CACHE_MS) return hit.value;
    const row = await this.repo.partner(appId);
    const value = row ? this.credentialsOf(row) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(appId, { at, value });
    return value;
  }

  private credentialsOf(row: PartnerRow): PartnerCredentials {
    return {
      appId: row.app_id,
      name: row.name,
      algorithm: row.algorithm as SignatureAlgorithm,
      scopes: new Set(JSON.parse(row.scopes) as PartnerScope[]),
      ipAllow: ipAllowList(JSON.parse(row.ip_allow) as string[]),
      rateLimitPerMinute: row.rate_limit_per_minute,
      webhookUrl: row.webhook_url,
      webhookSecret: this.pii.decrypt('partnerSecret', row.webhook_secret_enc),
      profileId: row.profile_id,
      enabled: row.enabled === 1,
      relyingPartyType: row.relying_party_type as RelyingPartyType | null,
      secrets: [row.secret_enc, row.prev_secret_enc].filter((s): s is string => Boolean(s)).map((s) => this.pii.decrypt('partnerSecret', s)),
    };
  }

  private async require(appId: string): Promise<PartnerRow> {
    const row = await this.repo.partner(appId);
    if (!row) throw new AppError('PARTNER_NOT_FOUND', `no partner ${appId}`);
    return row;
  }

  private checkProfile(id: string): void {
    if (!this.profiles.get(id)) throw new AppError('MAPPING_PROFILE_UNKNOWN', `no mapping profile ${id}`, { profiles: this.profiles.list().map((p) => p.id) });
  }

  private view(row: PartnerRow): Partner {
    const secrets: Partner['secrets'] = [{ slot: 'current', hint: hint(this.pii.decrypt('partnerSecret', row.secret_enc)), createdAt: fromDbTime(row.secret_created_at) }];
    if (row.prev_secret_enc && row.prev_secret_created_at) {
      secrets.push({ slot: 'previous', hint: hint(this.pii.decrypt('partnerSecret', row.prev_secret_enc)), createdAt: fromDbTime(row.prev_secret_created_at) });
    }
    return {
      appId: row.app_id,
      name: row.name,
      algorithm: row.algorithm as SignatureAlgorithm,
      scopes: JSON.parse(row.scopes) as PartnerScope[],
      ipAllowList: JSON.parse(row.ip_allow) as string[],
      rateLimitPerMinute: row.rate_limit_per_minute,
      webhookUrl: row.webhook_url,
      profileId: row.profile_id,
      enabled: row.enabled === 1,
      relyingPartyType: row.relying_party_type as RelyingPartyType | null,
      secrets,
      webhookSecretHint: hint(this.pii.decrypt('partnerSecret', row.webhook_secret_enc)),
      createdAt: fromDbTime(row.created_at),
      updatedAt: fromDbTime(row.updated_at),
    };
  }
}
