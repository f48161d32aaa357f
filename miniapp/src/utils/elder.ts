import type { KeyValueStore } from './storage';

export type ElderListener = (on: boolean) => void;

/**
 * 适老化 (elder mode): one switch, persisted, that every page follows. Pages read it through
 * `useElderMode()` and the `Page` wrapper adds the `ov-elder` class; the styles live in
 * `styles/elder.scss`, under that class.
 */
export class ElderMode {
  private value: boolean;
  private readonly listeners = new Set<ElderListener>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    const stored = store.get(key);
    // stored as a boolean; tolerate the strings some storage shims hand back
    this.value = stored === true || stored === 'true' || stored === 1 || stored === '1';
  }

  get on(): boolean {
    return this.value;
  }

  set(on: boolean): void {
    if (on === this.value) return;
    this.value = on;
    this.store.set(this.key, on);
    for (const listener of [...this.listeners]) listener(on);
  }

  toggle(): boolean {
    this.set(!this.value);
    return this.value;
  }

  subscribe(listener: ElderListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
