/**
 * How an outside system failed: it answered "no" (rejected: a bad code, a mismatch — the
 * citizen's problem), or it could not be reached or answered garbage (unavailable: ours to
 * retry). Adapters throw only this; services turn it into the platform's error codes.
 */
export class AdapterError extends Error {
  constructor(
    readonly system: string,
    readonly kind: 'rejected' | 'unavailable',
    /** The outside system's own code (errcode, sub_code …), for logs and mapping. */
    readonly upstreamCode: string,
    message: string,
  ) {
    super(`${system}: ${message}`);
  }
}
