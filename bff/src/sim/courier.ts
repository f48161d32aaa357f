/**
 * Postal courier simulator (EMS-style 邮政快递), speaking the protocol of
 * `adapters/courier/client.ts`:
 *
 *   POST <prefix>/courier/v1/waybills                       signed; same orderNo → same waybillNo
 *   GET  <prefix>/courier/v1/waybills/{no}/tracking         signed; every event so far
 *   POST <prefix>/courier/v1/waybills/{no}/cancel           signed; before pickup only
 *   GET  <prefix>/courier/dev/waybills                      dev: waybill summaries (no personal data)
 *   GET  <prefix>/courier/dev/waybills/{no}                 dev: a summary and its events
 *   POST <prefix>/courier/dev/waybills/{no}/advance         dev: {outcome?: 'signed' | 'returned'}
 *   POST <prefix>/courier/dev/fault                         dev: {delayMs?, status?} | null
 *
 * Waybill numbers are UPU S10 (`EA` + 8-digit serial + check digit + `CN`). Each parcel moves
 * picked_up → in_transit → out_for_delivery → signed, or → returned when the per-order rule says
 * so (default: the recipient's address contains 拒收, a handle for developers), each step after
 * its delay; the dev hook `advance` moves a parcel one step at once (and the schedule goes on
 * from there), `autoAdvance: false` leaves every step to it. Every event is POSTed to
 * `callbackUrl()`, signed with the courier's own push credentials, one waybill's events in order;
 * a non-2xx answer or a failed connection is retried with exponential backoff a bounded number of
 * times, then given up (recorded in `deliveries()`). Faults (delay, status) are injected per
 * system like the other simulators'. Timers are unref'd; `stop()` cancels them and aborts pushes
 * in flight.
 */
import type { Context } from 'koa';
import {
  CourierOrderSchema,
  FINAL_COURIER_STATUSES,
  isValidS10,
  makeS10,
  type CourierEvent,
  type CourierOrder,
  type CourierStatus,
} from '../adapters/courier/port';
import { guarded, type SimContext } from './context';
import { refuse, signedGatewayServer } from './signed';
import { parseJsonObject, postSignedEvent, randomDigits, randomToken, readRawBody, type Fault, type SystemName, SimTimers } from './util';

/**
 * The courier's key on the shared fault board. Until `util.ts`' SYSTEMS lists 'courier', the
 * generic `/sim/dev/faults` route does not take it; `setFault` and `POST …/courier/dev/fault` do.
 */
export const COURIER_FAULT_SYSTEM: SystemName = 'courier';

export interface CourierSimCredentials {
  /** Ours: what the BFF signs its requests to the courier's gateway with. */
  gateway: { appKey: string; appSecret: string };
  /** Theirs: what the courier signs its tracking pushes with (configure the push verifier with it). */
  push: { appKey: string; appSecret: string };
}

