import type { Context } from 'koa';
import {
  AlipayLoginRequestSchema,
  apiPaths,
  EligibilitySchema,
  FaceCompleteRequestSchema,
  FaceStartRequestSchema,
  FaceStartResponseSchema,
  ItemCodeParamsSchema,
  MeSchema,
  OkSchema,
  RealNameRequestSchema,
  RefreshRequestSchema,
  SessionResponseSchema,
  SmsLoginRequestSchema,
  SmsSendRequestSchema,
  SmsSendResponseSchema,
  TokenExchangeRequestSchema,
  WechatLoginRequestSchema,
} from '@onevisit/shared-types';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../http/errors';
import { consumeOrRefuse } from '../../http/rateLimit';
import { defineRoute, type AnyRouteDef, type Authenticator } from '../../http/route';
import type { IdentityService } from './service';

export function bearerToken(ctx: Context): string | null {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(ctx.get('authorization'));
  return match ? match[1] : null;
}

/** Citizen routes: a bearer session token from one of the login endpoints. */
export function citizenAuthenticator(identity: IdentityService): Authenticator {
  return async (ctx) => {
    const token = bearerToken(ctx);
    if (!token) throw new AppError('UNAUTHENTICATED', 'log in first (Authorization: Bearer <token>)');
    ctx.state.citizen = await identity.authenticate(token);
  };
}

const me = (ctx: Context) => ctx.state.citizen!.userId;

/** H5 face verification may only send the citizen back to this same site. */
function sameOriginReturnUrl(ctx: Context, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || parsed.origin !== `${ctx.protocol}://${ctx.host}`) {
    throw new AppError('VALIDATION_FAILED', 'invalid body.returnUrl: must be on this site', { issues: [{ field: 'body.returnUrl', message: 'must be on this site' }] });
  }
  return parsed.toString();
}

/**
 * @param smsPerIp limits codes sent per client address: the per-number cooldown and daily cap
 *   stop bombing one phone; this stops one client spraying many numbers (SMS pumping).
 */
