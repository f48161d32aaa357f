/**
 * Police business systems simulator (户政 household, 出入境 exit-entry, 交管 traffic, 治安 public
 * order), speaking the protocol of `adapters/upstream/client.ts`:
 *
 *   POST <prefix>/upstream/v1/{system}/cases                 signed; same caseNo → same upstreamRef
 *   GET  <prefix>/upstream/v1/{system}/cases/{ref}/events    signed; every event so far
 *   POST <prefix>/upstream/v1/{system}/cases/{ref}/supplements   signed; answers 补正
 *   POST <prefix>/upstream/v1/{system}/cases/{ref}/withdrawal    signed; 撤回, idempotent
 *   GET  <prefix>/upstream/dev/cases                          dev: case summaries (no personal data)
 *   GET  <prefix>/upstream/dev/cases/{ref}/events             dev: the events of a case
 *   POST <prefix>/upstream/dev/cases/{ref}/decide             dev: {decision, note?}
 *   POST <prefix>/upstream/dev/rules                          dev: {itemCode | 'default', rule | null}
 *
 * Decisions follow a rule per item code (or the default rule): a sequence of decisions, each after
 * its delay — `['accepted', 'approved']`, `['supplement_requested', 'accepted', 'approved']` (the
 * steps after a supplement request wait for the answer, then their own delay), `['not_accepted']`,
 * `['accepted', 'rejected']`. A submission first records `received`. Every event is POSTed to
 * `callbackUrl()`, signed with the upstream's own callback credentials, one case's events in
 * order; a non-2xx answer or a failed connection is retried with exponential backoff a bounded
 * number of times, then given up (recorded in `deliveries()`). Timers are unref'd; `stop()`
 * cancels them and aborts callbacks in flight.
 *
 * A withdrawn case is done with, as a department's system would be: its pending step is cancelled,
 * its undelivered callbacks are dropped (the events stay readable by polling) and nothing more is
 * sent for it; a final decision cannot be withdrawn (409 CASE_ALREADY_DECIDED).
 */
import type { Context } from 'koa';
import type { z } from 'zod';
import { isValidIdNumber } from '@onevisit/shared-types';
import { signRequest } from '../adapters/signing';
import {
  FINAL_UPSTREAM_DECISIONS,
  isUpstreamSystem,
  UPSTREAM_DECISIONS,
  UpstreamCaseSubmissionSchema,
  UPSTREAM_ALREADY_DECIDED,
  UpstreamSupplementSchema,
  UpstreamWithdrawalSchema,
  type UpstreamCaseSubmission,
  type UpstreamDecision,
  type UpstreamMaterial,
  type UpstreamStatus,
  type UpstreamSystem,
} from '../adapters/upstream/port';
import { guarded, type SimContext } from './context';
import { refuse, signedGatewayServer } from './signed';
import { parseJsonObject, randomDigits, randomToken, readRawBody, SimTimers } from './util';

export interface UpstreamSimCredentials {
  /** Ours: what the BFF signs its requests to the upstream gateway with. */
  gateway: { appKey: string; appSecret: string };
  /** Theirs: what the upstream signs its status callbacks with (configure the callback verifier with it). */
  callback: { appKey: string; appSecret: string };
}

