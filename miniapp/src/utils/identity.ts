import { IDENTITY_LEVEL_NAMES, IDENTITY_LEVELS, isValidIdNumber, type IdentityLevel, type IdentityStep } from '@onevisit/shared-types/client';

/** The citizen's level as a badge reads: `L2 实名`. */
export const LEVEL_SHORT_NAMES: Record<IdentityLevel, string> = {
  L1: '已登录',
  L2: '实名',
  L3: '实人',
};

export function levelBadgeText(level: IdentityLevel): string {
  return `${level} ${LEVEL_SHORT_NAMES[level]}`;
}

/** What a citizen at `level` may handle: every requirement up to it (IDENTITY_LEVEL_NAMES). */
export function levelCovers(level: IdentityLevel): string[] {
  return IDENTITY_LEVELS.slice(0, IDENTITY_LEVELS.indexOf(level) + 1).map((l) => IDENTITY_LEVEL_NAMES[l]);
}

/** The next step up from `level` (null at L3). */
export function nextStepFor(level: IdentityLevel | undefined): IdentityStep | null {
  if (!level) return 'login';
  if (level === 'L1') return 'real_name';
  if (level === 'L2') return 'face';
  return null;
}

/** The button that leads to a step. */
export const STEP_ACTIONS: Record<IdentityStep, string> = {
  login: '去登录',
  real_name: '去实名认证',
  face: '去刷脸认证',
};

const NAME = /^[\u4e00-\u9fa5·]{2,30}$/;

export interface RealNameInput {
  name: string;
  idNumber: string;
}
export type RealNameErrors = Partial<Record<keyof RealNameInput, string>>;

/** Trims the name, removes spaces from the ID number and upper-cases its X. */
export function normaliseRealName(input: RealNameInput): RealNameInput {
  return { name: input.name.trim(), idNumber: input.idNumber.replace(/\s+/g, '').toUpperCase() };
}

/** Field-level checks before anything is sent: the same rules as the BFF's schema. */
export function validateRealName(raw: RealNameInput, today: Date = new Date()): RealNameErrors {
  const { name, idNumber } = normaliseRealName(raw);
  const errors: RealNameErrors = {};
  if (!name) errors.name = '请输入姓名';
  else if (!NAME.test(name)) errors.name = '姓名应为 2–30 个汉字（少数民族姓名可含“·”）';
  if (!idNumber) errors.idNumber = '请输入身份证号码';
  else if (idNumber.length !== 18) errors.idNumber = `身份证号码应为 18 位（已输入 ${idNumber.length} 位）`;
  else if (!isValidIdNumber(idNumber, today)) errors.idNumber = '身份证号码有误，请核对（含出生日期与末位校验码）';
  return errors;
}

/** A mainland mobile number typed with spaces or dashes → 11 digits. */
export function normalisePhone(raw: string): string {
  return raw.replace(/[\s-]+/g, '');
}
