import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { levelAtLeast, type Me } from '@onevisit/shared-types/client';
import { identity, isApiError } from '../../../api';
import { InlineApiError, InlineError, InlineNotice } from '../../../components/Inline';
import { LevelBadge } from '../../../components/LevelBadge';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { useSession } from '../../../hooks/useSession';
import { h5FaceReturnUrl, readFacePending, returnedCertifyId, writeFacePending } from '../../../utils/face';
import { routeParam, shanghaiDate } from '../../../utils/format';
import { currentPageUrl, goToStep, returnTo } from '../../../utils/navigation';
import { STORAGE_KEYS } from '../../../utils/storage';
import { taroStore } from '../../../utils/taroStore';
import { InfoRow, StepCard } from '../components/Form';

const PLATFORM = process.env.TARO_ENV;
const VERIFIER = PLATFORM === 'weapp' ? '微信' : PLATFORM === 'alipay' ? '支付宝' : '认证服务';

type Phase =
  | { kind: 'idle' }
  | { kind: 'busy'; text: string }
  | { kind: 'passed'; me: Me }
  | { kind: 'failed'; reason: string }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: unknown };

/** A platform face API's failure, in words (WeChat errCode / Alipay resultStatus). */
class PlatformFailure extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

/** WeChat: wx.startFacialRecognitionVerify with the name and ID number the BFF handed out. */
async function wechatVerify(start: { name?: string; idCardNumber?: string }): Promise<string> {
  try {
    const res = await Taro.startFacialRecognitionVerify({ name: start.name ?? '', idCardNumber: start.idCardNumber ?? '', checkAliveType: 2 });
    return res.verifyResult;
  } catch (err) {
    const e = (err ?? {}) as { errCode?: number; errMsg?: string; verifyResult?: string };
    // a failed comparison still carries a verifyResult: the BFF records it and answers FACE_VERIFICATION_FAILED
    if (e.verifyResult) return e.verifyResult;
    if (e.errCode === 90100 || /cancel/i.test(e.errMsg ?? '')) throw new PlatformFailure('您已取消刷脸', true);
    throw new PlatformFailure(`微信刷脸未完成${e.errCode ? `（错误码 ${e.errCode}）` : ''}`);
  }
}

/** Alipay: my.startAPVerify with the certify URL; 9000 done, 6001 cancelled (the BFF asks Alipay for the verdict). */
function alipayVerify(url: string, certifyId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    my.startAPVerify({
      url,
      certifyId,
      success: (res) => {
        if (res.resultStatus === '6001') reject(new PlatformFailure('您已取消刷脸', true));
        else resolve();
      },
      fail: (err) => reject(new PlatformFailure(`支付宝刷脸未完成${err?.error ? `（错误码 ${err.error}）` : ''}`)),
    });
  });
}

/**
 * H5: the verification page put `?certifyId=…` before the hash; drop it from the address so a
 * reload or a later visit to this page does not replay it (the hash route and history state stay).
 */
function forgetReturnedCertifyId(): void {
  if (process.env.TARO_ENV !== 'h5' || !/[?&]certifyId=/.test(window.location.search)) return;
  try {
    const rest = window.location.search.replace(/^\?/, '').split('&').filter((p) => p && !p.startsWith('certifyId='));
    const search = rest.length ? `?${rest.join('&')}` : '';
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
  } catch {
    // an old browser without replaceState: harmless, the pending record prevents a replay
  }
}

/**
 * L3 (实人): explains, starts the platform's face verification, completes it with the BFF and
 * shows the result. H5 leaves for the verification page and comes back here with `certifyId`.
 */
