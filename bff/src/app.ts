import fs from 'node:fs';
import path from 'node:path';
import Koa, { type Context, type Next } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import compress from 'koa-compress';
import serveStatic from 'koa-static';
import send from 'koa-send';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { API_PREFIX, CONSOLE_API_PREFIX, OPEN_API_PREFIX } from '@onevisit/shared-types';
import type { Container } from './container';
import { AppError, errorMiddleware } from './http/errors';
import { metricsMiddleware } from './http/metrics';
import { buildOpenApi } from './http/openapi';
import { rateLimitByIp } from './http/rateLimit';
import { requestContext } from './http/requestContext';
import { ApiRouter } from './http/route';
import { calendarRoutes } from './modules/calendar/routes';
import { outboxRoutes } from './outbox';
import { catalogRoutes } from './modules/catalog/routes';
import { consoleRoutes } from './modules/console/routes';
import { healthRoutes } from './modules/health/routes';
import { citizenAuthenticator, identityRoutes } from './modules/identity/routes';
import { notificationRoutes } from './modules/notifications/routes';
import { applicationRoutes, caseDeskRoutes, upstreamCallbackRouter } from './modules/applications';
import { paymentConsoleRoutes, paymentNoticeRouter, paymentRoutes } from './modules/payments';
import { courierPushRouter, deliveryConsoleRoutes, deliveryRoutes } from './modules/delivery';
import { openApiRoutes, partnerConsoleRoutes } from './modules/partners';
import { jwksRouter, licenceLibraryCallbackRouter, licenceOpenRoutes, licenceRoutes } from './modules/licences';

const DOCS_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>OneVisit API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

function responseHeaders(lifecycle: Container['lifecycle']) {
  return async (ctx: Context, next: Next) => {
    if (lifecycle.draining) ctx.set('Connection', 'close');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    await next();
  };
}

