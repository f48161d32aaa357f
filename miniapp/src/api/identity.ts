import {
  apiPaths,
  IDENTITY_LEVELS,
  IDENTITY_STEPS,
  type Eligibility,
  type FaceStartResponse,
  type IdentityLevel,
  type IdentityStep,
  type Me,
  type RealNameRequest,
  type SessionResponse,
} from '@onevisit/shared-types/client';
import type { RequestFn } from './client';
import { isApiError } from './errors';
import type { SessionManager } from './session';
import type { FaceCompleteRequest, FaceStartRequest, SmsSendResponse } from './types';

export interface IdentityApiDeps {
  /** Unauthenticated requests (login, SMS). */
  request: RequestFn;
  /** Requests as the citizen (see createAuthedRequest). */
  authed: RequestFn;
  session: SessionManager;
}

const post = (data: unknown) => ({ method: 'POST' as const, data });

const isLevel = (v: unknown): v is IdentityLevel => typeof v === 'string' && (IDENTITY_LEVELS as readonly string[]).includes(v);
const isStep = (v: unknown): v is IdentityStep => typeof v === 'string' && (IDENTITY_STEPS as readonly string[]).includes(v);

/**
 * `403 IDENTITY_LEVEL_REQUIRED` carries `details: {required, current, nextStep}`: the same facts
 * as a 200 Eligibility with `eligible: false`. Returns undefined when the details are not that.
 */
export function eligibilityFromDetails(itemCode: string, details: unknown): Eligibility | undefined {
  if (!details || typeof details !== 'object') return undefined;
  const d = details as Record<string, unknown>;
  if (!isLevel(d.required) || !isLevel(d.current)) return undefined;
  return { itemCode, required: d.required, current: d.current, eligible: false, nextStep: isStep(d.nextStep) ? d.nextStep : null };
}

/** Login, session and identity-level endpoints (`/auth`, `/me`). Logins and `/me` answers update the session. */
export function createIdentityApi({ request, authed, session }: IdentityApiDeps) {
  const adopt = async (pending: Promise<SessionResponse>): Promise<Me> => session.adopt(await pending).me;
  const keepMe = async (pending: Promise<Me>): Promise<Me> => {
    const me = await pending;
    session.updateMe(me);
    return me;
  };

  return {
    /** WeChat: the code of `Taro.login()`. */
    loginWechat: (code: string) => adopt(request<SessionResponse>(apiPaths.authWechat, post({ code }))),
    /** Alipay: the authCode of `my.getAuthCode({scopes: 'auth_base'})`. */
    loginAlipay: (authCode: string) => adopt(request<SessionResponse>(apiPaths.authAlipay, post({ authCode }))),
    /** Sends a 6-digit login code by SMS; `resendAfterSeconds` drives the button's countdown. */
    sendSmsCode: (phone: string) => request<SmsSendResponse>(apiPaths.authSmsSend, post({ phone })),
    loginSms: (phone: string, code: string) => adopt(request<SessionResponse>(apiPaths.authSmsLogin, post({ phone, code }))),
    /** The citizen as the BFF knows them now (level, masked data, linked accounts). */
    me: () => keepMe(authed<Me>(apiPaths.me)),
    /** L2: name + resident ID number checked against the household registration. */
    realName: (body: RealNameRequest) => keepMe(authed<Me>(apiPaths.meRealName, post(body))),
    /** L3, first half: a certifyId (and what the platform's face API needs). */
    faceStart: (body: FaceStartRequest) => authed<FaceStartResponse>(apiPaths.meFaceStart, post(body)),
    /** L3, second half: the BFF asks the verification service for the result. */
    faceComplete: (body: FaceCompleteRequest) => keepMe(authed<Me>(apiPaths.meFaceComplete, post(body))),
    /** Whether the citizen's level is enough for an item; a 403 IDENTITY_LEVEL_REQUIRED resolves as `eligible: false`. */
    eligibility: async (itemCode: string): Promise<Eligibility> => {
      try {
        return await authed<Eligibility>(apiPaths.meEligibility(itemCode));
      } catch (err) {
        const fromError = isApiError(err) && err.code === 'IDENTITY_LEVEL_REQUIRED' ? eligibilityFromDetails(itemCode, err.details) : undefined;
        if (fromError) return fromError;
        throw err;
      }
    },
    /** Ends the session at the BFF (best effort) and always here. */
    logout: async (): Promise<void> => {
      const token = session.token;
      if (!token) return;
      try {
        await request<unknown>(apiPaths.authLogout, { method: 'POST', data: {}, header: { Authorization: `Bearer ${token}` } });
      } catch {
        // expired already, or offline: the local session goes anyway
      } finally {
        if (session.token === token) session.clear();
      }
    },
  };
}

export type IdentityApi = ReturnType<typeof createIdentityApi>;

/** `POST /auth/refresh`, for SessionManager. */
export function refreshWith(request: RequestFn) {
  return (refreshToken: string) => request<SessionResponse>(apiPaths.authRefresh, post({ refreshToken }));
}
