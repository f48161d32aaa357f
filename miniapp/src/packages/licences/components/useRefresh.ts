import { useEffect, useRef } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';

/**
 * Pull down to refresh (the spinner stops when `loading` ends), and a reload whenever the page
 * shows again after its first show (back from a step or another page).
 */
export function useRefresh(reload: () => void, loading: boolean, enabled: boolean, onShowAgain?: () => void) {
  const shown = useRef(false);
  const refreshing = useRef(false);
  usePullDownRefresh(() => {
    if (!enabled) {
      void Taro.stopPullDownRefresh();
      return;
    }
    refreshing.current = true;
    reload();
  });
  useEffect(() => {
    if (!loading && refreshing.current) {
      refreshing.current = false;
      void Taro.stopPullDownRefresh();
    }
  }, [loading]);
  useDidShow(() => {
    if (shown.current && enabled) (onShowAgain ?? reload)();
    shown.current = true;
  });
}
