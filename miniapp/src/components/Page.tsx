import type { ReactNode } from 'react';
import { View } from '@tarojs/components';
import { useElderMode } from '../hooks/useElderMode';

/**
 * The root of every page: `ov-page`, plus `ov-elder` when elder mode is on (styles/elder.scss
 * restyles everything under it). Pages render their whole content, loading and error states
 * included, inside it.
 */
export function Page({ className, children }: { className?: string; children?: ReactNode }) {
  const [elder] = useElderMode();
  return <View className={`ov-page${elder ? ' ov-elder' : ''}${className ? ` ${className}` : ''}`}>{children}</View>;
}
