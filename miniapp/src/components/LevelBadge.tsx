import { Text, View } from '@tarojs/components';
import type { IdentityLevel } from '@onevisit/shared-types/client';
import { levelBadgeText } from '../utils/identity';
import './LevelBadge.scss';

const ICONS: Record<IdentityLevel, string> = { L1: '①', L2: '②', L3: '③' };

/** The citizen's identity level: icon + `L2 实名`; the colour only repeats what the text says. */
export function LevelBadge({ level, className }: { level: IdentityLevel; className?: string }) {
  return (
    <View className={`ov-level ov-level--${level}${className ? ` ${className}` : ''}`}>
      <Text className='ov-level-icon'>{ICONS[level]}</Text>
      <Text className='ov-level-text'>{levelBadgeText(level)}</Text>
    </View>
  );
}
