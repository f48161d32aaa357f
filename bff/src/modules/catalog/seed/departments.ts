import type { Department } from '@onevisit/shared-types';

/**
 * Implementing departments of the reference deployment (Hunan, 430000). The credit codes are
 * illustrative: well-formed GB 32100 codes with valid check characters, not the agencies' real
 * registrations. A deployment replaces them with its own through the console (or a seed of its own).
 */
export const departments = {
  provincialBureau: { name: '湖南省公安厅', creditCode: '11430000006940001H' },
  publicOrder: { name: '湖南省公安厅治安管理总队', creditCode: '11430000006940002L' },
  exitEntry: { name: '湖南省公安厅出入境管理局', creditCode: '11430000006940003P' },
  traffic: { name: '湖南省公安厅交通警察总队', creditCode: '11430000006940004T' },
  antiDrug: { name: '湖南省公安厅禁毒总队', creditCode: '11430000006940005X' },
  cyber: { name: '湖南省公安厅网络安全保卫总队', creditCode: '114300000069400061' },
  detention: { name: '湖南省公安厅监所管理总队', creditCode: '114300000069400074' },
  legal: { name: '湖南省公安厅法制总队', creditCode: '114300000069400087' },
} as const satisfies Record<string, Department>;
