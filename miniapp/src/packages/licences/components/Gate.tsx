import type { ReactNode } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { IDENTITY_LEVEL_NAMES } from '@onevisit/shared-types/client';
import { isApiError } from '../../../api';
import { Button } from '../../../components/nutui';
import { LevelBadge } from '../../../components/LevelBadge';
import { Page } from '../../../components/Page';
import { EmptyView, ErrorView } from '../../../components/StateView';
import { useSession } from '../../../hooks/useSession';
import { levelGate, licenceErrorView, type LevelGate } from '../../../licences/errors';
import { routeParam } from '../../../utils/format';
import { STEP_ACTIONS } from '../../../utils/identity';
import { goToStep } from '../../../utils/navigation';

/** Not logged in: what the page is for, and 去登录 (back to `back` afterwards). */
export function LoginGate({ title, description, back }: { title: string; description?: string; back: string }) {
  return (
    <View className='ov-licences-gate licences-login-gate'>
      <EmptyView title={title} description={description ?? '电子证照由发证机关签发，登录并完成实人认证后可亮证、授权和查看使用记录'} />
      <View className='ov-licences-actions'>
        <Button id='licences-login' className='licences-login' type='primary' size='large' block onClick={() => goToStep('login', back)}>
          去登录
        </Button>
      </View>
    </View>
  );
}

/**
 * The BFF answered 403 IDENTITY_LEVEL_REQUIRED (or 401): the level needed, the citizen's, and the
 * step that leads there — the face check at L2 — coming back to `back` afterwards.
 */
export function LevelGateView({ gate, back }: { gate: LevelGate; back: string }) {
  const next = gate.nextStep;
  return (
    <View id='licences-level-gate' className='ov-licences-gate ov-licence-level-gate licences-level-gate' data-next={next ?? ''}>
      <View className='ov-licence-gate-icon'>
        <Text>!</Text>
      </View>
      <Text className='ov-licence-gate-title'>{next === 'login' ? '请先登录' : '电子证照需要实人认证'}</Text>
      <Text className='ov-licence-gate-text'>
        {next === 'login'
          ? '登录已过期，请重新登录后查看电子证照。'
          : `查看和使用电子证照${IDENTITY_LEVEL_NAMES[gate.required]}（${gate.required}）。${next === 'real_name' ? '请先完成实名认证，再完成刷脸认证。' : '完成刷脸认证后即可查看。'}`}
      </Text>
      {next !== 'login' ? (
        <View className='ov-licence-gate-level'>
          <Text className='ov-licence-gate-label'>您当前：</Text>
          <LevelBadge level={gate.current} />
        </View>
      ) : null}
      {next ? (
        <View className='ov-licences-actions'>
          <Button id='licences-next-step' className='licences-next-step' type='primary' size='large' block onClick={() => goToStep(next, back)}>
            {STEP_ACTIONS[next]}
          </Button>
        </View>
      ) : null}
    </View>
  );
}

/** A licence read that failed: the level gate, "not found", or the error with 重试. */
export function LicenceLoadError({ error, onRetry, back, notFound = '未找到该证照' }: { error: unknown; onRetry: () => void; back: string; notFound?: string }) {
  const gate = levelGate(error);
  if (gate) return <LevelGateView gate={gate} back={back} />;
  if (isApiError(error) && error.code === 'LICENCE_NOT_FOUND') return <EmptyView title={notFound} description={licenceErrorView(error).message} />;
  return (
    <View className='licences-error'>
      <ErrorView error={error} onRetry={onRetry} />
    </View>
  );
}

/**
 * A page about one licence (its id in the route): "missing id" without one, the login gate when
 * logged out (back to `back(licenceId)` afterwards), otherwise `children(licenceId, userId)`.
 */
export function LicencePage({ loginTitle, back, missingHint, children }: { loginTitle: string; back: (licenceId: string) => string; missingHint?: string; children: (licenceId: string, userId: string) => ReactNode }) {
  const licenceId = routeParam(useRouter().params.licenceId);
  const current = useSession();
  if (!licenceId) return <Page className='ov-licences'><EmptyView title='缺少证照标识' description={missingHint} /></Page>;
  if (!current) {
    return (
      <Page className='ov-licences'>
        <LoginGate title={loginTitle} back={back(licenceId)} />
      </Page>
    );
  }
  return <>{children(licenceId, current.me.userId)}</>;
}
