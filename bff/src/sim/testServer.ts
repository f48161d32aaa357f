/**
 * Test support: the simulators on a bare Koa app on an ephemeral port of 127.0.0.1, so adapter
 * tests exercise real HTTP. Not used by production code.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createSimulators, type SimulatorOptions, type Simulators } from './index';

export interface SimServer {
  sims: Simulators;
  /** Origin, e.g. http://127.0.0.1:53211 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

export async function startSimServer(options: SimulatorOptions & { before?: (app: Koa) => void } = {}): Promise<SimServer> {
  let url = '';
  const { before, ...simOptions } = options;
  const sims = createSimulators({ publicBase: () => url, ...simOptions });
  const app = new Koa();
  app.silent = true;
  before?.(app);
  app.use(sims.router.routes());
  app.use(sims.router.allowedMethods());
  const server = await listen(app);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { sims, url, close: () => closeServer(server) };
}

export function listen(app: Koa): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** An origin where nothing listens (a port just released). */
export async function deadOrigin(): Promise<string> {
  const server = await listen(new Koa());
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}
