/**
 * The identity capability's outside systems, as ports. Each has a real HTTP client in
 * `adapters/<system>/client.ts` and a simulator in `sim/<system>` that speaks the same protocol;
 * the container picks the base URL (configured, or the in-process simulator's).
 * Adapters hold no business rules: they translate a protocol and verify its signatures.
 */

/** WeChat mini-program server APIs (api.weixin.qq.com). */
export interface WechatPort {
  /** `GET /sns/jscode2session`: a wx.login code → the user's openid (and unionid when bound). */
  code2Session(code: string): Promise<{ openid: string; unionid?: string; sessionKey: string }>;
  /**
   * `POST /cityservice/face/identify/getinfo`: the result of wx.startFacialRecognitionVerify.
   * identifyRet 0 means the face matched the name and ID number given to the client API.
   */
  faceIdentifyResult(verifyResult: string): Promise<{ identifyRet: number; openid: string; idCardNumberMd5: string; nameUtf8Md5: string; identifyTime: number }>;
}

/** Alipay open platform (openapi.alipay.com gateway), RSA2 both ways, through alipay-sdk. */
export interface AlipayPort {
  /** `alipay.system.oauth.token`: a my.getAuthCode code → the user's id. */
  oauthToken(authCode: string): Promise<{ userId: string; openId?: string }>;
  /** `alipay.user.certify.open.initialize` with the citizen's name and ID number. */
  certifyInitialize(input: { outerOrderNo: string; name: string; idNumber: string }): Promise<{ certifyId: string }>;
  /** `alipay.user.certify.open.certify`: the URL my.startAPVerify opens. */
  certifyUrl(certifyId: string): Promise<string>;
  /** `alipay.user.certify.open.query`: passed = 'T'. */
  certifyQuery(certifyId: string): Promise<{ passed: boolean }>;
}

/** SMS gateway. */
export interface SmsPort {
  send(phone: string, template: 'login_code', params: Record<string, string>): Promise<{ messageId: string }>;
}

/** 人口信息核验: the household-registration system checks a name against a resident ID number. */
export interface HouseholdPort {
  verifyRealName(name: string, idNumber: string): Promise<{ match: boolean }>;
}

/** Face verification for the H5 build (a hosted verification page, as identity-verification services offer). */
export interface FacePort {
  initialize(input: { name: string; idNumber: string; returnUrl: string }): Promise<{ certifyId: string; url: string }>;
  query(certifyId: string): Promise<{ status: 'pending' | 'passed' | 'failed' }>;
}

export interface IdentityAdapters {
  wechat: WechatPort;
  alipay: AlipayPort;
  sms: SmsPort;
  household: HouseholdPort;
  face: FacePort;
}
