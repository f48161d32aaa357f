import type { Logger } from '../logger';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
  }
  interface DefaultContext {
    /** Request-scoped logger: every line carries the request id. */
    log: Logger;
  }
}
export {};