export function identityRoutes(identity: IdentityService, smsPerIp: RateLimiterAbstract): AnyRouteDef[] {
  const tags = ['identity'];
  const login = { tags, security: 'public' as const, response: SessionResponseSchema };
  return [
    defineRoute({ ...login, method: 'post', path: apiPaths.authWechat, summary: 'Log in with a wx.login code (code2session)', body: WechatLoginRequestSchema, errors: ['LOGIN_CODE_INVALID', 'UPSTREAM_UNAVAILABLE'], handler: ({ body }) => identity.loginWechat(body.code) }),
    defineRoute({ ...login, method: 'post', path: apiPaths.authAlipay, summary: 'Log in with a my.getAuthCode code (alipay.system.oauth.token)', body: AlipayLoginRequestSchema, errors: ['LOGIN_CODE_INVALID', 'UPSTREAM_UNAVAILABLE'], handler: ({ body }) => identity.loginAlipay(body.authCode) }),
    defineRoute({
      method: 'post',
      path: apiPaths.authSmsSend,
      summary: 'Send a one-time login code by SMS (once a minute, a few a day)',
      tags,
      security: 'public',
      body: SmsSendRequestSchema,
      response: SmsSendResponseSchema,
      errors: ['SMS_SEND_TOO_FREQUENT', 'RATE_LIMITED', 'UPSTREAM_UNAVAILABLE'],
      handler: async ({ body }, ctx) => {
        await consumeOrRefuse(ctx, smsPerIp, ctx.ip, 'too many SMS codes from this address; try later');
        return identity.sendSmsCode(body.phone);
      },
    }),
    defineRoute({ ...login, method: 'post', path: apiPaths.authSmsLogin, summary: 'Log in with a phone number and its SMS code (H5)', body: SmsLoginRequestSchema, errors: ['SMS_CODE_INVALID', 'SMS_CODE_TOO_MANY_ATTEMPTS'], handler: ({ body }) => identity.loginSms(body.phone, body.code) }),
    defineRoute({
      ...login,
      method: 'post',
      path: apiPaths.authExchange,
      summary: 'Mutual recognition: exchange a trusted issuer’s token for a session',
      body: TokenExchangeRequestSchema,
      errors: ['TOKEN_MALFORMED', 'TOKEN_UNKNOWN_ISSUER', 'TOKEN_SIGNATURE_INVALID', 'TOKEN_EXPIRED', 'TOKEN_NOT_YET_VALID', 'TOKEN_AUDIENCE_INVALID', 'TOKEN_CLAIMS_INVALID', 'TOKEN_REPLAYED', 'UPSTREAM_UNAVAILABLE'],
      handler: ({ body }) => identity.exchangeToken(body.token),
    }),
    defineRoute({ ...login, method: 'post', path: apiPaths.authRefresh, summary: 'Rotate a refresh token into a new session', body: RefreshRequestSchema, errors: ['REFRESH_TOKEN_INVALID'], handler: ({ body }) => identity.refresh(body.refreshToken) }),
    defineRoute({
      method: 'post',
      path: apiPaths.authLogout,
      summary: 'End this session (its token and refresh token stop working)',
      tags,
      security: 'citizen',
      response: OkSchema,
      errors: ['SESSION_INVALID'],
      handler: async (_input, ctx) => {
        await identity.logout(bearerToken(ctx)!);
        return { ok: true as const };
      },
    }),
    defineRoute({ method: 'get', path: apiPaths.me, summary: 'The citizen: level, masked data, linked accounts', tags, security: 'citizen', response: MeSchema, errors: ['SESSION_INVALID'], handler: (_i, ctx) => identity.me(me(ctx)) }),
    defineRoute({ method: 'post', path: apiPaths.meLinkWechat, summary: 'Link a WeChat account', tags, security: 'citizen', body: WechatLoginRequestSchema, response: MeSchema, errors: ['SESSION_INVALID', 'LOGIN_CODE_INVALID', 'IDENTITY_ALREADY_LINKED'], handler: ({ body }, ctx) => identity.linkWechat(me(ctx), body.code) }),
    defineRoute({ method: 'post', path: apiPaths.meLinkAlipay, summary: 'Link an Alipay account', tags, security: 'citizen', body: AlipayLoginRequestSchema, response: MeSchema, errors: ['SESSION_INVALID', 'LOGIN_CODE_INVALID', 'IDENTITY_ALREADY_LINKED'], handler: ({ body }, ctx) => identity.linkAlipay(me(ctx), body.authCode) }),
    defineRoute({ method: 'post', path: apiPaths.meLinkPhone, summary: 'Link a phone number (with its SMS code)', tags, security: 'citizen', body: SmsLoginRequestSchema, response: MeSchema, errors: ['SESSION_INVALID', 'SMS_CODE_INVALID', 'IDENTITY_ALREADY_LINKED'], handler: ({ body }, ctx) => identity.linkPhone(me(ctx), body.phone, body.code) }),
    defineRoute({
      method: 'post',
      path: apiPaths.meRealName,
      summary: 'Real-name verification (L2): name and resident ID number against the household registration',
      tags,
      security: 'citizen',
      body: RealNameRequestSchema,
      response: MeSchema,
      errors: ['SESSION_INVALID', 'REAL_NAME_MISMATCH', 'ID_NUMBER_BOUND_ELSEWHERE', 'UPSTREAM_UNAVAILABLE'],
      handler: ({ body }, ctx) => identity.realName(me(ctx), body.name, body.idNumber),
    }),
    defineRoute({
      method: 'post',
      path: apiPaths.meFaceStart,
      summary: 'Start a face verification (L3) on WeChat, Alipay or H5',
      tags,
      security: 'citizen',
      body: FaceStartRequestSchema,
      response: FaceStartResponseSchema,
      errors: ['SESSION_INVALID', 'REAL_NAME_REQUIRED', 'UPSTREAM_UNAVAILABLE'],
      handler: ({ body }, ctx) => identity.startFace(me(ctx), body.method, sameOriginReturnUrl(ctx, body.returnUrl)),
    }),
    defineRoute({
      method: 'post',
      path: apiPaths.meFaceComplete,
      summary: 'Finish a face verification; L3 for the configured number of days',
      tags,
      security: 'citizen',
      body: FaceCompleteRequestSchema,
      response: MeSchema,
      errors: ['SESSION_INVALID', 'FACE_CERTIFY_NOT_FOUND', 'FACE_VERIFICATION_FAILED', 'UPSTREAM_UNAVAILABLE'],
      handler: ({ body }, ctx) => identity.completeFace(me(ctx), body.certifyId, body.verifyResult),
    }),
    defineRoute({
      method: 'get',
      path: '/me/eligibility/:itemCode',
      summary: 'Whether the citizen’s identity level is enough for an item, and the next step if not',
      tags,
      security: 'citizen',
      params: ItemCodeParamsSchema,
      response: EligibilitySchema,
      errors: ['SESSION_INVALID', 'ITEM_NOT_FOUND', 'IDENTITY_LEVEL_REQUIRED'],
      handler: ({ params }, ctx) => identity.requireLevel(me(ctx), params.itemCode),
    }),
  ];
}
