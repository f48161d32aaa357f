/**
 * Small persistent key–value store: Taro storage in the app (`utils/taroStore.ts`), memory in
 * tests. Values are JSON-compatible; a missing or unreadable key reads as `undefined`.
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

/** Storage keys of the app, in one place. */
export const STORAGE_KEYS = {
  session: 'ov.session',
  elder: 'ov.elder',
  /** H5 face verification in progress: the certifyId and where to return, across the page load to the verification page. */
  facePending: 'ov.face.pending',
} as const;

export function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>(Object.entries(initial));
  return {
    data,
    get: (key) => data.get(key),
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
  };
}
