import { ElderMode } from './elder';
import { memoryStore, STORAGE_KEYS } from './storage';

describe('ElderMode', () => {
  it('is off by default and persists the switch', () => {
    const store = memoryStore();
    const elder = new ElderMode(store, STORAGE_KEYS.elder);
    expect(elder.on).toBe(false);
    elder.set(true);
    expect(store.get(STORAGE_KEYS.elder)).toBe(true);
    expect(new ElderMode(store, STORAGE_KEYS.elder).on).toBe(true);
    expect(elder.toggle()).toBe(false);
    expect(new ElderMode(store, STORAGE_KEYS.elder).on).toBe(false);
  });

  it('reads the values storage shims hand back, and nothing else, as on', () => {
    for (const v of [true, 'true', 1, '1']) expect(new ElderMode(memoryStore({ k: v }), 'k').on).toBe(true);
    for (const v of [false, 'false', 0, '', null, undefined, {}, 'yes']) expect(new ElderMode(memoryStore({ k: v }), 'k').on).toBe(false);
  });

  it('tells every subscriber once per change, and stops after unsubscribe', () => {
    const elder = new ElderMode(memoryStore(), 'k');
    const a: boolean[] = [];
    const b: boolean[] = [];
    const offA = elder.subscribe((on) => a.push(on));
    elder.subscribe((on) => b.push(on));
    elder.set(true);
    elder.set(true); // no change, no call
    offA();
    elder.set(false);
    expect(a).toEqual([true]);
    expect(b).toEqual([true, false]);
  });
});
