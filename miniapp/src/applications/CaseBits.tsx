import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { UPSTREAM_DELIVERY_NAMES, type CaseDeadline, type CaseState, type UpstreamDelivery } from '@onevisit/shared-types/client';
import { Pill } from '../components/Pill';
import { stateName, stateTone } from './caseView';
import { compactCountdown, countdownView, limitText } from './countdown';
import './applications.scss';

/** The state of a case as a pill (`case-state case-state--<state>`). */
export function StatePill({ state, size = 'small', className }: { state: CaseState; size?: 'small' | 'large'; className?: string }) {
  return (
    <Pill tone={stateTone(state)} size={size} className={`case-state case-state--${state}${className ? ` ${className}` : ''}`}>
      {stateName(state)}
    </Pill>
  );
}

/** `Date.now()`, refreshed every `ms` while `enabled` (a live countdown). */
export function useNow(ms: number, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, enabled]);
  return now;
}

/**
 * The deadline of a case with its light (`case-clock--green|yellow|red|paused`, also written out
 * in words) and a countdown ticking every second, or a compact one-line version for lists.
 */
export function Deadline({ deadline, compact = false }: { deadline: CaseDeadline; compact?: boolean }) {
  const paused = deadline.clock === 'paused';
  const now = useNow(compact ? 30_000 : 1000, !paused);
  const view = countdownView(deadline, now);
  if (compact) {
    return (
      <View className={`case-clock case-clock--${view.tone} case-deadline-compact`}>
        <Text className='case-clock-dot' />
        <Text className='case-clock-label'>{view.label}</Text>
        {view.ticking ? <Text className='case-clock-text'>{compactCountdown(deadline, now)}</Text> : null}
      </View>
    );
  }
  const limit = limitText(deadline);
  return (
    <View id='case-deadline' className={`case-deadline case-clock case-clock--${view.tone}`}>
      <View className='case-deadline-head'>
        <Text className='case-clock-dot' />
        <Text className='case-clock-label case-deadline-label'>{view.label}</Text>
        {limit ? <Text className='case-deadline-limit'>{limit}</Text> : null}
      </View>
      {view.text ? <Text className='case-countdown'>{view.text}</Text> : null}
      {view.due && !paused ? <Text className='case-deadline-due'>{view.due}</Text> : null}
      {deadline.fallbackYears.length ? (
        <Text className='case-deadline-note'>{deadline.fallbackYears.join('、')} 年的节假日安排尚未发布，暂按周一至周五计算工作日</Text>
      ) : null}
    </View>
  );
}

/** Where the case is handled, and whether the department's system has it yet. */
export function UpstreamLine({ upstream, id }: { upstream: UpstreamDelivery; id?: string }) {
  return (
    <View id={id} className={`case-upstream case-upstream--${upstream}`}>
      <Text className='case-upstream-mark'>{upstream === 'waiting' ? '…' : '✓'}</Text>
      <Text className='case-upstream-text'>{UPSTREAM_DELIVERY_NAMES[upstream]}</Text>
    </View>
  );
}
