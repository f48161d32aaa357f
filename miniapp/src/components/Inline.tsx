import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { describeError } from '../api';
import './Inline.scss';

/** An error next to what it is about (a form field, a button): icon + text, never colour alone. */
export function InlineError({ children, id, className }: { children?: ReactNode; id?: string; className?: string }) {
  if (children === undefined || children === null || children === false || children === '') return null;
  return (
    <View id={id} className={`ov-error ov-error--inline${className ? ` ${className}` : ''}`} role='alert'>
      <Text className='ov-inline-icon ov-inline-icon--error'>!</Text>
      <Text className='ov-inline-text'>{children}</Text>
    </View>
  );
}

/** An API error as an inline line: the Chinese title, with the request id for support. */
export function InlineApiError({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const { title, detail } = describeError(error);
  return (
    <View id={id} className='ov-error ov-error--inline' role='alert'>
      <Text className='ov-inline-icon ov-inline-icon--error'>!</Text>
      <View className='ov-inline-body'>
        <Text className='ov-inline-text'>{title}</Text>
        {detail ? <Text className='ov-inline-detail'>{detail}</Text> : null}
      </View>
    </View>
  );
}

/** A neutral or success message shown in place (elder mode's replacement for toasts). */
export function InlineNotice({ children, tone = 'info', id }: { children?: ReactNode; tone?: 'info' | 'success'; id?: string }) {
  if (children === undefined || children === null || children === false || children === '') return null;
  return (
    <View id={id} className={`ov-notice ov-notice--${tone}`} role='status'>
      <Text className={`ov-inline-icon ov-inline-icon--${tone}`}>{tone === 'success' ? '✓' : 'i'}</Text>
      <Text className='ov-inline-text'>{children}</Text>
    </View>
  );
}
