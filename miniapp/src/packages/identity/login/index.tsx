import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { isValidMobile, maskPhone } from '@onevisit/shared-types/client';
import { identity, isApiError } from '../../../api';
import { InlineApiError, InlineNotice } from '../../../components/Inline';
import { LevelBadge } from '../../../components/LevelBadge';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { useCountdown } from '../../../hooks/useCountdown';
import { useSession } from '../../../hooks/useSession';
import { routeParam } from '../../../utils/format';
import { normalisePhone } from '../../../utils/identity';
import { returnTo } from '../../../utils/navigation';
import { Field, StepCard } from '../components/Form';

const PLATFORM = process.env.TARO_ENV;

/**
 * Login: WeChat and Alipay log in with one tap (the platform's login code); the browser (H5)
 * with a phone number and an SMS code. Afterwards the citizen returns to `redirect`.
 */
export default function LoginPage() {
  const redirect = routeParam(useRouter().params.redirect) || undefined;
  const current = useSession();
  const done = () => returnTo(redirect);

  return (
    <Page className='ov-identity ov-login'>
      {current ? (
        <StepCard title='您已登录' description='可以继续办理业务，或在“我的”页面完成实名与刷脸认证。'>
          <View className='ov-result'>
            <LevelBadge level={current.me.level} />
          </View>
          <View className='ov-actions'>
            <Button id='login-continue' type='primary' size='large' onClick={done}>
              继续
            </Button>
          </View>
        </StepCard>
      ) : process.env.TARO_ENV === 'weapp' || process.env.TARO_ENV === 'alipay' ? (
        <OneTapLogin onDone={done} />
      ) : (
        <SmsLogin onDone={done} />
      )}
    </Page>
  );
}

function Agreement() {
  return (
    <Text className='ov-agreement'>
      登录即表示您已阅读并同意<Text className='ov-agreement-doc'>《用户服务协议》</Text>和<Text className='ov-agreement-doc'>《隐私政策》</Text>
      ，您的个人信息仅用于办理公安政务服务。
    </Text>
  );
}

/** WeChat: `Taro.login` → code. Alipay: Taro maps `login` to `my.getAuthCode({scopes: 'auth_base'})` → authCode. */
async function platformCode(): Promise<string> {
  const res = (await Taro.login()) as { code?: string; authCode?: string };
  const code = res.code ?? res.authCode;
  if (!code) throw new Error('未能获取登录凭证');
  return code;
}

function OneTapLogin({ onDone }: { onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const label = PLATFORM === 'alipay' ? '支付宝一键登录' : '微信一键登录';

  const login = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const code = await platformCode();
      if (process.env.TARO_ENV === 'alipay') await identity.loginAlipay(code);
      else await identity.loginWechat(code);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <StepCard title='登录' description={`使用${PLATFORM === 'alipay' ? '支付宝' : '微信'}账号登录，登录后可实名认证、申请办理、查看办件进度。`}>
      <InlineApiError error={error} id='login-error' />
      <View className='ov-actions'>
        <Button id='login-submit' type='primary' size='large' loading={busy} onClick={login}>
          {label}
        </Button>
      </View>
      <Agreement />
    </StepCard>
  );
}

function SmsLogin({ onDone }: { onDone: () => void }) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [phoneError, setPhoneError] = useState<string>();
  const [codeError, setCodeError] = useState<string>();
  const [error, setError] = useState<unknown>(undefined);
  const [sentTo, setSentTo] = useState<string>();
  const [sending, setSending] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const countdown = useCountdown();

  const checkPhone = (): string | undefined => {
    const p = normalisePhone(phone);
    const problem = !p ? '请输入手机号' : !isValidMobile(p) ? '请输入正确的 11 位手机号' : undefined;
    setPhoneError(problem);
    return problem ? undefined : p;
  };

  const send = async () => {
    if (sending || countdown.left > 0) return;
    const p = checkPhone();
    if (!p) return;
    setSending(true);
    setError(undefined);
    try {
      const res = await identity.sendSmsCode(p);
      countdown.start(res.resendAfterSeconds);
      setSentTo(`验证码已发送至 ${maskPhone(p)}，${Math.max(1, Math.round(res.expiresInSeconds / 60))} 分钟内有效`);
    } catch (err) {
      setSentTo(undefined);
      const wait = isApiError(err) ? retryAfter(err.details) : undefined;
      if (wait) countdown.start(wait);
      setError(err);
    } finally {
      setSending(false);
    }
  };

  const submit = async () => {
    if (submitting) return;
    const p = checkPhone();
    const c = code.trim();
    const codeOk = /^\d{6}$/.test(c);
    setCodeError(codeOk ? undefined : c ? '验证码为 6 位数字' : '请输入验证码');
    if (!p || !codeOk) return;
    setSubmitting(true);
    setError(undefined);
    try {
      await identity.loginSms(p, c);
      onDone();
    } catch (err) {
      if (isApiError(err) && (err.code === 'SMS_CODE_INVALID' || err.code === 'SMS_CODE_TOO_MANY_ATTEMPTS')) {
        setCodeError(err.code === 'SMS_CODE_INVALID' ? '验证码错误或已过期，请重新输入' : '验证码错误次数过多，请重新获取');
      } else setError(err);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <StepCard title='手机号登录' description='使用本人手机号接收验证码登录。'>
      <Field label='手机号' error={phoneError} errorId='login-phone-error'>
        <Input
          id='login-phone'
          className='ov-input'
          type='number'
          maxlength={11}
          placeholder='请输入 11 位手机号'
          value={phone}
          onInput={(e) => setPhone(e.detail.value)}
        />
      </Field>
      <Field label='验证码' error={codeError} errorId='login-code-error'>
        <Input
          id='login-code'
          className='ov-input'
          type='number'
          maxlength={6}
          placeholder='6 位数字'
          value={code}
          onInput={(e) => setCode(e.detail.value)}
          onConfirm={submit}
        />
        <Button
          id='login-send-code'
          className='ov-code-button'
          type='primary'
          fill='outline'
          size='small'
          disabled={countdown.left > 0}
          loading={sending}
          onClick={send}
        >
          {countdown.left > 0 ? `${countdown.left} 秒后重新获取` : sentTo ? '重新获取' : '获取验证码'}
        </Button>
      </Field>
      <InlineNotice tone='success' id='login-sent'>
        {sentTo}
      </InlineNotice>
      <InlineApiError error={error} id='login-error' />
      <View className='ov-actions'>
        <Button id='login-submit' type='primary' size='large' loading={submitting} onClick={submit}>
          登录
        </Button>
      </View>
      <Agreement />
    </StepCard>
  );
}

/** Seconds to wait, when a 429 says so in its details. */
function retryAfter(details: unknown): number | undefined {
  if (!details || typeof details !== 'object') return undefined;
  const d = details as Record<string, unknown>;
  const v = d.retryAfterSeconds ?? d.resendAfterSeconds ?? d.retryAfter;
  return typeof v === 'number' && v > 0 && v <= 3600 ? Math.ceil(v) : undefined;
}