export default function FacePage() {
  const params = useRouter().params;
  const current = useSession();
  const [pending] = useState(() => (process.env.TARO_ENV === 'h5' ? readFacePending(taroStore) : undefined));
  const [returned] = useState(() => (process.env.TARO_ENV === 'h5' ? returnedCertifyId(params, window.location) : undefined));
  const redirect = routeParam(params.redirect) || pending?.redirect || undefined;
  // an action that needs a face check within the last minutes (查看完整证照信息), even at L3
  const fresh = params.fresh === '1';
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const resumed = useRef(false);

  const complete = async (certifyId: string, verifyResult?: string) => {
    setPhase({ kind: 'busy', text: '正在确认认证结果…' });
    try {
      const me = await identity.faceComplete({ certifyId, ...(verifyResult ? { verifyResult } : {}) });
      if (process.env.TARO_ENV === 'h5') writeFacePending(taroStore, { certifyId, redirect, startedAt: pending?.startedAt ?? Date.now(), completed: true });
      setPhase({ kind: 'passed', me });
    } catch (err) {
      if (process.env.TARO_ENV === 'h5') taroStore.remove(STORAGE_KEYS.facePending);
      if (isApiError(err) && err.code === 'FACE_VERIFICATION_FAILED') setPhase({ kind: 'failed', reason: '刷脸认证未通过：未能确认是本人操作。请在光线充足处正对屏幕，按提示完成动作后重试。' });
      else if (isApiError(err) && err.code === 'FACE_CERTIFY_NOT_FOUND') setPhase({ kind: 'failed', reason: '本次认证已失效，请重新开始刷脸认证。' });
      else setPhase({ kind: 'error', error: err });
    }
  };

  // H5: back from the verification page
  useEffect(() => {
    if (resumed.current || !returned || !current) return;
    resumed.current = true;
    forgetReturnedCertifyId();
    if (pending?.completed && pending.certifyId === returned && levelAtLeast(current.me.level, 'L3')) setPhase({ kind: 'passed', me: current.me });
    else void complete(returned);
    // runs once, when the page opens with a certifyId and a session
  }, [returned, !!current]);

  const start = async () => {
    if (phase.kind === 'busy') return;
    setPhase({ kind: 'busy', text: '正在发起刷脸认证…' });
    try {
      // process.env.TARO_ENV is replaced at build time: each platform keeps only its own branch
      if (process.env.TARO_ENV === 'weapp') {
        const s = await identity.faceStart({ method: 'wechat' });
        const verifyResult = await wechatVerify(s);
        await complete(s.certifyId, verifyResult);
      } else if (process.env.TARO_ENV === 'alipay') {
        const s = await identity.faceStart({ method: 'alipay' });
        if (!s.url) throw new PlatformFailure('未获取到认证地址，请稍后重试');
        await alipayVerify(s.url, s.certifyId);
        await complete(s.certifyId);
      } else {
        const s = await identity.faceStart({ method: 'h5', returnUrl: h5FaceReturnUrl(window.location) });
        if (!s.url) throw new PlatformFailure('未获取到认证页面地址，请稍后重试');
        writeFacePending(taroStore, { certifyId: s.certifyId, redirect, startedAt: Date.now() });
        setPhase({ kind: 'busy', text: '正在打开认证页面…' });
        window.location.assign(s.url);
      }
    } catch (err) {
      if (err instanceof PlatformFailure) setPhase(err.cancelled ? { kind: 'cancelled' } : { kind: 'failed', reason: err.message });
      else setPhase({ kind: 'error', error: err });
    }
  };

  const done = () => returnTo(redirect);

  let body;
  if (phase.kind === 'passed') body = <Passed me={phase.me} onDone={done} />;
  else if (!current) {
    body = (
      <StepCard title='请先登录' description='刷脸认证需要先登录并完成实名认证。'>
        <View className='ov-actions'>
          <Button id='face-login' type='primary' size='large' onClick={() => goToStep('login', currentPageUrl())}>
            去登录
          </Button>
        </View>
      </StepCard>
    );
  } else if (!levelAtLeast(current.me.level, 'L2') || (phase.kind === 'error' && isApiError(phase.error) && phase.error.code === 'REAL_NAME_REQUIRED')) {
    body = (
      <StepCard title='请先完成实名认证' description='刷脸认证会将您本人与实名信息比对，请先填写姓名和身份证号完成实名认证。'>
        <View className='ov-actions'>
          <Button id='face-real-name' type='primary' size='large' onClick={() => goToStep('real_name', currentPageUrl())}>
            去实名认证
          </Button>
        </View>
      </StepCard>
    );
  } else {
    const already = levelAtLeast(current.me.level, 'L3');
    body = (
      <StepCard
        title={fresh ? '请再次刷脸确认本人' : already ? '您已完成刷脸认证' : '刷脸认证（实人认证）'}
        description={
          fresh
            ? '为保护您的个人信息，查看完整证照信息前需要刚刚完成过刷脸认证。认证通过后点击“完成”返回，将继续显示完整信息。'
            : already
            ? `实人认证有效期至 ${shanghaiDate(current.me.faceValidUntil) || '—'}，到期后需重新刷脸。`
            : '通过人脸识别确认是本人在操作。完成后可办理需“实人认证”的事项，如证件补领、出入境签注等。'
        }
      >
        <View className='ov-bullets'>
          <Bullet>请本人操作，在光线充足处正对屏幕</Bullet>
          <Bullet>按提示完成眨眼、张嘴等动作</Bullet>
          <Bullet>人脸信息仅用于本次核验，由{VERIFIER}按国家规定比对，平台不保存人脸图像</Bullet>
        </View>
        <InfoRow label='认证人' value={current.me.name ?? '—'} />
        <InfoRow label='身份证号' value={current.me.idNumber ?? '—'} />
        {phase.kind === 'failed' ? <InlineError id='face-error'>{phase.reason}</InlineError> : null}
        {phase.kind === 'cancelled' ? <InlineNotice id='face-cancelled'>您已取消刷脸，可随时重新开始。</InlineNotice> : null}
        {phase.kind === 'error' ? <InlineApiError error={phase.error} id='face-error' /> : null}
        {phase.kind === 'busy' ? <InlineNotice id='face-busy'>{phase.text}</InlineNotice> : null}
        <View className='ov-actions'>
          <Button id='face-start' type='primary' size='large' loading={phase.kind === 'busy'} onClick={start}>
            {phase.kind === 'failed' || phase.kind === 'error' || phase.kind === 'cancelled' ? '重新刷脸' : already && !fresh ? '重新认证' : '开始刷脸'}
          </Button>
          {already ? (
            <Button id='face-done' type='primary' fill='outline' size='large' onClick={done}>
              返回
            </Button>
          ) : null}
        </View>
      </StepCard>
    );
  }

  return <Page className='ov-identity ov-face'>{body}</Page>;
}

function Bullet({ children }: { children: ReactNode }) {
  return (
    <View className='ov-bullet'>
      <Text className='ov-bullet-mark'>•</Text>
      <Text>{children}</Text>
    </View>
  );
}

function Passed({ me, onDone }: { me: Me; onDone: () => void }) {
  return (
    <StepCard title='刷脸认证成功' className='ov-face-result'>
      <View className='ov-result'>
        <Text className='ov-result-icon ov-result-icon--success'>✓</Text>
        <LevelBadge level={me.level} />
      </View>
      <InfoRow label='认证人' value={me.name ?? '—'} />
      <InfoRow label='实人认证有效期至' value={shanghaiDate(me.faceValidUntil) || '—'} id='face-valid-until' />
      <View className='ov-actions'>
        <Button id='face-done' type='primary' size='large' onClick={onDone}>
          完成
        </Button>
      </View>
    </StepCard>
  );
}
