import type { Context } from 'koa';
import type Router from '@koa/router';
import { FaultBoard, type SystemName } from './util';

/** What every simulator gets from createSimulators. */
export interface SimContext {
  router: Router;
  /** The routers' mount prefix, `/sim` by default. */
  prefix: string;
  /** Clock in ms (tests move it to expire codes and tokens). */
  now: () => number;
  faults: FaultBoard;
  /**
   * The public origin the simulators are reached at (e.g. `http://127.0.0.1:3000`), for URLs they
   * hand out (face page, IdP issuer). Falls back to the request's own origin when not configured;
   * throws outside a request when not configured.
   */
  publicBase(ctx?: Context): string;
}

/** Wraps a handler so the system's injected fault (delay, status) applies first. */
export function guarded(sim: SimContext, system: SystemName, handler: (ctx: Context) => Promise<void> | void) {
  return async (ctx: Context) => {
    if (await sim.faults.apply(system, ctx)) return;
    await handler(ctx);
  };
}
