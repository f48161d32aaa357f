import { useCallback, useState } from 'react';
import Taro from '@tarojs/taro';
import { useElderMode } from './useElderMode';

/**
 * A short message for the citizen: a toast normally, an inline line in elder mode (no pop-ups
 * there). Render `notice` with `<InlineNotice>`; it stays until replaced or cleared.
 */
export function useNotice() {
  const [elder] = useElderMode();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const show = useCallback(
    (text: string) => {
      if (elder) setNotice(text);
      else void Taro.showToast({ title: text, icon: 'none', duration: 2500 });
    },
    [elder],
  );
  const clear = useCallback(() => setNotice(undefined), []);
  return { notice: elder ? notice : undefined, show, clear };
}
