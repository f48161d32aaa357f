import { Text, View } from '@tarojs/components';
import { IDENTITY_LEVEL_NAMES, type IdentityLevel } from '@onevisit/shared-types/client';
import { identity } from '../api';
import { useRequest } from '../hooks/useRequest';
import { useSession } from '../hooks/useSession';
import { STEP_ACTIONS } from '../utils/identity';
import { goToStep } from '../utils/navigation';
import { routes } from '../utils/routes';
import { InlineApiError } from './Inline';
import { LevelBadge } from './LevelBadge';
import { Button } from './nutui';
import './EligibilityPanel.scss';

/**
 * On an item guide (and before an application form): whether the citizen's identity level is
 * enough for the item, and the button to the next step (login, real-name, face) that comes back
 * afterwards — to the item guide, or to `back`. Rechecks whenever the session or the level
 * changes (e.g. back from a step).
 */
export function EligibilityPanel({ itemCode, required, back = routes.item(itemCode) }: { itemCode: string; required: IdentityLevel; back?: string }) {
  const current = useSession();
  const level = current?.me.level;
  const check = useRequest(() => identity.eligibility(itemCode), [itemCode, level], !!current);

  if (!current) {
    return (
      <View className='ov-eligibility ov-eligibility--guest'>
        <Text className='ov-eligibility-text'>本事项{IDENTITY_LEVEL_NAMES[required]}。登录后可查看您是否满足办理要求。</Text>
        <Button id='eligibility-action' className='ov-eligibility-action' type='primary' size='small' onClick={() => goToStep('login', back)}>
          {STEP_ACTIONS.login}
        </Button>
      </View>
    );
  }
  if (check.error) {
    return (
      <View className='ov-eligibility'>
        <InlineApiError error={check.error} />
        <Button className='ov-eligibility-action' type='primary' fill='outline' size='small' onClick={check.reload}>
          重新核对
        </Button>
      </View>
    );
  }
  const e = check.data;
  if (!e || check.loading) {
    return (
      <View className='ov-eligibility'>
        <Text className='ov-eligibility-text'>正在核对您的认证等级…</Text>
      </View>
    );
  }
  return (
    <View className={`ov-eligibility ${e.eligible ? 'ov-eligibility--ok' : 'ov-eligibility--short'}`}>
      <View className='ov-eligibility-head'>
        <Text className='ov-eligibility-mark'>{e.eligible ? '✓' : '!'}</Text>
        <Text className='ov-eligibility-text'>
          {e.eligible ? '您的认证等级满足本事项的办理要求' : `本事项${IDENTITY_LEVEL_NAMES[e.required]}（${e.required}），您的认证等级暂不满足`}
        </Text>
      </View>
      <View className='ov-eligibility-level'>
        <Text className='ov-eligibility-label'>您当前：</Text>
        <LevelBadge level={e.current} />
      </View>
      {!e.eligible && e.nextStep ? (
        <Button id='eligibility-action' className='ov-eligibility-action' type='primary' size='small' onClick={() => goToStep(e.nextStep!, back)}>
          {STEP_ACTIONS[e.nextStep]}
        </Button>
      ) : null}
    </View>
  );
}