function onlyUnder(prefix: string, middleware: Koa.Middleware) {
  return (ctx: Context, next: Next) => (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`) ? middleware(ctx, next) : next());
}

/** Docs and ops endpoints: OpenAPI JSON, Swagger UI, Prometheus metrics. */
function opsRouter(container: Container, openapi: () => unknown): Router {
  const router = new Router();
  const swaggerDir = getAbsoluteFSPath();
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi();
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'html';
    ctx.body = DOCS_HTML;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = DOCS_INIT;
  });
  router.get('/docs/assets/:file', async (ctx) => {
    if (!/^[\w.-]+$/.test(ctx.params.file)) return;
    await send(ctx, ctx.params.file, { root: swaggerDir, maxage: 86_400_000 });
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = container.metrics.registry.contentType;
    ctx.body = await container.metrics.registry.metrics();
  });
  return router;
}

/** The built H5 mini-program at `/`: hashed assets cached for a year, index.html always revalidated. */
function h5(dir: string): Koa.Middleware {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    return async (ctx, next) => {
      if (ctx.method !== 'GET' || ctx.path !== '/') return next();
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'The H5 mini-program is not built yet: run `npm run build:h5` (npm start does it for you).';
    };
  }
  return serveStatic(dir, {
    index: 'index.html',
    setHeaders(res, filePath) {
      res.setHeader('Cache-Control', filePath.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}

/**
 * The console's built pages at `/console` (a single-page app: unknown paths get index.html).
 * `/console/api` never reaches here: its router answers first, unknown API paths 404 there.
 */
function consolePages(dir: string): Koa.Middleware {
  const index = path.join(dir, 'index.html');
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !(ctx.path === '/console' || ctx.path.startsWith('/console/')) || ctx.path.startsWith(`${CONSOLE_API_PREFIX}/`)) return next();
    if (!fs.existsSync(index)) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'The console is not built yet: run `npm run build:console` (npm start does it for you).';
      return;
    }
    const file = ctx.path.replace(/^\/console\/?/, '');
    if (file && /^[\w./-]+$/.test(file) && !file.includes('..') && fs.existsSync(path.join(dir, file)) && fs.statSync(path.join(dir, file)).isFile()) {
      await send(ctx, file, { root: dir, maxage: file.startsWith('assets/') ? 31_536_000_000 : 0, immutable: file.startsWith('assets/') });
      return;
    }
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, 'index.html', { root: dir });
  };
}

/** Builds the Koa app from the container. No I/O happens here. */
export function createApp(container: Container): Koa {
  const { config } = container;
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;

  const api = new ApiRouter(API_PREFIX, {
    validateResponses: config.validateResponses,
    authenticators: { citizen: citizenAuthenticator(container.identity) },
  }).add(
    ...catalogRoutes(container.catalog),
    ...identityRoutes(container.identity, container.kv.rateLimiter({ name: 'sms-ip', points: config.smsPerIpPerHour, durationSeconds: 3600 })),
    ...notificationRoutes(container.notifications),
    ...applicationRoutes({
      cases: container.applications.cases,
      bundles: container.applications.bundles,
      uploads: container.applications.uploads,
      uploadLimiter: container.kv.rateLimiter({ name: 'uploads-user', points: 120, durationSeconds: 3600 }),
    }),
    ...paymentRoutes(container.payments),
    ...deliveryRoutes(container.delivery.addresses, container.delivery.shipments),
    ...licenceRoutes(container.licences.service, container.partners.registry),
  );
  const consoleApi = new ApiRouter(CONSOLE_API_PREFIX, {
    validateResponses: config.validateResponses,
    authenticators: { staff: container.staff.authenticator() },
  }).add(
    ...consoleRoutes({
      staff: container.staff,
      identity: container.identity,
      citizens: container.citizenAccess,
      audit: container.audit,
      loginLimiters: {
        byIpAndUser: container.kv.rateLimiter({ name: 'console-login-user', points: 10, durationSeconds: 900 }),
        byIp: container.kv.rateLimiter({ name: 'console-login-ip', points: 50, durationSeconds: 900 }),
      },
    }),
    ...calendarRoutes({ calendar: container.calendar }),
    ...outboxRoutes({ outbox: container.outbox, audit: container.audit }),
    ...caseDeskRoutes(container.applications.desk),
    ...paymentConsoleRoutes(container.payments, container.audit),
    ...deliveryConsoleRoutes(container.delivery.shipments),
    ...partnerConsoleRoutes({ registry: container.partners.registry, feed: container.partners.feed, evidence: container.partners.evidence, audit: container.audit }),
  );
  const openApi = new ApiRouter(OPEN_API_PREFIX, {
    validateResponses: config.validateResponses,
    authenticators: { partner: container.partners.gateway.authenticator() },
  }).add(...openApiRoutes({ catalog: container.catalog, cases: container.partners.cases, feed: container.partners.feed }), ...licenceOpenRoutes(container.licences.service));
  const ops = new ApiRouter('', { validateResponses: config.validateResponses }).add(
    ...healthRoutes(
      [
        { name: 'database', check: () => container.database.ping() },
        { name: 'kv', check: () => container.kv.ping() },
      ],
      () => container.lifecycle.draining,
    ),
  );
  let openapiDoc: unknown;
  const openapi = () =>
    (openapiDoc ??= buildOpenApi(
      {
        title: 'OneVisit API',
        version: '1.0.0',
        description:
          'APIs of the OneVisit public-security service platform (湖南公安服务平台 reference deployment): the citizen API (/api/v1), the console API (/console/api) and the signed open API for government platforms (/open/v1, see docs/open-api.md).',
      },
      [api, consoleApi, openApi, ops].map((r) => ({ prefix: r.prefix, routes: r.routes })),
    ));

  const limiter = container.kv.rateLimiter({ name: 'api-ip', points: config.rateLimitPerMinute, durationSeconds: 60 });

  app.use(requestContext(container.logger));
  app.use(metricsMiddleware(container.metrics));
  app.use(errorMiddleware());
  app.use(responseHeaders(container.lifecycle));
  app.use(compress({ threshold: 2048 }));
  app.use(ops.router.routes());
  app.use(opsRouter(container, openapi).routes());
  // Public keys of presentation tokens and the front-desk verifier page (offline verification).
  app.use(jwksRouter(container.licences.keys).routes());
  app.use(onlyUnder(API_PREFIX, rateLimitByIp(limiter)));
  // Signed over the raw bytes: before any body parser.
  app.use(upstreamCallbackRouter(container.applications.upstream, container.applications.callbackCredentials, container.kv).routes());
  app.use(paymentNoticeRouter(container.payments).routes());
  app.use(courierPushRouter(container.delivery.shipments, container.delivery.pushCredentials, container.kv).routes());
  app.use(licenceLibraryCallbackRouter(container.licences.service, container.licences.callbackCredentials, container.kv).routes());
  // The partner routes: signature checked over the raw body, evidence recorded, the partner's dialect spoken.
  app.use(container.partners.gateway.door((ctx) => ctx.path.startsWith(`${OPEN_API_PREFIX}/`) && openApi.router.match(ctx.path, ctx.method).route));
  app.use(openApi.router.routes());
  app.use(openApi.router.allowedMethods({ throw: true }));
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' });
  app.use(onlyUnder(API_PREFIX, json));
  app.use(onlyUnder(CONSOLE_API_PREFIX, json));
  for (const router of [api, consoleApi]) {
    app.use(router.router.routes());
    app.use(router.router.allowedMethods({ throw: true }));
  }
  app.use(onlyUnder(CONSOLE_API_PREFIX, async () => {
    throw new AppError('ROUTE_NOT_FOUND', 'no such console API route');
  }));
  if (container.simulators) app.use(container.simulators.router.routes());
  app.use(consolePages(config.consoleDir));
  app.use(h5(config.h5Dir));
  return app;
}
