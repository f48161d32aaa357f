// Setup for the e-licence benchmarks, over HTTP against the spawned server: an L3 citizen opens the
// wallet (the licences arrive from the simulated licence library) and shows the ID card for a hotel
// check-in once; a hotel registered in the console verifies. Verification is single use, so every
// measured request carries its own token: the bench holds the server's signing key (it passes
// LICENCE_SIGNING_KEYS to the server) and mints a pool of tokens with the real claims of that
// presentation and fresh token ids, before the run.
import { randomBytes } from 'node:crypto';
import type { LicenceList, PartnerSecretIssued, Presentation, PresentationClaims } from '@onevisit/shared-types';
import { LicenceKeyRing } from '../../bff/src/modules/licences/keys';
import { signPresentation } from '../../bff/src/modules/licences/tokens';
import { signedHeaders } from '../../bff/src/modules/partners/signature';
import { ConsoleClient } from '../../bff/src/testing/console';
import { OfflineVerifier } from '../licence-verifier/verifier';
import { call } from './applications';
import { l3Citizen } from './notifications';
import { BENCH_ADMIN } from './openApi';

export interface LicenceBenchKey {
  env: { LICENCE_SIGNING_KEYS: string; LICENCE_SIGNING_KID: string };
  ring: LicenceKeyRing;
}

export async function licenceBenchKey(): Promise<LicenceBenchKey> {
  const kid = `bench-${randomBytes(4).toString('hex')}`;
  const { privateJwk } = await LicenceKeyRing.generate('ES256', kid);
  return { env: { LICENCE_SIGNING_KEYS: JSON.stringify([privateJwk]), LICENCE_SIGNING_KID: kid }, ring: await LicenceKeyRing.fromJwks([privateJwk], kid) };
}

export interface LicenceFixture {
  /** The next request's body and signed headers (one fresh token each). */
  next(): { body: string; headers: Record<string, string> };
  /** A fresh token, for offline verification. */
  sample: string;
  minted: number;
}

export async function setupLicences(base: string, key: LicenceBenchKey, pool: number): Promise<LicenceFixture> {
  const citizen = await l3Citizen(base);
  const wallet = await call<LicenceList>(base, 'GET', '/api/v1/licences', { headers: citizen.auth });
  const card = wallet.licences.find((l) => l.type === 'id_card');
  if (!card) throw new Error('the simulated library gave the citizen no ID card');
  const shown = await call<Presentation>(base, 'POST', `/api/v1/licences/${encodeURIComponent(card.licenceId)}/presentations`, { json: { purpose: 'hotel_checkin' }, headers: citizen.auth });
  const claims = JSON.parse(Buffer.from(shown.token.split('.')[1], 'base64url').toString('utf8')) as PresentationClaims;

  const admin = new ConsoleClient(base);
  const login = await admin.login(BENCH_ADMIN.username, BENCH_ADMIN.password);
  if (login.status !== 200) throw new Error(`console login: ${login.status}`);
  const appId = `hotel-${randomBytes(3).toString('hex')}`;
  const res = await admin.request('POST', '/partners', { appId, name: '基准测试酒店', algorithm: 'HMAC-SM3', scopes: ['licences:verify'], relyingPartyType: 'hotel', rateLimitPerMinute: 100_000 });
  if (res.status !== 200) throw new Error(`register hotel: ${res.status} ${await res.text()}`);
  const { secret } = (await res.json()) as PartnerSecretIssued;

  const tokens: string[] = [];
  for (let i = 0; i < pool; i++) tokens.push((await signPresentation(key.ring, { sub: claims.sub, lt: claims.lt, pur: claims.pur, fld: claims.fld, st: claims.st }, { ttlSeconds: 60 })).token);
  let n = 0;
  return {
    minted: tokens.length,
    sample: tokens[tokens.length - 1],
    next() {
      const body = JSON.stringify({ token: tokens[n++ % tokens.length], reason: '入住登记（基准测试）' });
      return { body, headers: { ...signedHeaders({ algorithm: 'HMAC-SM3', appId, secret: secret!, method: 'POST', url: '/open/v1/licences/verify', body }), 'content-type': 'application/json' } };
    },
  };
}

/** Offline verifications per second of one token against cached keys, in this process, for `ms`. */
export async function offlineRate(base: string, token: string, issuer: string, ms = 3000): Promise<{ perSecond: number; count: number }> {
  const verifier = new OfflineVerifier({ jwksUrl: `${base}/.well-known/jwks.json`, issuer });
  await verifier.refreshKeys();
  const first = await verifier.verify(token);
  if (!first.ok) throw new Error(`offline verification refused the sample: ${first.code}`);
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < ms) {
    await verifier.verify(token);
    count++;
  }
  return { perSecond: count / ((performance.now() - started) / 1000), count };
}