export function generateUpstreamCredentials(): UpstreamSimCredentials {
  return {
    gateway: { appKey: `ov-upstream-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') },
    callback: { appKey: `gaj-callback-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') },
  };
}

export type UpstreamRuleStep = UpstreamDecision | { decision: UpstreamDecision; delayMs?: number; note?: string; supplementReasons?: string[] };
/** Steps in order; `delayMs` on the object form applies to steps without their own. */
export type UpstreamRule = readonly UpstreamRuleStep[] | { steps: readonly UpstreamRuleStep[]; delayMs?: number };

/** The key of the rule for item codes that have none of their own. */
export const UPSTREAM_DEFAULT_RULE = 'default';

export interface UpstreamSimulatorOptions {
  credentials: UpstreamSimCredentials;
  /** Where events are POSTed, e.g. `() => 'http://127.0.0.1:3000/open/v1/upstream/callback'`. */
  callbackUrl: () => string;
  /** Rules by item code, plus `default`; default rule `['accepted', 'approved']`. */
  rules?: Record<string, UpstreamRule>;
  /** Delay of steps that set none; default 1500 ms. */
  stepDelayMs?: number;
  /** Callback retries: attempts in all (default 5), first backoff (default 500 ms, doubling), cap (default 30 s). */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per callback attempt; default 5000 ms. */
  callbackTimeoutMs?: number;
  /** Cases kept in memory before the oldest are forgotten; default 20 000. */
  maxCases?: number;
}

export interface UpstreamSimCaseSummary {
  system: UpstreamSystem;
  upstreamRef: string;
  caseNo: string;
  itemCode: string;
  status: UpstreamStatus['status'];
  awaitingSupplement: boolean;
  final: boolean;
  /** Withdrawn by the BFF: no more events. */
  withdrawn: boolean;
  /** Set once decideNow took over from the rule. */
  manual: boolean;
  events: number;
  supplements: number;
}

export interface UpstreamDeliveryAttempt {
  upstreamRef: string;
  eventId: string;
  status: UpstreamStatus['status'];
  attempt: number;
  /** The callback's HTTP status, or the network error's name. */
  outcome: number | string;
  ok: boolean;
  /** True on the last attempt of an event that was never accepted. */
  gaveUp: boolean;
}

export interface UpstreamSimulator {
  /** Sets the rule of an item code (or `default`); null removes it (the default goes back to built-in). Throws on a malformed rule. */
  setRule(itemCodeOrDefault: string, rule: UpstreamRule | null): void;
  /** Every event of a case, oldest first; undefined for an unknown ref. */
  events(upstreamRef: string): UpstreamStatus[] | undefined;
  cases(): UpstreamSimCaseSummary[];
  /** What was submitted (tests check the materials arrived intact). */
  submission(upstreamRef: string): UpstreamCaseSubmission | undefined;
  /** The withdrawal as received (tests check the citizen's reason arrived); undefined if none. */
  withdrawal(upstreamRef: string): { reason: string; at: string } | undefined;
  /**
   * Decides by hand: records and delivers the event at once, cancels the rule's pending step and
   * leaves the case to manual decisions from then on. Undefined when the case is unknown, final
   * or withdrawn.
   */
  decideNow(upstreamRef: string, decision: UpstreamDecision, note?: string): UpstreamStatus | undefined;
  /** Step and retry timers still pending. */
  pendingTimers(): number;
  /** Callback attempts so far, oldest first (bounded to the last 1000). */
  deliveries(): UpstreamDeliveryAttempt[];
  /** Cancels every pending timer and callback in flight; nothing is scheduled afterwards. */
  stop(): void;
}

interface Step {
  decision: UpstreamDecision;
  delayMs: number;
  note?: string;
  supplementReasons?: string[];
}

interface SimCase {
  system: UpstreamSystem;
  upstreamRef: string;
  submission: UpstreamCaseSubmission;
  steps: Step[];
  next: number;
  events: UpstreamStatus[];
  awaitingSupplement: boolean;
  final: boolean;
  manual: boolean;
  supplements: { materials: UpstreamMaterial[]; note?: string; at: string }[];
  withdrawal?: { reason: string; at: string };
  stepTimer?: NodeJS.Timeout;
  /** The head event's next attempt, while it waits out a backoff. */
  retryTimer?: NodeJS.Timeout;
  /** Events waiting for delivery; the head is in flight. */
  outbox: UpstreamStatus[];
  delivering: boolean;
}

const REF_PREFIX: Record<UpstreamSystem, string> = { household: 'HZ', exit_entry: 'CRJ', traffic: 'JG', public_order: 'ZA' };

const DEFAULT_NOTES: Partial<Record<UpstreamDecision, string>> = {
  accepted: '已受理',
  supplement_requested: '材料需补正',
  not_accepted: '不予受理：不符合受理条件',
  approved: '审批通过',
  rejected: '审批不通过',
};
const DEFAULT_SUPPLEMENT_REASONS = ['上传的材料不清晰，请重新上传清晰的原件照片'];

function normaliseRule(rule: UpstreamRule, defaultDelayMs: number): Step[] {
  const list = Array.isArray(rule) ? (rule as readonly UpstreamRuleStep[]) : (rule as { steps: readonly UpstreamRuleStep[] }).steps;
  const ruleDelay = Array.isArray(rule) ? undefined : (rule as { delayMs?: number }).delayMs;
  if (!Array.isArray(list) || list.length === 0) throw new Error('upstream rule: at least one step');
  const steps = list.map((s): Step => {
    const step = typeof s === 'string' ? { decision: s } : s;
    if (!(UPSTREAM_DECISIONS as readonly string[]).includes(step.decision)) throw new Error(`upstream rule: unknown decision "${String(step.decision)}"`);
    const delayMs = step.delayMs ?? ruleDelay ?? defaultDelayMs;
    if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > 86_400_000) throw new Error('upstream rule: delayMs must be 0–86400000');
    return { decision: step.decision, delayMs, note: step.note, supplementReasons: step.supplementReasons };
  });
  steps.forEach((s, i) => {
    if (FINAL_UPSTREAM_DECISIONS.includes(s.decision) && i !== steps.length - 1) throw new Error(`upstream rule: "${s.decision}" is final and must be the last step`);
  });
  return steps;
}

