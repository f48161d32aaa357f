import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { HOUSEHOLD_RESIDENTS, SIM_IDP_ISSUERS, simulatedIssuers } from './index';
import { startSimServer, type SimServer } from './testServer';

describe('simulated trusted issuers (mutual recognition)', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ idpAudience: 'onevisit-430000' });
  });
  afterAll(() => server.close());

  const claims = { sub: 'hb-user-1', name: '张三', idNumber: HOUSEHOLD_RESIDENTS[0].idNumber, acr: 'L3' as const };
  const verify = (token: string, issuerId: string, options: { audience?: string } = {}) => {
    const issuer = server.sims.issuers().find((i) => i.id === issuerId)!;
    return jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUrl)), { issuer: issuer.issuer, audience: options.audience ?? 'onevisit-430000', algorithms: ['ES256'] });
  };

  it('lists four issuers with their iss and JWKS URL under the public base', () => {
    expect(SIM_IDP_ISSUERS.map((i) => i.id)).toEqual(['hunan', 'hubei', 'chongqing', 'sichuan']);
    expect(server.sims.issuers()).toEqual(simulatedIssuers(server.url));
    expect(server.sims.issuers()[1]).toEqual({
      id: 'hubei',
      name: '湖北政务服务网',
      issuer: `${server.url}/sim/idp/hubei`,
      jwksUrl: `${server.url}/sim/idp/hubei/.well-known/jwks.json`,
    });
  });

  it('mints ES256 tokens with kid, iss, aud, sub, iat, nbf, exp (5 minutes) and the identity claims', async () => {
    const token = await server.sims.dev.idpToken('hubei', claims);
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: await server.sims.dev.idpCurrentKid('hubei') });
    const { payload } = await verify(token, 'hubei');
    expect(payload).toMatchObject({ iss: `${server.url}/sim/idp/hubei`, aud: 'onevisit-430000', sub: 'hb-user-1', name: '张三', id_number: HOUSEHOLD_RESIDENTS[0].idNumber, acr: 'L3' });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.nbf).toBe(payload.iat);
    expect(typeof payload.jti).toBe('string');
  });

  it('gives each issuer its own key: a token does not verify against another issuer', async () => {
    const jwks = (await (await fetch(`${server.url}/sim/idp/hunan/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.stringMatching(/^hunan-/) })]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const token = await server.sims.dev.idpToken('hunan', claims, { iss: server.sims.issuers()[3].issuer });
    await expect(verify(token, 'sichuan')).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect((await fetch(`${server.url}/sim/idp/guangdong/.well-known/jwks.json`)).status).toBe(404);
    const config = await (await fetch(`${server.url}/sim/idp/chongqing/.well-known/openid-configuration`)).json();
    expect(config).toMatchObject({ issuer: `${server.url}/sim/idp/chongqing`, jwks_uri: `${server.url}/sim/idp/chongqing/.well-known/jwks.json`, service_name: '渝快办' });
  });

  it('lets negative tests override exp, nbf and aud', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verify(await server.sims.dev.idpToken('hunan', claims, { iat: now - 600, exp: now - 60 }), 'hunan')).rejects.toBeInstanceOf(errors.JWTExpired);
    await expect(verify(await server.sims.dev.idpToken('hunan', claims, { nbf: now + 600 }), 'hunan')).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
    await expect(verify(await server.sims.dev.idpToken('hunan', claims, { aud: 'someone-else' }), 'hunan')).rejects.toThrow(/aud/);
    const long = await server.sims.dev.idpToken('hunan', claims, { expiresIn: 3600 });
    const { payload } = await verify(long, 'hunan');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('rotates keys: old tokens verify while the old key is published, and fail once it is removed', async () => {
    const oldKid = await server.sims.dev.idpCurrentKid('chongqing');
    const before = await server.sims.dev.idpToken('chongqing', claims);
    const { kid, removed } = await server.sims.dev.idpRotateKey('chongqing');
    expect(kid).not.toBe(oldKid);
    expect(removed).toEqual([]);
    const after = await server.sims.dev.idpToken('chongqing', claims);
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    await expect(verify(before, 'chongqing')).resolves.toBeTruthy();
    await expect(verify(after, 'chongqing')).resolves.toBeTruthy();
    const published = (await (await fetch(`${server.url}/sim/idp/chongqing/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toEqual([oldKid, kid]);

    server.sims.dev.idpRemoveKey('chongqing', oldKid);
    await expect(verify(before, 'chongqing')).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    await expect(verify(after, 'chongqing')).resolves.toBeTruthy();
  });

  it('mints over HTTP for browser tests and developers', async () => {
    const res = await fetch(`${server.url}/sim/dev/idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ issuer: 'sichuan', sub: 'sc-9', name: '李四', idNumber: HOUSEHOLD_RESIDENTS[1].idNumber, acr: 'L2' }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const { payload } = await verify(token, 'sichuan');
    expect(payload).toMatchObject({ sub: 'sc-9', acr: 'L2', iss: `${server.url}/sim/idp/sichuan` });
    const bad = await fetch(`${server.url}/sim/dev/idp/token`, { method: 'POST', body: JSON.stringify({ issuer: 'guangdong' }) });
    expect(bad.status).toBe(400);
  });
});
