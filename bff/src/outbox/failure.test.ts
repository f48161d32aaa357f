import { describeFailure, LAST_ERROR_MAX_CHARS, PermanentFailure, isPermanentFailure } from './failure';
import { OutboxDispatcher, retryDelayMs } from './dispatcher';
import type { OutboxRepo } from './repo';

describe('describeFailure', () => {
  it('names the error and its code, and keeps a harmless message', () => {
    expect(describeFailure(Object.assign(new Error('connect ECONNREFUSED 10.0.0.8:443'), { code: 'ECONNREFUSED' }))).toBe(
      'Error [ECONNREFUSED]: connect ECONNREFUSED 10.0.0.8:443',
    );
    expect(describeFailure(new PermanentFailure('refused'))).toBe('PermanentFailure: refused');
    expect(describeFailure('plain string')).toBe('NonError: plain string');
    expect(describeFailure({ weird: true })).toBe('NonError: a non-error value was thrown');
  });

  it('removes every payload value, longest first, at any depth, and masks stray ID and mobile numbers', () => {
    const payload = { applicant: { name: '李四', contacts: [{ phone: '13912345678' }] }, amountFen: 123456, sex: 'M', deep: { a: { b: { c: 'hidden-value' } } } };
    const err = new Error('李四 13912345678 paid 123456 (M) hidden-value; other 13700001111 and 430102199001011237');
    expect(describeFailure(err, payload)).toBe('Error: [payload] [payload] paid [payload] (M) [payload]; other 137****1111 and 430***********1237');
  });

  it('ignores odd codes, flattens control characters and truncates by characters', () => {
    const err = Object.assign(new Error(`line1\nline2\t${'长'.repeat(500)}😀`), { code: 'has spaces in it' });
    const text = describeFailure(err);
    expect(text.startsWith('Error: line1 line2 长')).toBe(true);
    expect(Array.from(text)).toHaveLength(LAST_ERROR_MAX_CHARS);
    expect(text.endsWith('…')).toBe(true);
  });

  it('recognises permanent failures across module copies', () => {
    expect(isPermanentFailure(new PermanentFailure('x'))).toBe(true);
    expect(isPermanentFailure(Object.assign(new Error('x'), { permanent: true }))).toBe(true);
    expect(isPermanentFailure(new Error('x'))).toBe(false);
  });
});

describe('retryDelayMs', () => {
  const defaults = { baseMs: 2_000, capMs: 3_600_000 };
  it('is full jitter under an exponential ceiling: base 2 s doubling to a 1 h cap', () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, defaults, almostOne))).toEqual([1_999, 3_999, 7_999, 15_999, 31_999, 63_999, 127_999, 255_999]);
    expect(retryDelayMs(20, defaults, almostOne)).toBe(3_599_996);
    expect(retryDelayMs(3, defaults, () => 0)).toBe(0);
    expect(retryDelayMs(3, defaults, () => 0.5)).toBe(4_000);
    // A random source that misbehaves stays inside the window.
    expect(retryDelayMs(1, defaults, () => 1)).toBeLessThan(2_000);
    expect(retryDelayMs(1, defaults, () => -3)).toBe(0);
    expect(retryDelayMs(2_000, defaults, () => 0.5)).toBe(1_800_000);
  });
});

describe('OutboxDispatcher options', () => {
  const repo = {} as OutboxRepo;
  it('refuses leases over 60 s, handler timeouts not below the lease, and bad owners', () => {
    expect(() => new OutboxDispatcher(repo, { leaseMs: 60_001 })).toThrow(/leaseMs/);
    expect(() => new OutboxDispatcher(repo, { leaseMs: 10_000, handlerTimeoutMs: 10_000 })).toThrow(/handlerTimeoutMs/);
    expect(() => new OutboxDispatcher(repo, { owner: 'has space' })).toThrow(/owner/);
    expect(() => new OutboxDispatcher(repo, { maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(new OutboxDispatcher(repo).owner).toMatch(/^[\w.-]+:\d+:[0-9a-f]{6}$/);
  });
  it('refuses a second handler for a topic and malformed topics', () => {
    const d = new OutboxDispatcher(repo).register('notify.sms', async () => {});
    expect(() => d.register('notify.sms', async () => {})).toThrow(/already/);
    expect(() => d.register('Notify SMS', async () => {})).toThrow(/invalid outbox topic/);
    expect(d.topics).toEqual(['notify.sms']);
  });
  it('claims nothing without handlers', async () => {
    expect(await new OutboxDispatcher(repo).runOnce()).toEqual({ claimed: 0, delivered: 0, retried: 0, dead: 0, leaseLost: 0 });
  });
});
