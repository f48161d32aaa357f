import http from 'node:http';
import type { DestinationStream } from 'pino';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createContainer, type Container } from './container';
import { createLogger } from './logger';
import { CALENDAR_SEED } from './modules/calendar/seed';
import { seedBundles, seedItems } from './modules/catalog/seed';

export interface RunningServer {
  server: http.Server;
  container: Container;
  url: string;
  stop(): Promise<void>;
}

/** Connects, migrates, seeds an empty catalogue and listens. */
export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { logDestination?: DestinationStream } = {},
): Promise<RunningServer> {
  const started = Date.now();
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, options.logDestination);
  const container = await createContainer(config, logger);
  try {
    await container.database.migrate();
    const seeded = await container.catalog.seedIfEmpty(seedItems, seedBundles);
    if (seeded) logger.info({ items: seeded, bundles: seedBundles.length }, 'seeded the service catalogue');
    const calendarYears = await container.calendar.seedIfEmpty(CALENDAR_SEED);
    if (calendarYears.length) logger.info({ years: calendarYears }, 'seeded the working-day calendar');
    const admin = await container.staff.ensureFirstAdmin(config.staff.firstAdmin);
    if (admin === 'created') logger.info({ username: config.staff.firstAdmin!.username }, 'created the first console admin');
    if (admin === 'none') logger.warn('no console admin yet: set CONSOLE_ADMIN_USERNAME and CONSOLE_ADMIN_PASSWORD, or run npm run console:admin -- <username>');
  } catch (err) {
    await container.close();
    throw err;
  }
  const app = createApp(container);
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  container.selfUrl.value = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  // Deliveries may call the in-process simulators: start once listening.
  container.outboxDispatcher.start(1_000);
  container.applications.sweep.start(config.applications.slaSweepSeconds * 1000);
  container.payments.start(config.payments.sweepSeconds * 1000);
  container.delivery.shipments.start(config.delivery.trackingSweepSeconds * 1000);
  container.partners.evidence.start(config.openApi.purgeSeconds);
  container.partners.province.job.start(config.province.catalogPushSeconds);
  logger.info({ url, db: config.db.kind, kv: config.kv.kind, simulators: Boolean(container.simulators), ms: Date.now() - started }, 'OneVisit BFF listening');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      container.lifecycle.draining = true;
      const dispatcherStopped = container.outboxDispatcher.stop();
      logger.info('shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections turn idle as their last response ends; close them as they do.
      server.closeIdleConnections();
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        logger.warn('shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      clearInterval(reaper);
      clearTimeout(timer);
      await dispatcherStopped;
      await container.close();
      logger.info('stopped');
    })());
  return { server, container, url, stop };
}

async function main() {
  try {
    const running = await startServer();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    process.exit(1);
  }
}

if (require.main === module) void main();