function sameMaterials(a: UpstreamMaterial[], b: UpstreamMaterial[]): boolean {
  const key = (m: UpstreamMaterial[]) => m.map((x) => x.sha256).sort().join(',');
  return key(a) === key(b);
}

export function upstreamSimulator(sim: SimContext, options: UpstreamSimulatorOptions): UpstreamSimulator {
  const gateway = signedGatewayServer(options.credentials.gateway, sim.now);
  const defaultDelay = options.stepDelayMs ?? 1500;
  const attempts = Math.max(1, Math.min(options.retry?.attempts ?? 5, 20));
  const baseBackoff = options.retry?.baseDelayMs ?? 500;
  const maxBackoff = options.retry?.maxDelayMs ?? 30_000;
  const callbackTimeout = options.callbackTimeoutMs ?? 5000;
  const maxCases = options.maxCases ?? 20_000;
  const builtInDefault = normaliseRule(['accepted', 'approved'], defaultDelay);

  const rules = new Map<string, Step[]>();
  for (const [key, rule] of Object.entries(options.rules ?? {})) rules.set(key, normaliseRule(rule, defaultDelay));
  const byRef = new Map<string, SimCase>();
  const byCaseNo = new Map<string, string>();
  const attemptsLog: UpstreamDeliveryAttempt[] = [];
  const timers = new SimTimers();
  const aborter = new AbortController();

  const schedule = (ms: number, fn: () => void) => timers.schedule(ms, fn);
  const cancel = (t: NodeJS.Timeout | undefined) => timers.cancel(t);

  const isoNow = () => new Date(sim.now()).toISOString();

  function ruleFor(itemCode: string): Step[] {
    return rules.get(itemCode) ?? rules.get(UPSTREAM_DEFAULT_RULE) ?? builtInDefault;
  }

  function emit(c: SimCase, status: UpstreamStatus['status'], note?: string, reasons?: string[]): UpstreamStatus {
    const event: UpstreamStatus = {
      upstreamRef: c.upstreamRef,
      caseNo: c.submission.caseNo,
      status,
      ...(status !== 'received' ? { note: note ?? DEFAULT_NOTES[status] } : {}),
      ...(status === 'supplement_requested' ? { supplementReasons: reasons?.length ? [...reasons] : DEFAULT_SUPPLEMENT_REASONS } : {}),
      at: isoNow(),
      eventId: `evt-${randomToken(12)}`,
    };
    c.events.push(event);
    if (status !== 'received') c.awaitingSupplement = status === 'supplement_requested';
    if ((FINAL_UPSTREAM_DECISIONS as readonly string[]).includes(status)) {
      c.final = true;
      cancel(c.stepTimer);
      c.stepTimer = undefined;
    }
    c.outbox.push(event);
    deliverNext(c);
    return event;
  }

  function advance(c: SimCase) {
    if (c.manual || c.final || c.withdrawal || c.awaitingSupplement || c.stepTimer) return;
    const step = c.steps[c.next];
    if (!step) return;
    c.stepTimer = schedule(step.delayMs, () => {
      c.stepTimer = undefined;
      c.next += 1;
      emit(c, step.decision, step.note, step.supplementReasons);
      advance(c);
    });
  }

  // ---- callback delivery: one case's events in order, each retried with backoff, then given up

  function deliverNext(c: SimCase) {
    if (c.delivering || c.outbox.length === 0 || timers.stopped) return;
    c.delivering = true;
    void attempt(c, c.outbox[0], 1);
  }

  function log(entry: UpstreamDeliveryAttempt) {
    attemptsLog.push(entry);
    if (attemptsLog.length > 1000) attemptsLog.splice(0, attemptsLog.length - 1000);
  }

  async function post(c: SimCase, event: UpstreamStatus): Promise<number | string> {
    try {
      const url = new URL(options.callbackUrl());
      const body = JSON.stringify({ system: c.system, ...event });
      const headers = signRequest({ method: 'POST', path: `${url.pathname}${url.search}`, body, ...options.credentials.callback });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body,
        signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(callbackTimeout)]),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch (err) {
      return (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.name ?? 'error';
    }
  }

  async function attempt(c: SimCase, event: UpstreamStatus, n: number): Promise<void> {
    const outcome = await post(c, event);
    if (timers.stopped) return;
    const ok = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    const gaveUp = !ok && n >= attempts;
    log({ upstreamRef: c.upstreamRef, eventId: event.eventId, status: event.status, attempt: n, outcome, ok, gaveUp });
    if (ok || gaveUp || c.withdrawal) return nextEvent(c); // a withdrawn case's callbacks are not retried
    c.retryTimer = schedule(Math.min(baseBackoff * 2 ** (n - 1), maxBackoff), () => {
      c.retryTimer = undefined;
      void attempt(c, event, n + 1);
    });
  }

  /** The head event is done with (delivered or given up): on to the next. */
  function nextEvent(c: SimCase) {
    c.outbox.shift();
    c.delivering = false;
    deliverNext(c);
  }

  /** Nothing more for this case: no next step, no undelivered callback (one in flight ends on its own). */
  function withdraw(c: SimCase, reason: string) {
    c.withdrawal = { reason, at: isoNow() };
    cancel(c.stepTimer);
    c.stepTimer = undefined;
    c.outbox.length = 0;
    if (c.retryTimer) {
      cancel(c.retryTimer);
      c.retryTimer = undefined;
      c.delivering = false;
    }
  }

  // ---- the signed API

  function remember(c: SimCase) {
    if (byRef.size >= maxCases) {
      const oldest = byRef.values().next().value;
      if (oldest) {
        cancel(oldest.stepTimer);
        byRef.delete(oldest.upstreamRef);
        byCaseNo.delete(`${oldest.system}\u0000${oldest.submission.caseNo}`);
      }
    }
    byRef.set(c.upstreamRef, c);
    byCaseNo.set(`${c.system}\u0000${c.submission.caseNo}`, c.upstreamRef);
  }

  function newRef(system: UpstreamSystem): string {
    const day = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
    let ref: string;
    do ref = `${REF_PREFIX[system]}${day}${randomDigits(8)}`;
    while (byRef.has(ref));
    return ref;
  }

  /** Signature first, then the system in the path; undefined when refused (answer already set). */
  async function open(ctx: Context): Promise<{ system: UpstreamSystem; body: Record<string, unknown> } | undefined> {
    const body = await gateway.accept(ctx);
    if (!body) return undefined;
    const system = ctx.params.system;
    if (!isUpstreamSystem(system)) {
      refuse(ctx, 404, 'UNKNOWN_SYSTEM', 'system must be household, exit_entry, traffic or public_order');
      return undefined;
    }
    return { system, body };
  }

  /** Parses a request body, or answers 400 INVALID_ARGUMENT naming the first problem. */
  function parse<T>(ctx: Context, schema: z.ZodType<T>, body: unknown): T | undefined {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    refuse(ctx, 400, 'INVALID_ARGUMENT', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    return undefined;
  }

  function findCase(ctx: Context, system: UpstreamSystem): SimCase | undefined {
    const c = byRef.get(String(ctx.params.ref));
    if (!c || c.system !== system) {
      refuse(ctx, 404, 'CASE_NOT_FOUND', 'no such case in this system');
      return undefined;
    }
    return c;
  }

  const base = '/upstream/v1/:system/cases';

  sim.router.post(
    base,
    guarded(sim, 'upstream', async (ctx) => {
      const req = await open(ctx);
      if (!req) return;
      const submission = parse(ctx, UpstreamCaseSubmissionSchema, req.body) as UpstreamCaseSubmission | undefined;
      if (!submission) return;
      if (!isValidIdNumber(submission.applicant.idNumber.toUpperCase(), new Date(sim.now()))) {
        return refuse(ctx, 400, 'INVALID_ID_NUMBER', 'applicant.idNumber is not a valid resident ID number');
      }
      const existing = byCaseNo.get(`${req.system}\u0000${submission.caseNo}`);
      if (existing && byRef.has(existing)) {
        ctx.body = { upstreamRef: existing };
        return;
      }
      const c: SimCase = {
        system: req.system,
        upstreamRef: newRef(req.system),
        submission,
        steps: ruleFor(submission.itemCode),
        next: 0,
        events: [],
        awaitingSupplement: false,
        final: false,
        manual: false,
        supplements: [],
        outbox: [],
        delivering: false,
      };
      remember(c);
      emit(c, 'received');
      advance(c);
      ctx.body = { upstreamRef: c.upstreamRef };
    }),
  );

  sim.router.get(
    `${base}/:ref/events`,
    guarded(sim, 'upstream', async (ctx) => {
      const req = await open(ctx);
      if (!req) return;
      const c = findCase(ctx, req.system);
      if (!c) return;
      ctx.body = { events: c.events };
    }),
  );

  sim.router.post(
    `${base}/:ref/supplements`,
    guarded(sim, 'upstream', async (ctx) => {
      const req = await open(ctx);
      if (!req) return;
      const c = findCase(ctx, req.system);
      if (!c) return;
      const parsed = parse(ctx, UpstreamSupplementSchema, req.body);
      if (!parsed) return;
      const { materials, note } = parsed;
      if (c.withdrawal) return refuse(ctx, 409, 'CASE_WITHDRAWN', 'this case was withdrawn');
      if (!c.awaitingSupplement) {
        const last = c.supplements[c.supplements.length - 1];
        if (last && sameMaterials(last.materials, materials)) {
          ctx.body = { ok: true }; // a retry of the answer already taken
          return;
        }
        return refuse(ctx, 409, 'NO_SUPPLEMENT_PENDING', 'this case has no pending supplement request');
      }
      c.supplements.push({ materials, note, at: isoNow() });
      c.awaitingSupplement = false;
      advance(c);
      ctx.body = { ok: true };
    }),
  );

  sim.router.post(
    `${base}/:ref/withdrawal`,
    guarded(sim, 'upstream', async (ctx) => {
      const req = await open(ctx);
      if (!req) return;
      const c = findCase(ctx, req.system);
      if (!c) return;
      const parsed = parse(ctx, UpstreamWithdrawalSchema, req.body);
      if (!parsed) return;
      if (c.withdrawal) {
        ctx.body = { outcome: 'already_withdrawn' };
        return;
      }
      if (c.final) return refuse(ctx, 409, UPSTREAM_ALREADY_DECIDED, 'the case already has a final decision');
      withdraw(c, parsed.reason);
      ctx.body = { outcome: 'withdrawn' };
    }),
  );

  // ---- hooks

  function summary(c: SimCase): UpstreamSimCaseSummary {
    return {
      system: c.system,
      upstreamRef: c.upstreamRef,
      caseNo: c.submission.caseNo,
      itemCode: c.submission.itemCode,
      status: c.events[c.events.length - 1].status,
      awaitingSupplement: c.awaitingSupplement,
      final: c.final,
      withdrawn: Boolean(c.withdrawal),
      manual: c.manual,
      events: c.events.length,
      supplements: c.supplements.length,
    };
  }

  const hooks: UpstreamSimulator = {
    setRule(key, rule) {
      if (rule === null) rules.delete(key);
      else rules.set(key, normaliseRule(rule, defaultDelay));
    },
    events: (ref) => byRef.get(ref)?.events.map((e) => ({ ...e })),
    cases: () => [...byRef.values()].map(summary),
    submission: (ref) => byRef.get(ref)?.submission,
    withdrawal: (ref) => byRef.get(ref)?.withdrawal,
    decideNow(ref, decision, note) {
      const c = byRef.get(ref);
      if (!c || c.final || c.withdrawal || !(UPSTREAM_DECISIONS as readonly string[]).includes(decision)) return undefined;
      cancel(c.stepTimer);
      c.stepTimer = undefined;
      c.manual = true;
      return emit(c, decision, note);
    },
    pendingTimers: () => timers.size,
    deliveries: () => attemptsLog.map((a) => ({ ...a })),
    stop() {
      timers.stop();
      aborter.abort();
    },
  };

  // ---- dev routes (this router is never mounted in production)

  const dev = '/upstream/dev';
  async function json(ctx: Context): Promise<Record<string, unknown> | undefined> {
    const body = parseJsonObject(await readRawBody(ctx, 64 * 1024));
    if (!body) refuse(ctx, 400, 'INVALID_JSON', 'body must be a JSON object');
    return body;
  }

  sim.router.get(`${dev}/cases`, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { cases: hooks.cases() };
  });

  sim.router.get(`${dev}/cases/:ref/events`, (ctx) => {
    const events = hooks.events(ctx.params.ref);
    if (!events) return refuse(ctx, 404, 'CASE_NOT_FOUND', 'no such case');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { events };
  });

  sim.router.post(`${dev}/cases/:ref/decide`, async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const { decision, note } = body;
    if (typeof decision !== 'string' || !(UPSTREAM_DECISIONS as readonly string[]).includes(decision)) {
      return refuse(ctx, 400, 'INVALID_ARGUMENT', `decision must be one of ${UPSTREAM_DECISIONS.join(', ')}`);
    }
    if (note !== undefined && typeof note !== 'string') return refuse(ctx, 400, 'INVALID_ARGUMENT', 'note must be a string');
    const c = byRef.get(ctx.params.ref);
    if (!c) return refuse(ctx, 404, 'CASE_NOT_FOUND', 'no such case');
    if (c.withdrawal) return refuse(ctx, 409, 'CASE_WITHDRAWN', 'the case was withdrawn');
    const event = hooks.decideNow(ctx.params.ref, decision as UpstreamDecision, note);
    if (!event) return refuse(ctx, 409, 'CASE_FINAL', 'the case already has a final decision');
    ctx.body = { event };
  });

  sim.router.post(`${dev}/rules`, async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const { itemCode, rule } = body;
    if (typeof itemCode !== 'string' || !itemCode) return refuse(ctx, 400, 'INVALID_ARGUMENT', "itemCode (or 'default') is required");
    try {
      hooks.setRule(itemCode, rule === null ? null : (rule as UpstreamRule));
    } catch (err) {
      return refuse(ctx, 400, 'INVALID_ARGUMENT', (err as Error).message);
    }
    ctx.body = { ok: true };
  });

  return hooks;
}
