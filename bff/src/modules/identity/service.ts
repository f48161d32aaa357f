import { createHash, randomInt, randomBytes, timingSafeEqual } from 'node:crypto';
import { isValidIdNumber, maskIdNumber, maskPhone, type CitizenDetail, type CitizenSummary, type UnmaskableField, type Eligibility, type FaceMethod, type FaceStartResponse, type IdentityLevel, type Me, type SessionResponse } from '@onevisit/shared-types';
import type { IdentityAdapters } from '../../adapters/ports';
import { AdapterError } from '../../adapters/errors';
import { fromDbTime, newId, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';
import type { PiiCipher } from '../../security/pii';
import type { SessionStore } from '../../security/sessions';
import type { CatalogService } from '../catalog/service';
import { levelOf, nextStep } from './levels';
import type { IdentityPlatform, IdentityRepo, UserRow } from './repo';
import type { TrustedIssuers } from './trustedIssuers';

export interface CitizenSessionData {
  platform: IdentityPlatform;
}

export interface IdentityOptions {
  faceValidDays: number;
  smsCodeTtlSeconds: number;
  smsResendSeconds: number;
  smsMaxAttempts: number;
  smsDailyLimit: number;
}

interface PendingFace {
  userId: string;
  method: FaceMethod;
  upstreamId: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Masks a name for display: 张*三, 欧阳**锋 → first and last character kept. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

function upstream(err: unknown): never {
  if (err instanceof AdapterError) {
    throw err.kind === 'unavailable'
      ? new AppError('UPSTREAM_UNAVAILABLE', `${err.system} is not answering; try again shortly`)
      : new AppError('UPSTREAM_REJECTED', `${err.system} refused the request (${err.upstreamCode})`);
  }
  throw err;
}

/**
 * Citizens: login on each platform, linked identities, sessions, identity levels (real name
 * against the household registration, real person by face), mutual recognition, eligibility.
 */
export class IdentityService {
  constructor(
    private readonly repo: IdentityRepo,
    private readonly pii: PiiCipher,
    private readonly sessions: SessionStore<CitizenSessionData>,
    private readonly adapters: IdentityAdapters,
    private readonly issuers: TrustedIssuers,
    private readonly kv: Kv,
    private readonly catalog: CatalogService,
    private readonly options: IdentityOptions,
  ) {}

  private get faceValidMs(): number {
    return this.options.faceValidDays * 86_400_000;
  }

  // ---- login ----

  private async sessionFor(userId: string, platform: IdentityPlatform): Promise<SessionResponse> {
    const { token, refreshToken, session } = await this.sessions.create(userId, { platform });
    return { token, refreshToken: refreshToken!, expiresAt: session.expiresAt.toISOString(), me: await this.me(userId) };
  }

  /** The user behind a platform identity, created at L1 on first sight. */
  private async userFor(platform: IdentityPlatform, subject: string, label: string, fields: Partial<UserRow> = {}): Promise<string> {
    const existing = await this.repo.findIdentity(platform, subject);
    if (existing) return existing.userId;
    return this.repo.createUserWithIdentity({ user_id: newId('u'), ...fields }, { platform, subject, label });
  }

  async loginWechat(code: string): Promise<SessionResponse> {
    const { openid } = await this.adapters.wechat.code2Session(code).catch((err) => this.loginCodeError(err));
    return this.sessionFor(await this.userFor('wechat', openid, shortLabel('微信', openid)), 'wechat');
  }

  async loginAlipay(authCode: string): Promise<SessionResponse> {
    const { userId } = await this.adapters.alipay.oauthToken(authCode).catch((err) => this.loginCodeError(err));
    return this.sessionFor(await this.userFor('alipay', userId, shortLabel('支付宝', userId)), 'alipay');
  }

  private loginCodeError(err: unknown): never {
    if (err instanceof AdapterError && err.kind === 'rejected') throw new AppError('LOGIN_CODE_INVALID', 'the login code is invalid or used; log in again');
    upstream(err);
  }

  async sendSmsCode(phone: string): Promise<{ sent: true; resendAfterSeconds: number; expiresInSeconds: number }> {
    const { smsResendSeconds, smsCodeTtlSeconds, smsDailyLimit } = this.options;
    const bidx = this.pii.blindIndex('phone', phone);
    if (!(await this.kv.set(`sms:cool:${bidx}`, '1', { ttlMs: smsResendSeconds * 1000, ifAbsent: true }))) {
      throw new AppError('SMS_SEND_TOO_FREQUENT', `wait ${smsResendSeconds} seconds before asking for another code`, { retryAfterSeconds: smsResendSeconds });
    }
    const today = new Date().toISOString().slice(0, 10);
    if ((await this.kv.incr(`sms:day:${today}:${bidx}`, 1, 86_400_000)) > smsDailyLimit) {
      throw new AppError('SMS_SEND_TOO_FREQUENT', 'too many codes for this number today', { retryAfterSeconds: 3600 });
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.kv.set(`sms:code:${bidx}`, sha256(`${bidx}:${code}`).toString('base64url'), { ttlMs: smsCodeTtlSeconds * 1000 });
    await this.kv.del(`sms:tries:${bidx}`);
    await this.adapters.sms.send(phone, 'login_code', { code, minutes: String(Math.round(smsCodeTtlSeconds / 60)) }).catch(upstream);
    return { sent: true, resendAfterSeconds: smsResendSeconds, expiresInSeconds: smsCodeTtlSeconds };
  }

  /** Checks a one-time SMS code: used once, at most N tries, then gone. */
  private async consumeSmsCode(phone: string, code: string): Promise<string> {
    const bidx = this.pii.blindIndex('phone', phone);
    const stored = await this.kv.get(`sms:code:${bidx}`);
    if (!stored) throw new AppError('SMS_CODE_INVALID', 'the code is wrong or has expired; ask for a new one');
    if ((await this.kv.incr(`sms:tries:${bidx}`, 1, this.options.smsCodeTtlSeconds * 1000)) > this.options.smsMaxAttempts) {
      await this.kv.del(`sms:code:${bidx}`);
      throw new AppError('SMS_CODE_TOO_MANY_ATTEMPTS', 'too many wrong codes; ask for a new one');
    }
    const given = sha256(`${bidx}:${code}`);
    if (!timingSafeEqual(given, Buffer.from(stored, 'base64url'))) throw new AppError('SMS_CODE_INVALID', 'the code is wrong or has expired; ask for a new one');
    // One-time: only the request that deletes the code wins, so a replay at the same instant fails too.
    if ((await this.kv.del(`sms:code:${bidx}`)) === 0) throw new AppError('SMS_CODE_INVALID', 'the code has been used');
    return bidx;
  }

  async loginSms(phone: string, code: string): Promise<SessionResponse> {
    const bidx = await this.consumeSmsCode(phone, code);
    const userId = await this.userFor('phone', bidx, maskPhone(phone), { phone_enc: this.pii.encrypt('phone', phone), phone_bidx: bidx });
    return this.sessionFor(userId, 'phone');
  }

  /** Mutual recognition: a trusted issuer's token → the local person with that ID number. */
  async exchangeToken(token: string): Promise<SessionResponse> {
    return this.sessionFor(await this.recognisedUser(token), 'trusted_issuer');
  }

  /**
   * The local citizen behind a trusted issuer's token (mutual recognition), created or linked on
   * first sight; the token is single-use. Also how the open API identifies a partner's applicant.
   */
  async recognisedUser(token: string): Promise<string> {
    const identity = await this.issuers.verify(token);
    return this.vouchedUser({ platform: 'trusted_issuer', subject: `${identity.issuerId}:${identity.subject}`, label: identity.issuerName }, identity);
  }

  /**
   * The local citizen a trusted issuer's token names, if we know them — nobody is created or
   * linked (null otherwise). The token is spent like any other.
   */
  async recognisedExistingUser(token: string): Promise<string | null> {
    const identity = await this.issuers.verify(token);
    const linked = await this.repo.findIdentity('trusted_issuer', `${identity.issuerId}:${identity.subject}`);
    if (linked) return linked.userId;
    return (await this.repo.findUserByIdNumberIndex(this.pii.blindIndex('idNumber', identity.idNumber)))?.user_id ?? null;
  }

  /**
   * The citizen a partner platform vouches for with its own checks (open API scope
   * `identity:attest`): real name always, real person when it attests L3 with a face check.
   */
  async attestedUser(partner: { appId: string; name: string }, person: { name: string; idNumber: string; level: 'L2' | 'L3'; verifiedAt: Date }): Promise<string> {
    const idNumber = person.idNumber.toUpperCase();
    if (!isValidIdNumber(idNumber)) throw new AppError('VALIDATION_FAILED', 'the attested ID number fails its check digit', { issues: [{ field: 'body.applicant.idNumber', message: 'check digit (GB 11643) does not match' }] });
    const subject = `${partner.appId}:${this.pii.blindIndex('idNumber', idNumber).slice(0, 32)}`;
    return this.vouchedUser({ platform: 'partner', subject, label: partner.name }, { name: person.name, idNumber, level: person.level, issuedAt: person.verifiedAt });
  }

  private async vouchedUser(link: { platform: IdentityPlatform; subject: string; label: string }, identity: { name: string; idNumber: string; level: 'L2' | 'L3'; issuedAt: Date }): Promise<string> {
    const idBidx = this.pii.blindIndex('idNumber', identity.idNumber);
    const linked = await this.repo.findIdentity(link.platform, link.subject);
    const byIdNumber = linked ? undefined : await this.repo.findUserByIdNumberIndex(idBidx);
    const userId = linked?.userId ?? byIdNumber?.user_id;
    const verifiedAt = toDbTime(identity.issuedAt);
    if (!userId) {
      return this.userFor(link.platform, link.subject, link.label, {
        name_enc: this.pii.encrypt('name', identity.name),
        id_number_enc: this.pii.encrypt('idNumber', identity.idNumber),
        id_number_bidx: idBidx,
        real_name_at: verifiedAt,
        face_verified_at: identity.level === 'L3' ? verifiedAt : null,
      });
    }
    await this.repo.linkIdentity(userId, link);
    if (identity.level === 'L3') await this.repo.updateUser(userId, { face_verified_at: verifiedAt });
    return userId;
  }

  async refresh(refreshToken: string): Promise<SessionResponse> {
    const next = await this.sessions.refresh(refreshToken);
    if (!next) throw new AppError('REFRESH_TOKEN_INVALID', 'log in again');
    return { token: next.token, refreshToken: next.refreshToken!, expiresAt: next.session.expiresAt.toISOString(), me: await this.me(next.session.subjectId) };
  }

  async logout(token: string): Promise<void> {
    await this.sessions.revoke(token);
  }

  /** The citizen behind a bearer token, or SESSION_INVALID. */
  async authenticate(token: string): Promise<{ userId: string; sessionId: string }> {
    const session = await this.sessions.resolve(token);
    if (!session) throw new AppError('SESSION_INVALID', 'not logged in, or the session has ended');
    return { userId: session.subjectId, sessionId: session.sessionId };
  }

  // ---- linking ----

  async linkWechat(userId: string, code: string): Promise<Me> {
    const { openid } = await this.adapters.wechat.code2Session(code).catch((err) => this.loginCodeError(err));
    return this.link(userId, 'wechat', openid, shortLabel('微信', openid));
  }

  async linkAlipay(userId: string, authCode: string): Promise<Me> {
    const { userId: alipayUser } = await this.adapters.alipay.oauthToken(authCode).catch((err) => this.loginCodeError(err));
    return this.link(userId, 'alipay', alipayUser, shortLabel('支付宝', alipayUser));
  }

  async linkPhone(userId: string, phone: string, code: string): Promise<Me> {
    const bidx = await this.consumeSmsCode(phone, code);
    const me = await this.link(userId, 'phone', bidx, maskPhone(phone));
    await this.repo.updateUser(userId, { phone_enc: this.pii.encrypt('phone', phone), phone_bidx: bidx });
    return { ...me, phone: maskPhone(phone) };
  }

  private async link(userId: string, platform: IdentityPlatform, subject: string, label: string): Promise<Me> {
    if (!(await this.repo.linkIdentity(userId, { platform, subject, label }))) {
      throw new AppError('IDENTITY_ALREADY_LINKED', 'this account is already linked to another person');
    }
    return this.me(userId);
  }

  // ---- identity levels ----

  async realName(userId: string, name: string, idNumber: string): Promise<Me> {
    const { match } = await this.adapters.household.verifyRealName(name, idNumber).catch(upstream);
    if (!match) throw new AppError('REAL_NAME_MISMATCH', 'the name and ID number do not match the household registration');
    const result = await this.repo.setRealName(userId, {
      name_enc: this.pii.encrypt('name', name),
      id_number_enc: this.pii.encrypt('idNumber', idNumber),
      id_number_bidx: this.pii.blindIndex('idNumber', idNumber),
    });
    if (result === 'bound_elsewhere') throw new AppError('ID_NUMBER_BOUND_ELSEWHERE', 'this ID number belongs to another account; log in with that one');
    return this.me(userId);
  }

  async startFace(userId: string, method: FaceMethod, returnUrl: string | undefined): Promise<FaceStartResponse> {
    const user = await this.requireUser(userId);
    if (!user.real_name_at || !user.name_enc || !user.id_number_enc) throw new AppError('REAL_NAME_REQUIRED', 'verify your real name first');
    const name = this.pii.decrypt('name', user.name_enc);
    const idNumber = this.pii.decrypt('idNumber', user.id_number_enc);
    // Alipay and the H5 face service name the certification themselves and hand that id back to
    // the client on return; WeChat's client API has no id, so we make one.
    let response: FaceStartResponse;
    if (method === 'wechat') {
      response = { certifyId: randomBytes(16).toString('base64url'), method, name, idCardNumber: idNumber };
    } else if (method === 'alipay') {
      const { certifyId } = await this.adapters.alipay.certifyInitialize({ outerOrderNo: newId('fo'), name, idNumber }).catch(upstream);
      response = { certifyId, method, url: await this.adapters.alipay.certifyUrl(certifyId).catch(upstream) };
    } else {
      if (!returnUrl) throw new AppError('VALIDATION_FAILED', 'invalid body.returnUrl: required for H5', { issues: [{ field: 'body.returnUrl', message: 'required for h5' }] });
      const { certifyId, url } = await this.adapters.face.initialize({ name, idNumber, returnUrl }).catch(upstream);
      response = { certifyId, method, url };
    }
    const { certifyId } = response;
    const upstreamId = certifyId;
    const pending: PendingFace = { userId, method, upstreamId };
    await this.kv.set(`face:${certifyId}`, JSON.stringify(pending), { ttlMs: 15 * 60_000 });
    return response;
  }

  async completeFace(userId: string, certifyId: string, verifyResult: string | undefined): Promise<Me> {
    const raw = await this.kv.get(`face:${certifyId}`);
    const pending = raw ? (JSON.parse(raw) as PendingFace) : null;
    if (!pending || pending.userId !== userId) throw new AppError('FACE_CERTIFY_NOT_FOUND', 'no face verification in progress with this id; start again');
    const passed = await this.facePassed(userId, pending, verifyResult);
    if (!passed) throw new AppError('FACE_VERIFICATION_FAILED', 'the face verification did not pass; try again in good light');
    if ((await this.kv.del(`face:${certifyId}`)) === 0) throw new AppError('FACE_CERTIFY_NOT_FOUND', 'this verification has been used');
    await this.repo.updateUser(userId, { face_verified_at: toDbTime() });
    return this.me(userId);
  }

  private async facePassed(userId: string, pending: PendingFace, verifyResult: string | undefined): Promise<boolean> {
    if (pending.method === 'alipay') return (await this.adapters.alipay.certifyQuery(pending.upstreamId).catch(upstream)).passed;
    if (pending.method === 'h5') return (await this.adapters.face.query(pending.upstreamId).catch(upstream)).status === 'passed';
    if (!verifyResult) return false;
    const result = await this.adapters.wechat.faceIdentifyResult(verifyResult).catch((err) => {
      if (err instanceof AdapterError && err.kind === 'rejected') return null;
      return upstream(err);
    });
    if (!result || result.identifyRet !== 0) return false;
    // The face matched *someone's* name and ID: make sure it is this citizen's, on this citizen's WeChat.
    const user = await this.requireUser(userId);
    const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
    const wechat = (await this.repo.identitiesOf(userId)).some((i) => i.platform === 'wechat' && i.subject === result.openid);
    return (
      wechat &&
      result.idCardNumberMd5.toLowerCase() === md5(this.pii.decrypt('idNumber', user.id_number_enc!)) &&
      result.nameUtf8Md5.toLowerCase() === md5(this.pii.decrypt('name', user.name_enc!))
    );
  }

  // ---- reading ----

  private async requireUser(userId: string): Promise<UserRow> {
    const user = await this.repo.findUser(userId);
    if (!user) throw new AppError('SESSION_INVALID', 'this account no longer exists');
    return user;
  }

  /** When the citizen last passed a face check (for "fresh check" rules such as showing a full licence). */
  async faceVerifiedAt(userId: string): Promise<Date | null> {
    const user = await this.requireUser(userId);
    return user.face_verified_at ? new Date(fromDbTime(user.face_verified_at)) : null;
  }

  async levelOf(userId: string): Promise<IdentityLevel> {
    return levelOf(await this.requireUser(userId), this.faceValidMs);
  }

  async me(userId: string): Promise<Me> {
    const user = await this.requireUser(userId);
    const linked = await this.repo.identitiesOf(userId);
    const faceUntil = user.face_verified_at ? new Date(Date.parse(fromDbTime(user.face_verified_at)) + this.faceValidMs) : null;
    return {
      userId,
      level: levelOf(user, this.faceValidMs),
      name: user.name_enc ? maskName(this.pii.decrypt('name', user.name_enc)) : null,
      idNumber: user.id_number_enc ? maskIdNumber(this.pii.decrypt('idNumber', user.id_number_enc)) : null,
      phone: user.phone_enc ? maskPhone(this.pii.decrypt('phone', user.phone_enc)) : null,
      linked: linked.map((l) => ({ platform: l.platform, label: l.label, linkedAt: fromDbTime(l.linkedAt) })),
      realNameVerifiedAt: user.real_name_at ? fromDbTime(user.real_name_at) : null,
      faceValidUntil: faceUntil && faceUntil.getTime() > Date.now() ? faceUntil.toISOString() : null,
    };
  }

  // ---- for staff (the console module audits these calls) ----

  /** Citizens by the blind index of a phone number or ID number: exact match only, masked. */
  async findCitizens(query: { phone?: string; idNumber?: string }): Promise<CitizenSummary[]> {
    const users = query.idNumber
      ? [await this.repo.findUserByIdNumberIndex(this.pii.blindIndex('idNumber', query.idNumber))].filter((u): u is UserRow => Boolean(u))
      : await this.repo.findUsersByPhoneIndex(this.pii.blindIndex('phone', query.phone!));
    return Promise.all(users.map((u) => this.summary(u)));
  }

  private async summary(user: UserRow): Promise<CitizenSummary> {
    const me = await this.me(user.user_id);
    return { userId: me.userId, name: me.name, idNumber: me.idNumber, phone: me.phone, level: me.level, createdAt: fromDbTime(user.created_at) };
  }

  async citizenDetail(userId: string): Promise<CitizenDetail> {
    const user = await this.repo.findUser(userId);
    if (!user) throw new AppError('CITIZEN_NOT_FOUND', `no citizen ${userId}`);
    const me = await this.me(userId);
    return { ...(await this.summary(user)), linked: me.linked, realNameVerifiedAt: me.realNameVerifiedAt, faceValidUntil: me.faceValidUntil };
  }

  /** One field in full. Only the console's unmask, after it wrote the audit row, calls this. */
  async revealField(userId: string, field: UnmaskableField): Promise<string | null> {
    const user = await this.repo.findUser(userId);
    if (!user) throw new AppError('CITIZEN_NOT_FOUND', `no citizen ${userId}`);
    const stored = { name: user.name_enc, idNumber: user.id_number_enc, phone: user.phone_enc }[field];
    return stored ? this.pii.decrypt(field, stored) : null;
  }

  /**
   * The applicant as the departments' systems need them, unmasked: only the applications module
   * calls this, to build an upstream submission (never to show). Null before real-name.
   */
  async applicantIdentity(userId: string): Promise<{ name: string; idNumber: string; phone: string | null } | null> {
    const user = await this.repo.findUser(userId);
    if (!user?.name_enc || !user.id_number_enc) return null;
    return {
      name: this.pii.decrypt('name', user.name_enc),
      idNumber: this.pii.decrypt('idNumber', user.id_number_enc),
      phone: user.phone_enc ? this.pii.decrypt('phone', user.phone_enc) : null,
    };
  }

  async citizenExists(userId: string): Promise<boolean> {
    return Boolean(await this.repo.findUser(userId));
  }

  /**
   * Where the notifications module can reach a citizen: the most recently linked WeChat openid and
   * Alipay user id, and the phone number (decrypted: only for sending, never to show or log).
   * Null when the citizen no longer exists.
   */
  async notificationContacts(userId: string): Promise<{ wechatOpenid: string | null; alipayUserId: string | null; phone: string | null } | null> {
    const user = await this.repo.findUser(userId);
    if (!user) return null;
    const linked = await this.repo.identitiesOf(userId); // oldest first
    const latest = (platform: IdentityPlatform) => linked.filter((i) => i.platform === platform).at(-1)?.subject ?? null;
    return { wechatOpenid: latest('wechat'), alipayUserId: latest('alipay'), phone: user.phone_enc ? this.pii.decrypt('phone', user.phone_enc) : null };
  }

  /** Whether the citizen's level is enough for an item; applications call `requireLevel`. */
  async eligibility(userId: string, itemCode: string): Promise<Eligibility> {
    const item = await this.catalog.requireItem(itemCode);
    const current = await this.levelOf(userId);
    const step = nextStep(current, item.identityLevel);
    return { itemCode, required: item.identityLevel, current, eligible: step === null, nextStep: step };
  }

  async requireLevel(userId: string, itemCode: string): Promise<Eligibility> {
    const e = await this.eligibility(userId, itemCode);
    if (!e.eligible) {
      throw new AppError('IDENTITY_LEVEL_REQUIRED', `this item needs identity level ${e.required}; you are ${e.current}`, {
        required: e.required,
        current: e.current,
        nextStep: e.nextStep,
      });
    }
    return e;
  }
}

/** A recognisable, non-identifying label for a platform account: 微信 o6_b…Xk2. */
function shortLabel(platform: string, id: string): string {
  return `${platform} ${id.slice(0, 4)}…${id.slice(-3)}`;
}
