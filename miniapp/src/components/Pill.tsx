import type { ReactNode } from 'react';
import { Tag } from './nutui';
import './Pill.scss';

/** Soft background, strong text: the label style of government-service apps. */
const TONES = {
  blue: ['#e6f0ff', '#1677ff'],
  green: ['#e8f7ee', '#15803d'],
  orange: ['#fff4e5', '#c2410c'],
  red: ['#fff1f0', '#d4380d'],
  gray: ['#f2f4f7', '#5c6370'],
  solid: ['#1677ff', '#ffffff'],
  glass: ['rgba(255,255,255,0.2)', '#ffffff'],
} as const;
export type PillTone = keyof typeof TONES;

interface Props {
  tone?: PillTone;
  size?: 'small' | 'large';
  className?: string;
  onClick?: () => void;
  children?: ReactNode;
}

/** A NutUI Tag in one of our tones (NutUI's own `plain`/`type` colours do not fit the platform blue). */
export function Pill({ tone = 'blue', size = 'small', className, onClick, children }: Props) {
  const [background, color] = TONES[tone];
  return (
    <Tag className={`ov-pill ov-pill--${size}${className ? ` ${className}` : ''}`} background={background} color={color} onClick={onClick ? () => onClick() : undefined}>
      {children}
    </Tag>
  );
}
