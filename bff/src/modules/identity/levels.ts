import type { IdentityLevel, IdentityStep } from '@onevisit/shared-types';
import { levelAtLeast } from '@onevisit/shared-types';

/**
 * L1 logged in; L2 real-name checked against the household registration; L3 real-person: a face
 * check, valid for a configured number of days, after which the citizen is L2 again until the next.
 */
export function levelOf(user: { real_name_at: string | null; face_verified_at: string | null }, faceValidMs: number, now = Date.now()): IdentityLevel {
  if (!user.real_name_at) return 'L1';
  if (user.face_verified_at && Date.parse(`${user.face_verified_at.replace(' ', 'T')}Z`) + faceValidMs > now) return 'L3';
  return 'L2';
}

/** The next step that raises `current` towards `required`, or null when it is enough. */
export function nextStep(current: IdentityLevel, required: IdentityLevel): IdentityStep | null {
  if (levelAtLeast(current, required)) return null;
  return current === 'L1' ? 'real_name' : 'face';
}