export function generateCourierCredentials(): CourierSimCredentials {
  return {
    gateway: { appKey: `ov-courier-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') },
    push: { appKey: `ems-push-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') },
  };
}

export type CourierOutcome = 'signed' | 'returned';
/** How a parcel ends, decided when the waybill is booked. */
export type CourierOutcomeRule = (order: CourierOrder) => CourierOutcome;

/** The default rule's handle: a recipient address containing it is refused and returned. */
export const COURIER_RETURN_MARKER = '拒收';
export const defaultCourierOutcome: CourierOutcomeRule = (order) => (order.recipient.address.includes(COURIER_RETURN_MARKER) ? 'returned' : 'signed');

/** The delay before each step; `delivered` is the last one (signed or returned). */
export type CourierStep = 'picked_up' | 'in_transit' | 'out_for_delivery' | 'delivered';
const STEPS: readonly CourierStep[] = ['picked_up', 'in_transit', 'out_for_delivery', 'delivered'];

export interface CourierSimulatorOptions {
  credentials: CourierSimCredentials;
  /** Where events are POSTed, e.g. `() => 'http://127.0.0.1:3000/open/v1/courier/push'`. */
  callbackUrl: () => string;
  /** Delay of every step without its own; default 2000 ms. */
  stepDelayMs?: number;
  delays?: Partial<Record<CourierStep, number>>;
  /** false: parcels move only by the dev hook `advance`; default true. */
  autoAdvance?: boolean;
  /** Signed or returned, per order; default `defaultCourierOutcome`. */
  outcome?: CourierOutcomeRule;
  /** Push retries: attempts in all (default 5), first backoff (default 500 ms, doubling), cap (default 30 s). */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per push attempt; default 5000 ms. */
  callbackTimeoutMs?: number;
  /** Two letters before the serial; default `EA` (EMS). */
  servicePrefix?: string;
  /** Waybills kept in memory before the oldest are forgotten; default 20 000. */
  maxWaybills?: number;
}

export interface CourierSimWaybillSummary {
  waybillNo: string;
  orderNo: string;
  serviceType: CourierOrder['serviceType'];
  /** `created` until pickup, then the last event's status. */
  state: 'created' | CourierStatus;
  outcome: CourierOutcome;
  final: boolean;
  events: number;
}

export interface CourierDeliveryAttempt {
  waybillNo: string;
  eventId: string;
  status: CourierStatus;
  attempt: number;
  /** HTTP status, or the network error's code. */
  outcome: number | string;
  ok: boolean;
  gaveUp: boolean;
}

export interface CourierSimulator {
  waybills(): CourierSimWaybillSummary[];
  /** A waybill's events so far (copies), or undefined when unknown. */
  events(waybillNo: string): CourierEvent[] | undefined;
  /** The order as booked. */
  order(waybillNo: string): CourierOrder | undefined;
  waybillOf(orderNo: string): string | undefined;
  /**
   * Moves a parcel one step now (the schedule continues from there when auto-advancing); at the
   * last step `outcome` overrides the rule's. Undefined when unknown or final.
   */
  advance(waybillNo: string, outcome?: CourierOutcome): CourierEvent | undefined;
  /** Changes the outcome of one waybill not yet delivered; false when unknown or final. */
  setOutcome(waybillNo: string, outcome: CourierOutcome): boolean;
  /** The rule for waybills booked from now on; null restores the configured one. */
  setOutcomeRule(rule: CourierOutcomeRule | null): void;
  /** Slows down or breaks the courier's API (status answered instead of the handler); null clears. */
  setFault(fault: Fault | null): void;
  /** Timers pending (steps and push retries). */
  pendingTimers(): number;
  /** Every push attempt, oldest first (bounded to the last 1000). */
  deliveries(): CourierDeliveryAttempt[];
  /** Cancels every pending timer and push in flight; nothing is scheduled afterwards. */
  stop(): void;
}

interface SimWaybill {
  waybillNo: string;
  order: CourierOrder;
  outcome: CourierOutcome;
  next: number;
  events: CourierEvent[];
  final: boolean;
  stepTimer?: NodeJS.Timeout;
  outbox: CourierEvent[];
  delivering: boolean;
}

export function courierSimulator(sim: SimContext, options: CourierSimulatorOptions): CourierSimulator {
  const gateway = signedGatewayServer(options.credentials.gateway, sim.now);
  const defaultDelay = options.stepDelayMs ?? 2000;
  const delays: Record<CourierStep, number> = Object.fromEntries(STEPS.map((s) => [s, options.delays?.[s] ?? defaultDelay])) as Record<CourierStep, number>;
  for (const [step, ms] of Object.entries(delays)) {
    if (!Number.isFinite(ms) || ms < 0 || ms > 86_400_000) throw new Error(`courier simulator: delay of ${step} must be 0–86400000 ms`);
  }
  const autoAdvance = options.autoAdvance ?? true;
  const configuredRule = options.outcome ?? defaultCourierOutcome;
  let rule = configuredRule;
  const attempts = Math.max(1, Math.min(options.retry?.attempts ?? 5, 20));
  const baseBackoff = options.retry?.baseDelayMs ?? 500;
  const maxBackoff = options.retry?.maxDelayMs ?? 30_000;
  const callbackTimeout = options.callbackTimeoutMs ?? 5000;
  const prefix = options.servicePrefix ?? 'EA';
  if (!/^[A-Z]{2}$/.test(prefix)) throw new Error('courier simulator: servicePrefix is two capital letters');
  const maxWaybills = options.maxWaybills ?? 20_000;

  const byNo = new Map<string, SimWaybill>();
  const byOrderNo = new Map<string, string>();
  const attemptsLog: CourierDeliveryAttempt[] = [];
  const timers = new SimTimers();
  const aborter = new AbortController();

  const schedule = (ms: number, fn: () => void) => timers.schedule(ms, fn);
  const cancelTimer = (t: NodeJS.Timeout | undefined) => timers.cancel(t);

  // ---- the parcel's life

  function describe(w: SimWaybill, status: CourierStatus): Pick<CourierEvent, 'location' | 'description' | 'signer' | 'reason'> {
    const { sender, recipient } = w.order;
    switch (status) {
      case 'picked_up':
        return { location: sender.city, description: `【${sender.city}】${sender.district}揽投部已收寄，揽投员已揽收` };
      case 'in_transit':
        return { location: `${sender.city}邮区中心局`, description: `离开【${sender.city}邮区中心局】，下一站【${recipient.city}邮区中心局】` };
      case 'out_for_delivery':
        return { location: `${recipient.city}${recipient.district}揽投部`, description: `【${recipient.district}揽投部】安排投递，请保持电话畅通` };
      case 'signed':
        return { location: `${recipient.city}${recipient.district}`, description: '已签收，签收人：本人，感谢使用邮政服务', signer: '本人' };
      case 'returned':
        return { location: `${recipient.city}${recipient.district}揽投部`, description: '收件人拒收，邮件已退回寄件人', reason: '收件人拒收' };
      case 'cancelled':
        return { location: sender.city, description: '寄件人已撤销运单' };
    }
  }

  function emit(w: SimWaybill, status: CourierStatus): CourierEvent {
    const event: CourierEvent = {
      eventId: `evt-${randomToken(12)}`,
      waybillNo: w.waybillNo,
      orderNo: w.order.orderNo,
      status,
      at: new Date(sim.now()).toISOString(),
      ...describe(w, status),
    };
    w.events.push(event);
    if (FINAL_COURIER_STATUSES.includes(status)) {
      w.final = true;
      cancelTimer(w.stepTimer);
      w.stepTimer = undefined;
    }
    w.outbox.push(event);
    deliverNext(w);
    return event;
  }

  function step(w: SimWaybill, outcome?: CourierOutcome): CourierEvent | undefined {
    if (w.final || w.next >= STEPS.length) return undefined;
    cancelTimer(w.stepTimer);
    w.stepTimer = undefined;
    const name = STEPS[w.next];
    w.next += 1;
    if (outcome) w.outcome = outcome;
    const event = emit(w, name === 'delivered' ? w.outcome : name);
    scheduleNext(w);
    return event;
  }

  function scheduleNext(w: SimWaybill) {
    if (!autoAdvance || w.final || w.stepTimer || w.next >= STEPS.length) return;
    w.stepTimer = schedule(delays[STEPS[w.next]], () => {
      w.stepTimer = undefined;
      step(w);
    });
  }

  // ---- push delivery: one waybill's events in order, each retried with backoff, then given up

  function deliverNext(w: SimWaybill) {
    if (w.delivering || w.outbox.length === 0 || timers.stopped) return;
    w.delivering = true;
    void attempt(w, w.outbox[0], 1);
  }

  function log(entry: CourierDeliveryAttempt) {
    attemptsLog.push(entry);
    if (attemptsLog.length > 1000) attemptsLog.splice(0, attemptsLog.length - 1000);
  }

  const post = (event: CourierEvent) => postSignedEvent(options.callbackUrl(), event, options.credentials.push, aborter.signal, callbackTimeout);

  async function attempt(w: SimWaybill, event: CourierEvent, n: number): Promise<void> {
    const outcome = await post(event);
    if (timers.stopped) return;
    const ok = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    const gaveUp = !ok && n >= attempts;
    log({ waybillNo: w.waybillNo, eventId: event.eventId, status: event.status, attempt: n, outcome, ok, gaveUp });
    if (ok || gaveUp) {
      w.outbox.shift();
      w.delivering = false;
      deliverNext(w);
      return;
    }
    schedule(Math.min(baseBackoff * 2 ** (n - 1), maxBackoff), () => void attempt(w, event, n + 1));
  }

  // ---- the signed API

  function remember(w: SimWaybill) {
    if (byNo.size >= maxWaybills) {
      const oldest = byNo.values().next().value;
      if (oldest) {
        cancelTimer(oldest.stepTimer);
        byNo.delete(oldest.waybillNo);
        byOrderNo.delete(oldest.order.orderNo);
      }
    }
    byNo.set(w.waybillNo, w);
    byOrderNo.set(w.order.orderNo, w.waybillNo);
  }

  function newWaybillNo(): string {
    let no: string;
    do no = makeS10(prefix, randomDigits(8));
    while (byNo.has(no));
    return no;
  }

  const api = (handler: (ctx: Context) => Promise<void> | void) => guarded(sim, COURIER_FAULT_SYSTEM, handler);

  function findWaybill(ctx: Context): SimWaybill | undefined {
    const no = String(ctx.params.no);
    const w = isValidS10(no) ? byNo.get(no) : undefined;
    if (!w) refuse(ctx, 404, 'WAYBILL_NOT_FOUND', 'no such waybill');
    return w;
  }

  sim.router.post(
    '/courier/v1/waybills',
    api(async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const parsed = CourierOrderSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return refuse(ctx, 400, 'INVALID_ARGUMENT', `${issue.path.join('.') || 'body'}: ${issue.message}`);
      }
      const order = parsed.data as CourierOrder;
      const existing = byNo.get(byOrderNo.get(order.orderNo) ?? '');
      if (existing) {
        if (existing.events.some((e) => e.status === 'cancelled')) {
          return refuse(ctx, 409, 'ORDER_CANCELLED', 'the waybill of this orderNo was cancelled; book again under a new orderNo');
        }
        ctx.body = { waybillNo: existing.waybillNo };
        return;
      }
      const w: SimWaybill = { waybillNo: newWaybillNo(), order, outcome: rule(order), next: 0, events: [], final: false, outbox: [], delivering: false };
      remember(w);
      scheduleNext(w);
      ctx.body = { waybillNo: w.waybillNo };
    }),
  );

  sim.router.get(
    '/courier/v1/waybills/:no/tracking',
    api(async (ctx) => {
      if (!(await gateway.accept(ctx))) return;
      const w = findWaybill(ctx);
      if (!w) return;
      ctx.body = { waybillNo: w.waybillNo, orderNo: w.order.orderNo, events: w.events };
    }),
  );

  sim.router.post(
    '/courier/v1/waybills/:no/cancel',
    api(async (ctx) => {
      if (!(await gateway.accept(ctx))) return;
      const w = findWaybill(ctx);
      if (!w) return;
      const last = w.events[w.events.length - 1];
      if (last?.status === 'cancelled') {
        ctx.body = { ok: true };
        return;
      }
      if (last) return refuse(ctx, 409, 'ALREADY_PICKED_UP', 'the parcel has been picked up and can no longer be cancelled');
      cancelTimer(w.stepTimer);
      w.stepTimer = undefined;
      emit(w, 'cancelled');
      ctx.body = { ok: true };
    }),
  );

  // ---- hooks

  function summary(w: SimWaybill): CourierSimWaybillSummary {
    return {
      waybillNo: w.waybillNo,
      orderNo: w.order.orderNo,
      serviceType: w.order.serviceType,
      state: w.events[w.events.length - 1]?.status ?? 'created',
      outcome: w.outcome,
      final: w.final,
      events: w.events.length,
    };
  }

  const hooks: CourierSimulator = {
    waybills: () => [...byNo.values()].map(summary),
    events: (no) => byNo.get(no)?.events.map((e) => ({ ...e })),
    order: (no) => byNo.get(no)?.order,
    waybillOf: (orderNo) => byOrderNo.get(orderNo),
    advance(no, outcome) {
      const w = byNo.get(no);
      return w ? step(w, outcome) : undefined;
    },
    setOutcome(no, outcome) {
      const w = byNo.get(no);
      if (!w || w.final) return false;
      w.outcome = outcome;
      return true;
    },
    setOutcomeRule(next) {
      rule = next ?? configuredRule;
    },
    setFault: (fault) => sim.faults.set(COURIER_FAULT_SYSTEM, fault),
    pendingTimers: () => timers.size,
    deliveries: () => attemptsLog.map((a) => ({ ...a })),
    stop() {
      timers.stop();
      aborter.abort();
    },
  };

  // ---- dev routes (this router is never mounted in production)

  const dev = '/courier/dev';

  sim.router.get(`${dev}/waybills`, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { waybills: hooks.waybills() };
  });

  sim.router.get(`${dev}/waybills/:no`, (ctx) => {
    const w = byNo.get(ctx.params.no);
    if (!w) return refuse(ctx, 404, 'WAYBILL_NOT_FOUND', 'no such waybill');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { waybill: summary(w), events: hooks.events(w.waybillNo) };
  });

  sim.router.post(`${dev}/waybills/:no/advance`, async (ctx) => {
    const raw = await readRawBody(ctx, 16 * 1024);
    const body = raw.length ? parseJsonObject(raw) : {};
    if (!body) return refuse(ctx, 400, 'INVALID_JSON', 'body must be a JSON object');
    const { outcome } = body;
    if (outcome !== undefined && outcome !== 'signed' && outcome !== 'returned') return refuse(ctx, 400, 'INVALID_ARGUMENT', "outcome: 'signed' or 'returned'");
    const w = byNo.get(ctx.params.no);
    if (!w) return refuse(ctx, 404, 'WAYBILL_NOT_FOUND', 'no such waybill');
    const event = hooks.advance(w.waybillNo, outcome as CourierOutcome | undefined);
    if (!event) return refuse(ctx, 409, 'WAYBILL_FINAL', 'the parcel has already been delivered, returned or cancelled');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { event };
  });

  sim.router.post(`${dev}/fault`, async (ctx) => {
    const raw = (await readRawBody(ctx, 16 * 1024)).toString('utf8').trim();
    let fault: unknown;
    try {
      fault = JSON.parse(raw || 'null');
    } catch {
      return refuse(ctx, 400, 'INVALID_JSON', 'body must be JSON');
    }
    if (fault === null) {
      hooks.setFault(null);
      ctx.body = { ok: true };
      return;
    }
    const { delayMs, status } = (fault ?? {}) as Record<string, unknown>;
    const validDelay = delayMs === undefined || (typeof delayMs === 'number' && delayMs >= 0 && delayMs <= 60_000);
    const validStatus = status === undefined || (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599);
    if (typeof fault !== 'object' || Array.isArray(fault) || !validDelay || !validStatus) {
      return refuse(ctx, 400, 'INVALID_ARGUMENT', 'fault: {delayMs?: 0–60000, status?: 200–599} or null');
    }
    hooks.setFault({ delayMs: delayMs as number | undefined, status: status as number | undefined });
    ctx.body = { ok: true };
  });

  return hooks;
}
