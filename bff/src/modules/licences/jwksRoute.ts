import fs from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  JWKS_PATH,
  LICENCE_FIELD_KEYS,
  LICENCE_FIELDS,
  LICENCE_TYPES,
  PRESENTATION_MAX_SECONDS,
  PRESENTATION_PURPOSES,
  PRESENTATION_TOKEN_TYPE,
  VERIFIER_PAGE_PATH,
} from '@onevisit/shared-types';
import type { LicenceKeyRing } from './keys';

const PAGE_DIR = path.join(__dirname, 'verifier-page');

/** What the verifier page needs besides the keys, from the shared tables (one source of truth). */
export interface VerifierLabels {
  issuer: string;
  tokenType: string;
  maxSeconds: number;
  clockToleranceSeconds: number;
  licenceTypes: Record<string, string>;
  purposes: Record<string, string>;
  /** [field key, label], in display order. */
  fields: [string, string][];
}

export function verifierLabels(issuer: string): VerifierLabels {
  return {
    issuer,
    tokenType: PRESENTATION_TOKEN_TYPE,
    maxSeconds: PRESENTATION_MAX_SECONDS,
    clockToleranceSeconds: 5,
    licenceTypes: Object.fromEntries(Object.entries(LICENCE_TYPES).map(([code, t]) => [code, t.name])),
    purposes: Object.fromEntries(Object.entries(PRESENTATION_PURPOSES).map(([code, p]) => [code, p.name])),
    fields: LICENCE_FIELD_KEYS.map((key) => [key, LICENCE_FIELDS[key].label]),
  };
}

/** The page runs only its own script, talks only to this origin, and may use the camera. */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob: mediastream:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The public side of presentation tokens: the key set relying parties verify offline against
 * (`GET /.well-known/jwks.json`, cacheable for 5 minutes, CORS-open: public keys only), and the
 * front-desk verifier page (`GET /verify`, its script and labels). Mount it before the H5 fallback:
 * `app.use(jwksRouter(container.licences.keys).routes())`.
 */
export function jwksRouter(ring: LicenceKeyRing): Router {
  const html = fs.readFileSync(path.join(PAGE_DIR, 'index.html'));
  const script = fs.readFileSync(path.join(PAGE_DIR, 'verifier.js'));
  const labels = JSON.stringify(verifierLabels(ring.issuer));
  const router = new Router();

  router.get(JWKS_PATH, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.type = 'application/json';
    ctx.body = ring.jwks();
  });

  const page = (ctx: Context) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Content-Security-Policy', PAGE_CSP);
    ctx.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  };
  router.get(VERIFIER_PAGE_PATH, page);
  router.get(`${VERIFIER_PAGE_PATH}/`, page);
  router.get(`${VERIFIER_PAGE_PATH}/verifier.js`, (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = script;
  });
  router.get(`${VERIFIER_PAGE_PATH}/labels.json`, (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'application/json';
    ctx.body = labels;
  });
  return router;
}
