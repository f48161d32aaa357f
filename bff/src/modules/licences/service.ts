import { randomBytes } from 'node:crypto';
import {
  LICENCE_FIELDS,
  LICENCE_STATUS_NAMES,
  LICENCE_TYPE_FIELDS,
  LICENCE_TYPES,
  licenceColour,
  maskIdNumber,
  PRESENTATION_MAX_SECONDS,
  PRESENTATION_PURPOSES,
  RELYING_PARTY_FIELDS,
  type CreateGrantRequest,
  type CreatePresentationRequest,
  type LicenceDetail,
  type LicenceField,
  type LicenceFieldValues,
  type LicenceGrant,
  type LicenceList,
  type LicenceStatus,
  type LicenceSummary,
  type LicenceType,
  type LicenceUsage,
  type OpenGrantedLicence,
  type Page,
  type Presentation,
  type PresentationPurpose,
  type RelyingPartyType,
  type VerifyLicenceRequest,
  type VerifyLicenceResponse,
} from '@onevisit/shared-types';
import type { LibraryLicence, LicenceLibraryPort } from '../../adapters/licenceLibrary/port';
import { fromDbTime, newId, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';
import type { PiiCipher } from '../../security/pii';
import { requestHash } from '../applications';
import type { IdentityService } from '../identity/service';
import type { PartnerCredentials } from '../partners/registry';
import type { LicenceKeyRing } from './keys';
import type { GrantRow, LicenceRow, LicenceRepo, UsageRow } from './repo';
import { signPresentation, verifyPresentation } from './tokens';

export interface LicenceOptions {
  /** The wallet asks the library again when its copy is older than this. */
  syncMinutes: number;
  /** Full data needs a face check at most this many minutes old. */
  revealFaceMinutes: number;
  /** Lifetime of a presentation token (≤ 60 s). */
  presentationSeconds: number;
  now?: () => Date;
}

/** A library status change pushed to us (revoked, replaced, abnormal, expired, or valid again). */
export interface LibraryStatusChange {
  licenceId: string;
  status: LicenceStatus;
  statusNote: string | null;
  at: string;
  /** A reissue: the holder's wallet fetches the new licence on its next opening. */
  replacedBy?: string | null;
}

/** Masks a field value for display: personal data kept recognisable but not readable. */
function maskField(field: LicenceField, value: string): string {
  const kind = LICENCE_FIELDS[field].pii;
  if (!kind) return value;
  if (kind === 'idNumber') return maskIdNumber(value);
  if (kind === 'name') return `${Array.from(value)[0]}${'*'.repeat(Math.max(1, Array.from(value).length - 1))}`;
  if (kind === 'date') return `${value.slice(0, 4)}-**-**`;
  if (kind === 'address') return `${Array.from(value).slice(0, 6).join('')}****`;
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

function pick(values: LicenceFieldValues, fields: readonly LicenceField[]): LicenceFieldValues {
  const out: LicenceFieldValues = {};
  for (const f of fields) if (values[f] !== undefined) out[f] = values[f];
  return out;
}

/**
 * Electronic licences (电子证照): the wallet (a copy of the licence library's licences of an L3
 * citizen, masked; in full only right after a face check), presentations (亮证: short-lived
 * signed tokens carrying only what the purpose discloses), online verification by relying
 * parties (signature, expiry, single use, the relying party's type, the licence's status now),
 * grants (授权使用), and the usage records the citizen sees.
 */
export class LicenceService {
  private readonly now: () => Date;

  constructor(
    private readonly repo: LicenceRepo,
    private readonly library: LicenceLibraryPort,
    private readonly identity: IdentityService,
    private readonly pii: PiiCipher,
    private readonly kv: Kv,
    private readonly keys: LicenceKeyRing,
    private readonly options: LicenceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  // ---- the wallet ----

  private async requireL3(userId: string): Promise<void> {
    const level = await this.identity.levelOf(userId);
    if (level !== 'L3') throw new AppError('IDENTITY_LEVEL_REQUIRED', '电子证照需要完成实人认证（刷脸）', { required: 'L3', current: level, nextStep: 'face' });
  }

  async list(userId: string): Promise<LicenceList> {
    await this.requireL3(userId);
    let rows = await this.repo.licencesOf(userId);
    const stale = !rows.length || rows.some((r) => this.now().getTime() - Date.parse(fromDbTime(r.synced_at)) > this.options.syncMinutes * 60_000);
    if (stale) rows = await this.sync(userId);
    const syncedAt = rows.reduce((min, r) => (r.synced_at < min ? r.synced_at : min), toDbTime(this.now()));
    return { licences: rows.map((r) => this.summary(r, this.dataOf(r))), syncedAt: fromDbTime(syncedAt) };
  }

  /** Fetches the citizen's licences from the library and stores them (statuses newer here are kept). */
  private async sync(userId: string): Promise<LicenceRow[]> {
    const person = await this.identity.applicantIdentity(userId);
    if (!person) return [];
    const fetched = await this.library.licencesOf(person.idNumber);
    const t = toDbTime(this.now());
    for (const l of fetched) {
      await this.repo.upsert({
        licence_id: l.licenceId,
        user_id: userId,
        type: l.type,
        status: l.status,
        status_note: l.statusNote,
        status_at: t,
        version: String(l.version),
        valid_until: l.validUntil,
        data_enc: this.pii.encrypt('licence', JSON.stringify(l)),
        synced_at: t,
        updated_at: t,
      });
    }
    return this.repo.licencesOf(userId);
  }

  async detail(userId: string, licenceId: string): Promise<LicenceDetail> {
    await this.requireL3(userId);
    const row = await this.own(userId, licenceId);
    const data = this.dataOf(row);
    const fields: LicenceFieldValues = {};
    for (const [k, v] of Object.entries(data.fields) as [LicenceField, string][]) fields[k] = maskField(k, v);
    return { ...this.summary(row, data), fields, masked: true };
  }

  /** Everything, unmasked: only within minutes of a face check (the platform's fresh check). */
  async reveal(userId: string, licenceId: string): Promise<LicenceDetail> {
    await this.requireL3(userId);
    const row = await this.own(userId, licenceId);
    const faceAt = await this.identity.faceVerifiedAt(userId);
    if (!faceAt || this.now().getTime() - faceAt.getTime() > this.options.revealFaceMinutes * 60_000) {
      throw new AppError('FRESH_FACE_REQUIRED', `查看完整证照信息前请先刷脸（${this.options.revealFaceMinutes} 分钟内有效）`, { minutes: this.options.revealFaceMinutes });
    }
    const data = this.dataOf(row);
    return { ...this.summary(row, data, false), fields: data.fields, masked: false };
  }

  private async own(userId: string, licenceId: string): Promise<LicenceRow> {
    const row = await this.repo.licence(licenceId);
    if (!row || row.user_id !== userId) throw new AppError('LICENCE_NOT_FOUND', `no licence ${licenceId}`);
    return row;
  }

  private dataOf(row: LicenceRow): LibraryLicence {
    return JSON.parse(this.pii.decrypt('licence', row.data_enc)) as LibraryLicence;
  }

  private summary(row: LicenceRow, data: LibraryLicence, masked = true): LicenceSummary {
    const status = row.status as LicenceStatus;
    const type = row.type as LicenceType;
    return {
      licenceId: row.licence_id,
      type,
      typeName: LICENCE_TYPES[type].name,
      typeCode: LICENCE_TYPES[type].typeCode,
      number: masked ? maskField('licenceNumber', data.number) : data.number,
      holderName: masked ? maskField('name', data.holder) : data.holder,
      issuer: data.issuer,
      issuerCode: data.issuerCode,
      issueDate: data.issueDate,
      validFrom: data.validFrom,
      validUntil: data.validUntil,
      status,
      statusName: LICENCE_STATUS_NAMES[status],
      statusNote: row.status_note,
      colour: licenceColour(status),
    };
  }

  // ---- presentations (亮证) ----

  async present(userId: string, licenceId: string, request: CreatePresentationRequest): Promise<Presentation> {
    await this.requireL3(userId);
    const row = await this.own(userId, licenceId);
    const type = row.type as LicenceType;
    const purpose = PRESENTATION_PURPOSES[request.purpose];
    if (!(purpose.licenceTypes as readonly LicenceType[]).includes(type)) {
      throw new AppError('PURPOSE_NOT_FOR_LICENCE', `${LICENCE_TYPES[type].name}不能用于${purpose.name}`, { purpose: request.purpose, type });
    }
    if (row.status === 'revoked' || row.status === 'expired' || this.pastValidity(row)) {
      throw new AppError('LICENCE_NOT_PRESENTABLE', `该证照${LICENCE_STATUS_NAMES[row.status as LicenceStatus]}，不能亮证`, { status: row.status });
    }
    const fields = this.disclosed(type, request);
    const data = this.dataOf(row);
    const ttl = Math.min(this.options.presentationSeconds, PRESENTATION_MAX_SECONDS);
    const signed = await signPresentation(this.keys, { sub: row.licence_id, lt: type, pur: request.purpose, fld: pick(data.fields, fields), st: row.status === 'abnormal' ? 'abnormal' : 'valid' }, { ttlSeconds: ttl, now: this.now() });
    return {
      tokenId: signed.jti,
      token: signed.token,
      licenceId: row.licence_id,
      purpose: request.purpose,
      purposeName: purpose.name,
      fields,
      expiresAt: signed.expiresAt.toISOString(),
      expiresInSeconds: ttl,
    };
  }

  /** The purpose's fields that this licence type carries; for `custom`, the citizen's choice. */
  private disclosed(type: LicenceType, request: CreatePresentationRequest): LicenceField[] {
    const carried = LICENCE_TYPE_FIELDS[type];
    if (request.purpose !== 'custom') return (PRESENTATION_PURPOSES[request.purpose].fields as readonly LicenceField[]).filter((f) => carried.includes(f));
    const chosen = [...new Set(request.fields ?? [])];
    const unknown = chosen.filter((f) => !carried.includes(f));
    if (!chosen.length || unknown.length) {
      throw new AppError('LICENCE_FIELD_UNKNOWN', unknown.length ? `${LICENCE_TYPES[type].name}没有这些信息：${unknown.join('、')}` : '请选择要出示的信息', { unknown, carried });
    }
    return chosen;
  }

  // ---- online verification (relying parties) ----

  async verify(partner: PartnerCredentials, request: VerifyLicenceRequest): Promise<VerifyLicenceResponse> {
    const rpType = this.relyingPartyType(partner);
    const claims = await verifyPresentation(this.keys, request.token, { now: this.now() });
    const purpose = PRESENTATION_PURPOSES[claims.pur];
    if (!(purpose.relyingParties as readonly RelyingPartyType[]).includes(rpType)) {
      throw new AppError('PURPOSE_NOT_ALLOWED', `a ${rpType} may not receive a presentation for ${claims.pur}`, { purpose: claims.pur, relyingPartyType: rpType });
    }
    // The licence's status now, before the token is spent: a refusal here leaves it unspent.
    const row = await this.repo.licence(claims.sub);
    if (!row) throw new AppError('LICENCE_NOT_FOUND', 'the licence is unknown here');
    this.checkUsable(row);
    // Single use: a second verification fails, also for the same relying party (a copied or
    // photographed code must not verify again). The one that verified it learns when and under
    // which usage record, so a lost answer can be traced; nobody gets the fields twice.
    const key = `lic:used:${claims.jti}`;
    const ttlMs = Math.max(1000, claims.exp * 1000 - this.now().getTime() + 10 * 60_000);
    if (!(await this.kv.set(key, JSON.stringify({ appId: partner.appId }), { ttlMs, ifAbsent: true }))) {
      const first = JSON.parse((await this.kv.get(key)) ?? '{}') as { appId?: string; usageId?: string; verifiedAt?: string };
      const yours = first.appId === partner.appId && first.usageId ? { usageId: first.usageId, verifiedAt: first.verifiedAt } : undefined;
      throw new AppError('PRESENTATION_USED', 'this QR code has been verified already; ask the citizen to refresh it', yours);
    }
    const fields = pick(claims.fld, RELYING_PARTY_FIELDS[rpType]);
    const usage = await this.recordUsage(row, partner, rpType, { via: 'presentation', purpose: purpose.name, reason: request.reason, fields: Object.keys(fields) as LicenceField[] });
    const answer = this.verifiedAnswer(row, claims.pur, fields, usage);
    // Only where to find the first answer, never its fields: the KV holds no personal data.
    await this.kv.set(key, JSON.stringify({ appId: partner.appId, usageId: answer.usageId, verifiedAt: answer.verifiedAt }), { ttlMs });
    return answer;
  }

  private verifiedAnswer(row: LicenceRow, pur: PresentationPurpose, fields: LicenceFieldValues, usage: UsageRow): VerifyLicenceResponse {
    const purpose = PRESENTATION_PURPOSES[pur];
    const status = row.status as LicenceStatus;
    return {
      verified: true,
      usageId: usage.usage_id,
      licenceId: row.licence_id,
      licenceType: row.type as LicenceType,
      licenceTypeName: LICENCE_TYPES[row.type as LicenceType].name,
      purpose: pur,
      purposeName: purpose.name,
      fields,
      status,
      statusName: LICENCE_STATUS_NAMES[status],
      statusNote: row.status_note,
      colour: licenceColour(status),
      verifiedAt: fromDbTime(usage.at),
    };
  }

  private relyingPartyType(partner: PartnerCredentials): RelyingPartyType {
    if (!partner.relyingPartyType) throw new AppError('RELYING_PARTY_TYPE_MISSING', `${partner.appId} is not registered as a relying party (hotel, car rental, airport, bank, patrol)`);
    return partner.relyingPartyType;
  }

  /** Revoked or expired at this moment: refused (an abnormal licence verifies, shown red). */
  private checkUsable(row: LicenceRow): void {
    if (row.status === 'revoked') throw new AppError('LICENCE_REVOKED', `the licence has been revoked${row.status_note ? `: ${row.status_note}` : ''}`);
    if (row.status === 'expired' || this.pastValidity(row)) throw new AppError('LICENCE_EXPIRED', 'the licence has expired');
  }

  /** Past its 有效期至 (a calendar day in China), whatever the library last said. */
  private pastValidity(row: LicenceRow): boolean {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(this.now());
    return row.valid_until !== null && row.valid_until < today;
  }

  private async recordUsage(row: LicenceRow, partner: PartnerCredentials, rpType: RelyingPartyType | null, u: { via: 'presentation' | 'grant'; purpose: string; reason: string; fields: LicenceField[] }): Promise<UsageRow> {
    const usage: UsageRow = {
      usage_id: newId('use'),
      user_id: row.user_id,
      licence_id: row.licence_id,
      licence_type: row.type,
      via: u.via,
      app_id: partner.appId,
      relying_party_name: partner.name,
      relying_party_type: rpType,
      purpose: u.purpose,
      reason: u.reason,
      fields: JSON.stringify(u.fields),
      at: toDbTime(this.now()),
    };
    await this.repo.insertUsage(usage);
    return usage;
  }

  async usages(userId: string, q: { licenceId?: string; page: number; pageSize: number }): Promise<Page<LicenceUsage>> {
    const { rows, total } = await this.repo.usages(userId, q.licenceId, (q.page - 1) * q.pageSize, q.pageSize);
    return {
      items: rows.map((r) => ({
        usageId: r.usage_id,
        licenceId: r.licence_id,
        licenceTypeName: LICENCE_TYPES[r.licence_type as LicenceType].name,
        via: r.via as LicenceUsage['via'],
        appId: r.app_id,
        relyingPartyName: r.relying_party_name,
        relyingPartyType: r.relying_party_type as RelyingPartyType | null,
        purpose: r.purpose,
        reason: r.reason,
        fields: JSON.parse(r.fields) as LicenceField[],
        at: fromDbTime(r.at),
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  // ---- grants (授权使用) ----

  async grant(userId: string, request: CreateGrantRequest, grantee: { appId: string; name: string } | null): Promise<LicenceGrant> {
    await this.requireL3(userId);
    const { licenceId } = request;
    const hash = requestHash({ ...request, idempotencyKey: undefined });
    const existing = await this.repo.grantByKey(userId, request.idempotencyKey);
    if (existing) {
      if (existing.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for a different grant');
      return this.grantView(existing);
    }
    if (!grantee) throw new AppError('GRANTEE_UNKNOWN', `${request.appId} does not accept licence grants`);
    const row = await this.own(userId, licenceId);
    const carried = LICENCE_TYPE_FIELDS[row.type as LicenceType];
    const unknown = request.fields.filter((f) => !carried.includes(f));
    if (unknown.length) throw new AppError('LICENCE_FIELD_UNKNOWN', `${LICENCE_TYPES[row.type as LicenceType].name}没有这些信息：${unknown.join('、')}`, { unknown });
    const now = this.now();
    const grant: GrantRow = {
      grant_id: `grt_${randomBytes(15).toString('base64url')}`,
      user_id: userId,
      licence_id: licenceId,
      app_id: grantee.appId,
      partner_name: grantee.name,
      purpose: request.purpose,
      fields: JSON.stringify([...new Set(request.fields)]),
      idempotency_key: request.idempotencyKey,
      request_hash: hash,
      created_at: toDbTime(now),
      expires_at: toDbTime(new Date(now.getTime() + request.days * 86_400_000)),
      revoked_at: null,
      uses: 0,
    };
    if (!(await this.repo.insertGrant(grant))) return this.grant(userId, request, grantee); // a racing retry won: answer it
    return this.grantView(grant);
  }

  async grants(userId: string): Promise<LicenceGrant[]> {
    return (await this.repo.grantsOf(userId)).map((g) => this.grantView(g));
  }

  async revokeGrant(userId: string, grantId: string): Promise<LicenceGrant> {
    const row = await this.repo.grant(grantId);
    if (!row || row.user_id !== userId) throw new AppError('GRANT_NOT_FOUND', `no grant ${grantId}`);
    await this.repo.revokeGrant(grantId, toDbTime(this.now()));
    return this.grantView((await this.repo.grant(grantId))!);
  }

  /** A partner reads a licence with the citizen's grant; recorded as a usage. */
  async readGrant(partner: PartnerCredentials, grantId: string, reason: string): Promise<OpenGrantedLicence> {
    const grant = await this.repo.grant(grantId);
    if (!grant || grant.app_id !== partner.appId) throw new AppError('GRANT_NOT_FOUND', `no grant ${grantId} for ${partner.appId}`);
    const view = this.grantView(grant);
    if (view.status !== 'active') throw new AppError('GRANT_INACTIVE', `the grant is ${view.status}`, { status: view.status });
    const row = await this.repo.licence(grant.licence_id);
    if (!row) throw new AppError('LICENCE_NOT_FOUND', 'the licence is unknown here');
    this.checkUsable(row);
    const fields = pick(this.dataOf(row).fields, view.fields);
    const usage = await this.recordUsage(row, partner, partner.relyingPartyType, { via: 'grant', purpose: grant.purpose, reason, fields: Object.keys(fields) as LicenceField[] });
    await this.repo.countGrantUse(grantId);
    const status = row.status as LicenceStatus;
    return { grantId, usageId: usage.usage_id, licenceId: row.licence_id, licenceType: row.type as LicenceType, licenceTypeName: LICENCE_TYPES[row.type as LicenceType].name, purpose: grant.purpose, fields, status, colour: licenceColour(status), expiresAt: view.expiresAt };
  }

  private grantView(g: GrantRow): LicenceGrant {
    const expiresAt = fromDbTime(g.expires_at);
    const status = g.revoked_at ? 'revoked' : Date.parse(expiresAt) <= this.now().getTime() ? 'expired' : 'active';
    const type = this.typeOfLicenceId(g.licence_id);
    return {
      grantId: g.grant_id,
      licenceId: g.licence_id,
      licenceTypeName: type ? LICENCE_TYPES[type].name : '电子证照',
      appId: g.app_id,
      partnerName: g.partner_name,
      purpose: g.purpose,
      fields: JSON.parse(g.fields) as LicenceField[],
      status,
      createdAt: fromDbTime(g.created_at),
      expiresAt,
      revokedAt: g.revoked_at ? fromDbTime(g.revoked_at) : null,
      uses: g.uses,
    };
  }

  private typeOfLicenceId(licenceId: string): LicenceType | null {
    const typeCode = licenceId.split('.')[5];
    return (Object.entries(LICENCE_TYPES).find(([, t]) => t.typeCode === typeCode)?.[0] as LicenceType | undefined) ?? null;
  }

  // ---- the library's pushes ----

  /** Applies a status the library reported; from this moment presentations of a revoked licence fail. */
  async applyLibraryStatus(change: LibraryStatusChange): Promise<boolean> {
    const applied = await this.repo.setStatus(change.licenceId, change.status, change.statusNote, toDbTime(new Date(change.at)), toDbTime(this.now()));
    if (applied && change.replacedBy) await this.repo.markStale(change.licenceId);
    return applied;
  }
}
