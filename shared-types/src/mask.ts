/**
 * Masking for display and logs: enough to recognise, not enough to use.
 * `430***********1234` for a resident ID number, `138****5678` for a mobile number.
 */
export function maskIdNumber(id: string): string {
  if (id.length < 8) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

// No lookbehind: it is a syntax error on iOS before 16.4, where the mini-program may run this.
const ID_NUMBER_IN_TEXT = /(^|[^0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])/g;
const MOBILE_IN_TEXT = /(^|\D)(1[3-9]\d{9})(?!\d)/g;

/** Masks every resident ID number and mobile number found in free text (log lines, notes). */
export function maskPersonalDataInText(text: string): string {
  return text
    .replace(ID_NUMBER_IN_TEXT, (_m, before: string, id: string) => before + maskIdNumber(id))
    .replace(MOBILE_IN_TEXT, (_m, before: string, phone: string) => before + maskPhone(phone));
}
