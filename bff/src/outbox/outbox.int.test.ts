import { Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { Tables } from '../db';
import { fromDbTime, toDbTime } from '../db/sql';
import { AppError } from '../http/errors';
import { expectNoPersonalDataIn } from '../testing/app';
import { testIdNumber } from '../testing/citizens';
import { storageModes } from '../testing/storage';
import { OutboxDispatcher, type OutboxHandlerMeta } from './dispatcher';
import { enqueue, OutboxEnqueueError } from './enqueue';
import { PermanentFailure } from './failure';
import { OutboxRepo } from './repo';
import { OutboxService } from './service';
import { capturingLogger, openTestDatabase, sequence, sleep, testClock, type TestDatabase } from './testing';

describe.each(storageModes().map((m) => [m.name, m] as const))('outbox on %s', (_name, mode) => {
  let t: TestDatabase;
  let db: Kysely<Tables>;
  let repo: OutboxRepo;
  let topicSeq = 0;
  /** A fresh topic per test, so rows of other tests are never claimed. */
  const freshTopic = () => `test.t${++topicSeq}`;
  const row = (id: string) => db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const rowsOf = (topic: string) => db.selectFrom('outbox').selectAll().where('topic', '=', topic).execute();
  const add = async (topic: string, dedupeKey: string, payload: unknown, notBefore?: Date) => {
    const r = await enqueue(db, { topic, dedupeKey, payload, notBefore });
    if (!r.created) throw new Error('expected a new row');
    return r.id;
  };

  beforeAll(async () => {
    t = await openTestDatabase(mode);
    db = t.database.db;
    repo = new OutboxRepo(db, t.database.dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('enqueue', () => {
    it('writes nothing when the caller’s transaction rolls back, and the row when it commits', async () => {
      const topic = freshTopic();
      await expect(
        db.transaction().execute(async (trx) => {
          await enqueue(trx, { topic, dedupeKey: 'case-1:submit', payload: { caseNo: 'case-1' } });
          expect(await trx.selectFrom('outbox').select('id').where('topic', '=', topic).execute()).toHaveLength(1);
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');
      expect(await rowsOf(topic)).toHaveLength(0);

      await db.transaction().execute((trx) => enqueue(trx, { topic, dedupeKey: 'case-1:submit', payload: { caseNo: 'case-1' } }));
      const [r] = await rowsOf(topic);
      expect(r).toMatchObject({ status: 'pending', attempts: 0, lease_owner: null, lease_until: null, last_error: null, delivered_at: null });
      expect(JSON.parse(r.payload)).toEqual({ caseNo: 'case-1' });
    });

    it('is idempotent per (topic, dedupe key): the second enqueue is a no-op, inside one transaction or across', async () => {
      const topic = freshTopic();
      const first = await enqueue(db, { topic, dedupeKey: 'k1', payload: { v: 1 } });
      const second = await enqueue(db, { topic, dedupeKey: 'k1', payload: { v: 2 } });
      expect(first.created).toBe(true);
      expect(second).toEqual({ created: false });
      await db.transaction().execute(async (trx) => {
        expect((await enqueue(trx, { topic, dedupeKey: 'k2', payload: {} })).created).toBe(true);
        expect((await enqueue(trx, { topic, dedupeKey: 'k2', payload: {} })).created).toBe(false);
      });
      const rows = await rowsOf(topic);
      expect(rows.map((r) => r.dedupe_key).sort()).toEqual(['k1', 'k2']);
      expect(JSON.parse(rows.find((r) => r.dedupe_key === 'k1')!.payload)).toEqual({ v: 1 });
      // Keys are compared exactly on both dialects (MySQL's default collation would fold case).
      expect((await enqueue(db, { topic, dedupeKey: 'K1', payload: {} })).created).toBe(true);
      expect((await enqueue(db, { topic, dedupeKey: 'k1-é', payload: {} })).created).toBe(true);
      expect((await enqueue(db, { topic, dedupeKey: 'k1-e', payload: {} })).created).toBe(true);
      // The same key under another topic is another effect.
      expect((await enqueue(db, { topic: freshTopic(), dedupeKey: 'k1', payload: {} })).created).toBe(true);
    });

    it('refuses a bad topic, an oversized payload or a bad key without quoting the payload', async () => {
      await expect(enqueue(db, { topic: 'Not A Topic', dedupeKey: 'k', payload: {} })).rejects.toBeInstanceOf(OutboxEnqueueError);
      await expect(enqueue(db, { topic: freshTopic(), dedupeKey: '', payload: {} })).rejects.toBeInstanceOf(OutboxEnqueueError);
      await expect(enqueue(db, { topic: freshTopic(), dedupeKey: 'x'.repeat(201), payload: {} })).rejects.toBeInstanceOf(OutboxEnqueueError);
      await expect(enqueue(db, { topic: freshTopic(), dedupeKey: 'k1 ', payload: {} })).rejects.toBeInstanceOf(OutboxEnqueueError);
      const big = enqueue(db, { topic: freshTopic(), dedupeKey: 'big', payload: { phone: '13812345678', blob: 'x'.repeat(300_000) } });
      await expect(big).rejects.toThrow(/at most 262144/);
      await expect(big).rejects.not.toThrow(/13812345678/);
    });

    it('keeps a notBefore entry until it is due', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'later', {}, new Date(clock.now().getTime() + 60_000));
      const delivered: string[] = [];
      const d = new OutboxDispatcher(repo, { now: clock.now }).register(topic, async (_p, m) => void delivered.push(m.id));
      expect((await d.runOnce()).claimed).toBe(0);
      clock.advance(60_000);
      expect(await d.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(delivered).toEqual([id]);
    });
  });

  describe('delivery', () => {
    it('delivers a row once, with its payload and meta, and records it', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'once', { caseNo: 'HN-1', amountFen: 1500, nested: { list: [1, 'two'] } });
      const calls: { payload: unknown; meta: OutboxHandlerMeta }[] = [];
      const d = new OutboxDispatcher(repo, { now: clock.now }).register(topic, async (payload, meta) => void calls.push({ payload, meta }));
      expect(await d.runOnce()).toEqual({ claimed: 1, delivered: 1, retried: 0, dead: 0, leaseLost: 0 });
      expect(await d.runOnce()).toEqual({ claimed: 0, delivered: 0, retried: 0, dead: 0, leaseLost: 0 });
      expect(calls).toHaveLength(1);
      expect(calls[0].payload).toEqual({ caseNo: 'HN-1', amountFen: 1500, nested: { list: [1, 'two'] } });
      expect(calls[0].meta).toMatchObject({ id, topic, attempt: 1 });
      expect(calls[0].meta.signal.aborted).toBe(false);
      const r = await row(id);
      expect(r).toMatchObject({ status: 'delivered', attempts: 1, lease_owner: null, lease_until: null, last_error: null });
      expect(fromDbTime(r.delivered_at!)).toBe(clock.now().toISOString());
    });

    it('claims only topics it has a handler for', async () => {
      const mine = freshTopic();
      const other = freshTopic();
      const clock = testClock();
      await add(mine, 'a', {});
      const theirs = await add(other, 'b', {});
      const d = new OutboxDispatcher(repo, { now: clock.now }).register(mine, async () => {});
      expect(await d.runOnce(50)).toMatchObject({ claimed: 1, delivered: 1 });
      expect(await row(theirs)).toMatchObject({ status: 'pending', attempts: 0, lease_owner: null });
    });

    it('retries a failing handler with growing, jittered delays, then dead-letters it after N attempts', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'flaky', { caseNo: 'HN-2' });
      const jitter = [0.9, 0.95, 0.9, 0.99, 0.5];
      const attempts: number[] = [];
      const d = new OutboxDispatcher(repo, { now: clock.now, random: sequence(jitter), maxAttempts: 6, backoff: { baseMs: 1_000, capMs: 5_000 } }).register(topic, async (_p, meta) => {
        attempts.push(meta.attempt);
        throw new Error('upstream 503');
      });
      const delays: number[] = [];
      for (let attempt = 1; attempt < 6; attempt++) {
        expect(await d.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
        const r = await row(id);
        expect(r).toMatchObject({ status: 'pending', attempts: attempt, lease_owner: null, lease_until: null, last_error: 'Error: upstream 503' });
        const due = new Date(fromDbTime(r.next_attempt_at)).getTime();
        const delay = due - clock.now().getTime();
        delays.push(delay);
        // Not due a millisecond early.
        if (delay > 0) {
          clock.advance(delay - 1);
          expect((await d.runOnce()).claimed).toBe(0);
          clock.advance(1);
        }
      }
      // Full jitter: floor(random · min(cap, base · 2^(n−1))).
      const ceilings = [1_000, 2_000, 4_000, 5_000, 5_000];
      expect(delays).toEqual(ceilings.map((c, i) => Math.floor(jitter[i] * c)));
      expect(delays.slice(0, 4)).toEqual([...delays.slice(0, 4)].sort((a, b) => a - b)); // growing up to the cap
      expect(delays.every((delay, i) => delay < ceilings[i])).toBe(true);

      expect(await d.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
      expect(await row(id)).toMatchObject({ status: 'dead', attempts: 6, lease_owner: null, last_error: 'Error: upstream 503', delivered_at: null });
      expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
      clock.advance(10 * 3_600_000);
      expect((await d.runOnce()).claimed).toBe(0);
    });

    it('dead-letters a PermanentFailure at once', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'refused', { caseNo: 'HN-3' });
      let calls = 0;
      const d = new OutboxDispatcher(repo, { now: clock.now }).register(topic, async () => {
        calls += 1;
        throw new PermanentFailure('partner refused the request as malformed');
      });
      expect(await d.runOnce()).toMatchObject({ claimed: 1, dead: 1, retried: 0 });
      expect(await row(id)).toMatchObject({ status: 'dead', attempts: 1, last_error: 'PermanentFailure: partner refused the request as malformed' });
      clock.advance(3_600_000);
      expect((await d.runOnce()).claimed).toBe(0);
      expect(calls).toBe(1);
    });

    it('fails a handler that runs past its timeout and aborts its signal', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'slow', {});
      let aborted = false;
      const d = new OutboxDispatcher(repo, { now: clock.now, leaseMs: 1_000, handlerTimeoutMs: 20 }).register(
        topic,
        (_p, meta) =>
          new Promise<void>((resolve) =>
            meta.signal.addEventListener('abort', () => {
              aborted = true;
              setTimeout(resolve, 5);
            }),
          ),
      );
      expect(await d.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
      expect(aborted).toBe(true);
      expect((await row(id)).last_error).toBe('HandlerTimeout: handler did not finish within 20 ms');
    });
  });

  describe('dead letters', () => {
    it('lists dead entries newest first without payloads, and a retry delivers them', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const ids = [await add(topic, 'd1', { phone: '13900001111' }), await add(topic, 'd2', {}), await add(topic, 'd3', {})];
      let failing = true;
      const delivered: string[] = [];
      const d = new OutboxDispatcher(repo, { now: clock.now, concurrency: 1 }).register(topic, async (_p, meta) => {
        if (failing) throw new PermanentFailure('refused');
        delivered.push(meta.id);
      });
      expect(await d.runOnce()).toMatchObject({ claimed: 3, dead: 3 });
      const service = new OutboxService(repo, clock.now);

      const page1 = await service.listDead({ page: 1, pageSize: 2, topic });
      expect(page1.total).toBe(3);
      expect(page1.items).toHaveLength(2);
      expect(page1.items[0]).toEqual({
        id: expect.any(String),
        topic,
        dedupeKey: expect.stringMatching(/^d\d$/),
        status: 'dead',
        attempts: 1,
        lastError: 'PermanentFailure: refused',
        nextAttemptAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: clock.now().toISOString(),
        deliveredAt: null,
      });
      expect(JSON.stringify(page1)).not.toContain('13900001111');
      const page2 = await service.listDead({ page: 2, pageSize: 2, topic });
      expect([...page1.items, ...page2.items].map((e) => e.id).sort()).toEqual([...ids].sort());
      expect((await service.listDead({ page: 1, pageSize: 20, topic: freshTopic() })).total).toBe(0);

      failing = false;
      clock.advance(1_000);
      const retried = await service.retry(ids[0]);
      expect(retried).toMatchObject({ id: ids[0], status: 'pending', attempts: 0, lastError: 'PermanentFailure: refused', nextAttemptAt: clock.now().toISOString() });
      expect(await d.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(delivered).toEqual([ids[0]]);
      expect(await row(ids[0])).toMatchObject({ status: 'delivered', attempts: 1 });
      expect((await service.listDead({ page: 1, pageSize: 20, topic })).total).toBe(2);

      // Only dead entries go back; unknown ids are not found.
      const notDead = service.retry(ids[0]);
      await expect(notDead).rejects.toBeInstanceOf(AppError);
      await expect(notDead).rejects.toMatchObject({ code: 'OUTBOX_ENTRY_NOT_DEAD' });
      await expect(service.retry('obx_nope')).rejects.toMatchObject({ code: 'OUTBOX_ENTRY_NOT_FOUND' });
    });
  });

  describe('leases', () => {
    it('picks up a row whose dispatcher crashed once the lease expires; the crashed one cannot record an outcome', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'orphan', { caseNo: 'HN-4' });
      // A dispatcher claims the row and dies before recording anything.
      const crashed = await repo.claim({ leaseToken: 'crashed:1:aaaaaa#1', topics: [topic], now: clock.now(), leaseMs: 30_000, limit: 10 });
      expect(crashed.map((c) => c.id)).toEqual([id]);
      expect(await row(id)).toMatchObject({ lease_owner: 'crashed:1:aaaaaa#1', lease_until: toDbTime(new Date(clock.now().getTime() + 30_000)), attempts: 1 });

      const metas: OutboxHandlerMeta[] = [];
      const other = new OutboxDispatcher(repo, { now: clock.now, owner: 'survivor:2:bbbbbb' }).register(topic, async (_p, meta) => void metas.push(meta));
      clock.advance(29_999);
      expect((await other.runOnce()).claimed).toBe(0); // still leased
      clock.advance(2);
      expect(await other.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(metas.map((m) => [m.id, m.attempt])).toEqual([[id, 2]]);
      expect(await row(id)).toMatchObject({ status: 'delivered', lease_owner: null });
      // The crashed dispatcher coming back to life cannot overwrite the outcome.
      expect(await repo.markDead(id, 'crashed:1:aaaaaa#1', clock.now(), 'late')).toBe(false);
      expect(await row(id)).toMatchObject({ status: 'delivered', last_error: null });
    });

    it('dead-letters a row whose deliveries keep crashing, without calling the handler again', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const id = await add(topic, 'poison', {});
      for (let i = 1; i <= 3; i++) {
        expect(await repo.claim({ leaseToken: `crash:1:cccccc#${i}`, topics: [topic], now: clock.now(), leaseMs: 1_000, limit: 1 })).toHaveLength(1);
        clock.advance(1_001);
      }
      let calls = 0;
      const d = new OutboxDispatcher(repo, { now: clock.now, maxAttempts: 3 }).register(topic, async () => void (calls += 1));
      expect(await d.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
      expect(calls).toBe(0);
      expect(await row(id)).toMatchObject({ status: 'dead', attempts: 4 });
      expect((await row(id)).last_error).toMatch(/^PermanentFailure: gave up after 3 deliveries/);
    });

    it('claims in waves of `concurrency`, so a row never starts delivering on a lease that has run out', async () => {
      const topic = freshTopic();
      const clock = testClock();
      for (let i = 0; i < 6; i++) await add(topic, `wave-${i}`, {});
      const leaseLeftAtStart: number[] = [];
      const d = new OutboxDispatcher(repo, { now: clock.now, leaseMs: 30_000, concurrency: 2 }).register(topic, async (_p, meta) => {
        const r = await row(meta.id);
        leaseLeftAtStart.push(new Date(fromDbTime(r.lease_until!)).getTime() - clock.now().getTime());
        clock.advance(20_000); // a slow upstream
      });
      expect(await d.runOnce(6)).toMatchObject({ claimed: 6, delivered: 6, leaseLost: 0 });
      expect(leaseLeftAtStart).toHaveLength(6);
      expect(Math.min(...leaseLeftAtStart)).toBeGreaterThan(0);
    });

    it('two dispatchers on one database deliver 200 rows, each exactly once and never twice at the same time', async () => {
      const topic = freshTopic();
      const total = 200;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < total; i++) await enqueue(trx, { topic, dedupeKey: `bulk-${i}`, payload: { i } });
      });
      const second = await t.second(); // its own pool on MySQL: really concurrent
      const inFlight = new Set<string>();
      let maxInFlight = 0;
      const overlaps: string[] = [];
      const deliveries: { id: string; by: string }[] = [];
      const handler = (by: string) => async (_p: unknown, meta: OutboxHandlerMeta) => {
        if (inFlight.has(meta.id)) overlaps.push(meta.id);
        inFlight.add(meta.id);
        maxInFlight = Math.max(maxInFlight, inFlight.size);
        await sleep(1 + Math.floor(Math.random() * 3));
        inFlight.delete(meta.id);
        deliveries.push({ id: meta.id, by });
      };
      const a = new OutboxDispatcher(repo, { owner: 'disp-a', concurrency: 4 }).register(topic, handler('a'));
      const b = new OutboxDispatcher(new OutboxRepo(second.db, second.dialect), { owner: 'disp-b', concurrency: 4 }).register(topic, handler('b'));
      const drain = async (d: OutboxDispatcher) => {
        const deadline = Date.now() + 20_000;
        while (deliveries.length < total && Date.now() < deadline) {
          const r = await d.runOnce(20);
          expect(r.leaseLost).toBe(0);
          if (!r.claimed) await sleep(2);
        }
      };
      await Promise.all([drain(a), drain(b)]);

      expect(overlaps).toEqual([]);
      expect(maxInFlight).toBeGreaterThan(4); // both dispatchers were delivering at the same time
      const ids = deliveries.map((x) => x.id);
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
      const rows = await rowsOf(topic);
      expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1 && r.lease_owner === null)).toBe(true);
      expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
      const byA = deliveries.filter((x) => x.by === 'a').length;
      expect(byA).toBeGreaterThan(0);
      expect(total - byA).toBeGreaterThan(0);
    });

    (mode.name === 'mysql+redis' ? it : it.skip)('MySQL: a claim skips rows another transaction has locked instead of waiting for them', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const ids = [await add(topic, 's1', {}), await add(topic, 's2', {}), await add(topic, 's3', {})];
      const second = await t.second();
      const otherRepo = new OutboxRepo(second.db, second.dialect);
      let releaseLock!: () => void;
      const holding = new Promise<void>((resolve) => (releaseLock = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      // Another process's claim transaction, still open, holding two of the rows.
      const holder = db.transaction().execute(async (trx) => {
        await trx.selectFrom('outbox').select('id').where('id', 'in', ids.slice(0, 2)).forUpdate().execute();
        locked();
        await holding;
      });
      await lockTaken;
      const within = async <T>(p: Promise<T>): Promise<T> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error('the claim waited for the lock')), 3_000)));
        try {
          return await Promise.race([p, timeout]);
        } finally {
          clearTimeout(timer);
        }
      };
      const claimed = await within(otherRepo.claim({ leaseToken: 'skipper#1', topics: [topic], now: clock.now(), leaseMs: 10_000, limit: 10 }));
      expect(claimed.map((c) => c.id)).toEqual([ids[2]]);
      releaseLock();
      await holder;
      const rest = await otherRepo.claim({ leaseToken: 'skipper#2', topics: [topic], now: clock.now(), leaseMs: 10_000, limit: 10 });
      expect(rest.map((c) => c.id).sort()).toEqual(ids.slice(0, 2).sort());
    });
  });

  describe('the polling loop', () => {
    it('delivers what is enqueued, and stop() waits for the delivery in flight; stop is idempotent', async () => {
      const topic = freshTopic();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const inHandler = new Promise<void>((resolve) => (started = resolve));
      const finished: string[] = [];
      const d = new OutboxDispatcher(repo, { owner: 'loop-1' }).register(topic, async (_p, meta) => {
        started();
        await gate;
        finished.push(meta.id);
      });
      d.start(5);
      d.start(5); // a second start is a no-op
      expect(d.running).toBe(true);
      const id = await add(topic, 'loop', {});
      await inHandler;
      const stop1 = d.stop();
      const stop2 = d.stop();
      expect(stop2).toBe(stop1);
      let stopped = false;
      void stop1.then(() => (stopped = true));
      await sleep(20);
      expect(stopped).toBe(false); // still delivering
      release();
      await stop1;
      expect(finished).toEqual([id]);
      expect(await row(id)).toMatchObject({ status: 'delivered', lease_owner: null });
      await d.stop();
      expect(d.running).toBe(false);

      // After stop nothing is claimed any more.
      const later = await add(topic, 'after-stop', {});
      expect((await d.runOnce()).claimed).toBe(0);
      expect(await row(later)).toMatchObject({ status: 'pending', lease_owner: null });
    });

    it('stop() before start() and on an idle loop resolves promptly', async () => {
      const idle = new OutboxDispatcher(repo).register(freshTopic(), async () => {});
      await idle.stop();
      const looping = new OutboxDispatcher(repo).register(freshTopic(), async () => {});
      looping.start(60_000);
      await sleep(20);
      const before = Date.now();
      await looping.stop();
      expect(Date.now() - before).toBeLessThan(1_000);
    });
  });

  describe('personal data', () => {
    it('never copies payload content into last_error or the logs', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const { logger, lines } = capturingLogger('debug');
      const idNumber = testIdNumber('19851224', '531');
      const payload = { name: '欧阳青松', phone: '13812345678', idNumber, address: '长沙市岳麓区麓山南路932号', note: 'allergic-to-penicillin' };
      const transient = await add(topic, 'pd-1', payload);
      const permanent = await add(topic, 'pd-2', { ...payload, permanent: true });
      const d = new OutboxDispatcher(repo, { now: clock.now, random: () => 0.5, logger, registry: new Registry() }).register<typeof payload & { permanent?: boolean }>(topic, async (p) => {
        const message = `upstream refused ${p.name} (${p.phone}, ${p.idNumber}) at ${p.address}: ${p.note}`;
        if (p.permanent) throw new PermanentFailure(message);
        throw Object.assign(new Error(message), { code: 'E_REFUSED' });
      });
      expect(await d.runOnce()).toMatchObject({ claimed: 2, retried: 1, dead: 1 });

      // A row whose payload is not JSON: JSON.parse's message would quote it.
      const brokenId = 'obx_broken_payload_1';
      const now = toDbTime(clock.now());
      await db
        .insertInto('outbox')
        .values({ id: brokenId, topic, dedupe_key: 'pd-3', payload: `{"phone":"13812345678","name":"欧阳青松"`, status: 'pending', attempts: 0, next_attempt_at: now, lease_owner: null, lease_until: null, last_error: null, created_at: now, updated_at: now, delivered_at: null })
        .execute();
      expect(await d.runOnce()).toMatchObject({ claimed: 1, dead: 1 });

      const errors = [(await row(transient)).last_error!, (await row(permanent)).last_error!, (await row(brokenId)).last_error!];
      expect(errors[0]).toBe('Error [E_REFUSED]: upstream refused [payload] ([payload], [payload]) at [payload]: [payload]');
      expect(errors[1]).toBe('PermanentFailure: upstream refused [payload] ([payload], [payload]) at [payload]: [payload]');
      expect(errors[2]).toBe('PermanentFailure: the stored payload is not valid JSON');
      const logText = JSON.stringify(lines);
      expect(lines.some((l) => l.msg === 'outbox delivery failed; will retry')).toBe(true);
      expect(lines.filter((l) => l.msg === 'outbox entry dead-lettered')).toHaveLength(2);
      for (const text of [...errors, logText]) {
        for (const value of [payload.name, payload.phone, idNumber, payload.address, payload.note]) expect(text).not.toContain(value);
      }
      // Not even the parts a masked number would keep.
      for (const text of errors) for (const part of [payload.phone.slice(-4), idNumber.slice(-4), '欧阳']) expect(text).not.toContain(part);
      expectNoPersonalDataIn(lines);
    });
  });

  describe('metrics', () => {
    it('counts outcomes and reports the backlog', async () => {
      const topic = freshTopic();
      const clock = testClock();
      const registry = new Registry();
      await add(topic, 'm1', {});
      await add(topic, 'm2', { fail: true });
      const d = new OutboxDispatcher(repo, { now: clock.now, registry }).register<{ fail?: boolean }>(topic, async (p) => {
        if (p.fail) throw new PermanentFailure('no');
      });
      await d.runOnce();
      const text = await registry.metrics();
      expect(text).toContain(`outbox_deliveries_total{topic="${topic}",outcome="delivered"} 1`);
      expect(text).toContain(`outbox_deliveries_total{topic="${topic}",outcome="dead"} 1`);
      expect(text).toMatch(/outbox_entries\{status="dead"\} [1-9]\d*/);
      expect(text).toMatch(/outbox_entries\{status="pending"\} \d+/);
      expect(text).toMatch(/outbox_oldest_due_seconds \d/);
      expect(text).toContain(`outbox_delivery_duration_seconds_count{topic="${topic}"} 2`);
    });
  });
});
