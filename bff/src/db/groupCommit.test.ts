import { GroupCommit } from './groupCommit';

/** A writer whose writes finish when the test says so, recording each batch. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let fail: ((batch: number[]) => boolean) | null = null;
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      gates.push(() => (fail?.(items) ? reject(new Error(`batch ${items.join(',')} failed`)) : resolve()));
    });
  const openNext = async () => {
    while (!gates.length) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { batches, write, openNext, failWhen: (f: (batch: number[]) => boolean) => (fail = f) };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, and gathers the items arriving during a write into the next batch', async () => {
    const w = gatedWriter();
    const group = new GroupCommit(w.write);
    const first = group.add(1);
    expect(w.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => group.add(n));
    expect(w.batches).toEqual([[1]]); // waiting for the first write
    await w.openNext();
    await first;
    await w.openNext();
    await Promise.all(later);
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches to the maximum size, in arrival order', async () => {
    const w = gatedWriter();
    const group = new GroupCommit(w.write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => group.add(n));
    for (let i = 0; i < 3; i++) await w.openNext();
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the callers whose batch failed, and goes on with the next', async () => {
    const w = gatedWriter();
    w.failWhen((batch) => batch.includes(2));
    const group = new GroupCommit(w.write);
    const one = group.add(1);
    const two = group.add(2);
    const three = group.add(3);
    await w.openNext();
    await expect(one).resolves.toBeUndefined();
    await w.openNext();
    await expect(two).rejects.toThrow('batch 2,3 failed');
    await expect(three).rejects.toThrow('batch 2,3 failed');
    const four = group.add(4);
    await w.openNext();
    await expect(four).resolves.toBeUndefined();
    expect(w.batches).toEqual([[1], [2, 3], [4]]);
  });
});
