// Setup for the open-API benchmark, over HTTP only against the spawned server: an admin registers
// a partner platform in the console (its rate limit raised out of the way), the partner submits
// one case for an attested citizen, and every measured request is signed afresh (its own nonce
// and timestamp), exactly as a partner's client does it.
import { randomBytes } from 'node:crypto';
import type { OpenSubmitResponse, PartnerSecretIssued } from '@onevisit/shared-types';
import { signedHeaders } from '../../bff/src/modules/partners/signature';
import { ConsoleClient } from '../../bff/src/testing/console';
import { materialFixtures } from '../../bff/src/testing/files';
import { testIdNumber } from '../../bff/src/testing/citizens';

export const BENCH_ADMIN = { username: 'bench.admin', password: `Bench-${randomBytes(9).toString('base64url')}-42` };
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明: in-house, electronic

export interface OpenApiFixture {
  /** Fresh signed headers for one request. */
  headers(method: string, path: string): Record<string, string>;
  caseNo: string;
  serialNo: string;
}

export async function setupOpenApi(base: string, algorithm: 'HMAC-SHA256' | 'HMAC-SM3'): Promise<OpenApiFixture> {
  const admin = new ConsoleClient(base);
  const login = await admin.login(BENCH_ADMIN.username, BENCH_ADMIN.password);
  if (login.status !== 200) throw new Error(`console login: ${login.status} ${await login.text()}`);
  const appId = `bench-${randomBytes(4).toString('hex')}`;
  const res = await admin.request('POST', '/partners', { appId, name: '基准测试平台', algorithm, scopes: ['catalog:read', 'cases:write', 'cases:read', 'identity:attest'], rateLimitPerMinute: 100_000 });
  if (res.status !== 200) throw new Error(`register partner: ${res.status} ${await res.text()}`);
  const { secret } = (await res.json()) as PartnerSecretIssued;
  const headers = (method: string, url: string, body = '') => signedHeaders({ algorithm, appId, secret: secret!, method, url, body });

  const idNumber = testIdNumber('19900101', String(Math.floor(Math.random() * 900) + 100));
  const serialNo = `BENCH-${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({
    serialNo,
    itemCode: NO_CRIME,
    applicant: { kind: 'attested', name: '基准测', idNumber, level: 'L3', verifiedAt: new Date().toISOString() },
    formData: { applicantName: '基准测', idNumber, purpose: 'employment', contactPhone: '13700007777' },
    deliveryOption: 'electronic',
    materials: [{ materialName: '申请人有效身份证件', fileName: 'id.jpg', contentType: 'image/jpeg', contentBase64: materialFixtures().jpeg.toString('base64') }],
  });
  const submitted = await fetch(`${base}/open/v1/cases`, { method: 'POST', headers: { ...headers('POST', '/open/v1/cases', body), 'content-type': 'application/json' }, body });
  if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${await submitted.text()}`);
  const { caseNo } = (await submitted.json()) as OpenSubmitResponse;
  return { headers: (method, path) => headers(method, path), caseNo, serialNo };
}
