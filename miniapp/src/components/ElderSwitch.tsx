import { Text, View } from '@tarojs/components';
import { useElderMode } from '../hooks/useElderMode';
import './ElderSwitch.scss';

/** The elder-mode switch: a large toggle whose state is also written out (已开启 / 已关闭). */
export function ElderSwitch() {
  const [on, set] = useElderMode();
  return (
    <View
      id='elder-switch'
      className={`ov-switch${on ? ' ov-switch--on' : ''}`}
      role='switch'
      aria-checked={on}
      aria-label='长辈模式'
      onClick={() => set(!on)}
    >
      <View className='ov-switch-label'>
        <Text className='ov-switch-title'>长辈模式</Text>
        <Text className='ov-switch-desc'>大字体、大按钮、不弹窗</Text>
      </View>
      <View className='ov-switch-control'>
        <Text className='ov-switch-state'>{on ? '已开启' : '已关闭'}</Text>
        <View className='ov-switch-track'>
          <View className='ov-switch-thumb' />
        </View>
      </View>
    </View>
  );
}
