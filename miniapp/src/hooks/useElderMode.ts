import { useEffect, useState } from 'react';
import { ElderMode } from '../utils/elder';
import { STORAGE_KEYS } from '../utils/storage';
import { taroStore } from '../utils/taroStore';

/** The app's one elder-mode switch (persisted in Taro storage). */
export const elderMode = new ElderMode(taroStore, STORAGE_KEYS.elder);

/** `[on, set]`; every mounted page re-renders when it changes (pages below the top included). */
export function useElderMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(elderMode.on);
  useEffect(() => {
    setOn(elderMode.on);
    return elderMode.subscribe(setOn);
  }, []);
  return [on, (next: boolean) => elderMode.set(next)];
}
