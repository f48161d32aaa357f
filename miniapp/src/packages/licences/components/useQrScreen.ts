import { useEffect, useRef } from 'react';
import Taro from '@tarojs/taro';

const MINI = process.env.TARO_ENV === 'weapp' || process.env.TARO_ENV === 'alipay';

/** Swallows a platform API that is missing or refuses (old base library, desktop WeChat, simulator). */
function quietly(run: () => Promise<unknown> | unknown): void {
  try {
    const p = run();
    if (p && typeof (p as Promise<unknown>).catch === 'function') (p as Promise<unknown>).catch(() => undefined);
  } catch {
    // not supported here
  }
}

/**
 * WeChat: content hidden from screenshots and screen recordings (Android; must be set in onShow
 * and is reset by every onShow, so the page calls this from its show handler too).
 */
export function hideFromCapture(on: boolean): void {
  if (process.env.TARO_ENV !== 'weapp') return;
  if (typeof Taro.setVisualEffectOnCapture !== 'function') return;
  quietly(() => Taro.setVisualEffectOnCapture({ visualEffect: on ? 'hidden' : 'none' }));
}

/**
 * While a QR code is on screen (`active`): brightness up (restored after), screen kept on, and a
 * warning when the citizen takes a screenshot (WeChat, Alipay); WeChat also hides the page from
 * screenshots on Android. Nothing on H5, where none of this exists.
 */
export function useQrScreen(active: boolean, onCapture: () => void): void {
  const saved = useRef<number | undefined>(undefined);
  const captureRef = useRef(onCapture);
  captureRef.current = onCapture;

  useEffect(() => {
    if (!MINI || !active) return undefined;
    let live = true;
    const handler = () => captureRef.current();

    // remember the brightness once, then raise it; restore it when the QR code goes
    (async () => {
      try {
        if (saved.current === undefined && typeof Taro.getScreenBrightness === 'function') {
          const res = await Taro.getScreenBrightness();
          if (typeof res?.value === 'number' && res.value >= 0 && res.value <= 1) saved.current = res.value;
        }
      } catch {
        // unknown brightness: it is still raised, and left to the system afterwards
      }
      if (!live) return;
      quietly(() => Taro.setScreenBrightness({ value: 1 }));
    })();
    quietly(() => Taro.setKeepScreenOn({ keepScreenOn: true }));
    hideFromCapture(true);
    if (typeof Taro.onUserCaptureScreen === 'function') quietly(() => Taro.onUserCaptureScreen(handler));

    return () => {
      live = false;
      if (saved.current !== undefined) {
        const value = saved.current;
        saved.current = undefined;
        quietly(() => Taro.setScreenBrightness({ value }));
      }
      quietly(() => Taro.setKeepScreenOn({ keepScreenOn: false }));
      hideFromCapture(false);
      if (typeof Taro.offUserCaptureScreen === 'function') quietly(() => Taro.offUserCaptureScreen(handler));
    };
  }, [active]);
}
