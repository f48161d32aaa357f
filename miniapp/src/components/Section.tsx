import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import './Section.scss';

/** A titled white card; `extra` sits at the right of the title (e.g. "更多"). */
export function Section({ title, extra, className, children }: { title: string; extra?: ReactNode; className?: string; children?: ReactNode }) {
  return (
    <View className={`ov-section${className ? ` ${className}` : ''}`}>
      <View className='ov-section-head'>
        <Text className='ov-section-title'>{title}</Text>
        {extra ? <View className='ov-section-extra'>{extra}</View> : null}
      </View>
      <View className='ov-section-body'>{children}</View>
    </View>
  );
}
