import { z } from 'zod';
import { defineRoute, type AnyRouteDef } from '../../http/route';
import { AppError } from '../../http/errors';

export interface Probe {
  name: string;
  check(): Promise<void>;
}

const HealthSchema = z.object({ status: z.literal('ok') });
const ReadySchema = z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.literal('ok')) });

/**
 * `/healthz`: the process answers (liveness). `/readyz`: the database and the KV answer and the
 * process is not draining (readiness; a load balancer stops sending traffic when it fails).
 */
export function healthRoutes(probes: Probe[], isDraining: () => boolean): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process is up',
      tags: ['ops'],
      security: 'public',
      response: HealthSchema,
      handler: async () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: database and KV answer, not shutting down',
      tags: ['ops'],
      security: 'public',
      response: ReadySchema,
      errors: ['SERVICE_UNAVAILABLE'],
      handler: async () => {
        if (isDraining()) throw new AppError('SERVICE_UNAVAILABLE', 'shutting down');
        const results = await Promise.all(
          probes.map(async (p) => {
            try {
              await Promise.race([p.check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
              return [p.name, null] as const;
            } catch (err) {
              return [p.name, err instanceof Error ? err.message : String(err)] as const;
            }
          }),
        );
        const failed = results.filter(([, error]) => error !== null);
        if (failed.length) throw new AppError('SERVICE_UNAVAILABLE', `not ready: ${failed.map(([n]) => n).join(', ')}`);
        return { status: 'ready' as const, checks: Object.fromEntries(results.map(([n]) => [n, 'ok' as const])) };
      },
    }),
  ];
}
