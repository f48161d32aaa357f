import Taro from '@tarojs/taro';
import type { KeyValueStore } from './storage';

/**
 * Taro storage (wx/my storage, localStorage on H5). A full or unavailable storage (private mode,
 * quota) must not break the page: writes that fail are dropped, reads that fail read as missing.
 */
export const taroStore: KeyValueStore = {
  get(key) {
    try {
      const value: unknown = Taro.getStorageSync(key);
      // Taro answers '' for a key it does not hold
      return value === '' ? undefined : value;
    } catch {
      return undefined;
    }
  },
  set(key, value) {
    try {
      Taro.setStorageSync(key, value);
    } catch {
      // storage full or unavailable: the value lives for this run only
    }
  },
  remove(key) {
    try {
      Taro.removeStorageSync(key);
    } catch {
      // nothing to do
    }
  },
};
