/**
 * The police business systems (户政 household, 出入境 exit-entry, 交管 traffic, 治安 public order) as
 * one port: the applications capability hands a case to its department's system and hears back,
 * by polling `queryStatus` or through signed status callbacks (see `./callback.ts`).
 * The real client is `./client.ts`; the simulator is `sim/upstream.ts`.
 */
import { z } from 'zod';

export const UPSTREAM_SYSTEMS = ['household', 'exit_entry', 'traffic', 'public_order'] as const;
export type UpstreamSystem = (typeof UPSTREAM_SYSTEMS)[number];

export const UPSTREAM_DECISIONS = ['accepted', 'supplement_requested', 'not_accepted', 'approved', 'rejected'] as const;
export type UpstreamDecision = (typeof UPSTREAM_DECISIONS)[number];

/** Decisions after which the upstream system sends nothing more for the case. */
export const FINAL_UPSTREAM_DECISIONS: readonly UpstreamDecision[] = ['not_accepted', 'approved', 'rejected'];

export interface UpstreamMaterial {
  name: string;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
  mime: string;
  bytes: number;
}

export interface UpstreamCaseSubmission {
  caseNo: string;
  itemCode: string;
  applicant: { name: string; idNumber: string; phone?: string };
  form: Record<string, unknown>;
  materials: UpstreamMaterial[];
  /** ISO 8601 with offset. */
  submittedAt: string;
}

export interface UpstreamStatus {
  upstreamRef: string;
  caseNo: string;
  status: 'received' | UpstreamDecision;
  note?: string;
  supplementReasons?: string[];
  /** ISO 8601 with offset. */
  at: string;
  /** Unique per event: receivers dedupe on it (callbacks may arrive more than once). */
  eventId: string;
}

export interface UpstreamPort {
  /** Idempotent by caseNo on the upstream side: the same caseNo again answers the same upstreamRef. */
  submit(system: UpstreamSystem, c: UpstreamCaseSubmission): Promise<{ upstreamRef: string }>;
  /** All events so far, oldest first. */
  queryStatus(system: UpstreamSystem, upstreamRef: string): Promise<UpstreamStatus[]>;
  /** Answers a pending supplement request (补正) with the new materials. */
  answerSupplement(system: UpstreamSystem, upstreamRef: string, materials: UpstreamCaseSubmission['materials'], note?: string): Promise<void>;
  /**
   * Withdraws (撤回) the case: the department stops work on it and sends no more events. Idempotent.
   * Refused (AdapterError 'rejected', UPSTREAM_ALREADY_DECIDED) once the case has a final decision.
   */
  withdraw(system: UpstreamSystem, upstreamRef: string, reason: string): Promise<{ outcome: UpstreamWithdrawOutcome }>;
}

/** `withdrawn` by this call, or `already_withdrawn` by an earlier one (a retry). */
export const UPSTREAM_WITHDRAW_OUTCOMES = ['withdrawn', 'already_withdrawn'] as const;
export type UpstreamWithdrawOutcome = (typeof UPSTREAM_WITHDRAW_OUTCOMES)[number];

/** The 409 code of a withdrawal that comes too late: the department already decided the case. */
export const UPSTREAM_ALREADY_DECIDED = 'CASE_ALREADY_DECIDED';

export function isUpstreamSystem(v: unknown): v is UpstreamSystem {
  return typeof v === 'string' && (UPSTREAM_SYSTEMS as readonly string[]).includes(v);
}

export function isUpstreamWithdrawOutcome(v: unknown): v is UpstreamWithdrawOutcome {
  return typeof v === 'string' && (UPSTREAM_WITHDRAW_OUTCOMES as readonly string[]).includes(v);
}

// Wire schemas: the client checks answers with them, the simulator checks requests, the callback
// route checks pushed events. Protocol shape only — no business rules.

const text = (max: number) => z.string().min(1).max(max);

export const UpstreamMaterialSchema = z.object({
  name: text(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mime: text(100),
  bytes: z.number().int().nonnegative(),
});

export const UpstreamCaseSubmissionSchema = z.object({
  caseNo: text(64),
  itemCode: text(64),
  applicant: z.object({ name: text(60), idNumber: text(18), phone: text(20).optional() }),
  form: z.record(z.string(), z.unknown()),
  materials: z.array(UpstreamMaterialSchema).max(100),
  submittedAt: z.iso.datetime({ offset: true }),
});

export const UpstreamStatusSchema = z.object({
  upstreamRef: text(64),
  caseNo: text(64),
  status: z.enum(['received', ...UPSTREAM_DECISIONS]),
  note: z.string().max(2000).optional(),
  supplementReasons: z.array(text(500)).max(50).optional(),
  at: z.iso.datetime({ offset: true }),
  eventId: text(64),
});

export const UpstreamSupplementSchema = z.object({
  materials: z.array(UpstreamMaterialSchema).min(1).max(100),
  note: z.string().max(2000).optional(),
});

export const UpstreamWithdrawalSchema = z.object({ reason: text(500) });

/** The body of a status callback: one event, plus the system that sent it. */
export const UpstreamCallbackSchema = UpstreamStatusSchema.extend({ system: z.enum(UPSTREAM_SYSTEMS) });
