import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { InlineError } from '../../../components/Inline';
import './Form.scss';

/** A labelled form field; an error shows under it with an icon, and the box gets a thick border. */
export function Field({ label, error, errorId, hint, children }: { label: string; error?: string; errorId?: string; hint?: string; children: ReactNode }) {
  return (
    <View className={`ov-field${error ? ' ov-field--invalid' : ''}`}>
      <Text className='ov-field-label'>{label}</Text>
      <View className='ov-field-box'>{children}</View>
      {hint && !error ? <Text className='ov-field-hint'>{hint}</Text> : null}
      <InlineError id={errorId}>{error}</InlineError>
    </View>
  );
}

/** The white card of an identity page, with a title and an explanation. */
export function StepCard({ title, description, children, className }: { title: string; description?: string; children?: ReactNode; className?: string }) {
  return (
    <View className={`ov-step-card${className ? ` ${className}` : ''}`}>
      <Text className='ov-step-card-title'>{title}</Text>
      {description ? <Text className='ov-step-card-desc'>{description}</Text> : null}
      {children}
    </View>
  );
}

/** A label–value line (masked personal data after a step). */
export function InfoRow({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <View className='ov-info-row'>
      <Text className='ov-info-label'>{label}</Text>
      <Text id={id} className='ov-info-value'>
        {value}
      </Text>
    </View>
  );
}
