import { idNumberCheckChar, type Me, type SessionResponse } from '@onevisit/shared-types';
import type { Simulators } from '../sim';

export interface TestCitizenInput {
  phone: string;
  name?: string;
  idNumber?: string;
  /** Also pass the H5 face verification (L3). */
  face?: boolean;
}

export interface TestCitizen {
  token: string;
  refreshToken: string;
  me: Me;
  auth: { authorization: string };
}

interface Client {
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  sims: Simulators['dev'];
}

/** A valid resident ID number (Changsha, Furong district) for a birth date and a 3-digit sequence. */
export function testIdNumber(birth = '19900101', sequence = '123'): string {
  const first17 = `430102${birth}${sequence}`;
  return first17 + idNumberCheckChar(first17);
}

async function ok<T>(res: Response): Promise<T> {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body as T;
}

/** The SMS code the simulator delivered to this phone. */
export function lastCode(sims: Simulators['dev'], phone: string): string {
  const sms = sims.lastSmsTo(phone);
  const code = sms?.params.code;
  if (!code) throw new Error(`no SMS code was sent to ${phone}`);
  return code;
}

export async function loginBySms(client: Client, phone: string): Promise<SessionResponse> {
  await ok(await client.post('/api/v1/auth/sms/send', { phone }));
  return ok<SessionResponse>(await client.post('/api/v1/auth/sms/login', { phone, code: lastCode(client.sims, phone) }));
}

/** Goes through the real API, as a citizen would: SMS login, real-name, optionally face. */
export async function createCitizen(client: Client, input: TestCitizenInput): Promise<TestCitizen> {
  const session = await loginBySms(client, input.phone);
  const auth = { authorization: `Bearer ${session.token}` };
  let me = session.me;
  if (input.name || input.idNumber) {
    me = await ok<Me>(await client.post('/api/v1/me/real-name', { name: input.name ?? '张三', idNumber: input.idNumber ?? testIdNumber() }, auth));
  }
  if (input.face) me = await passH5Face(client, auth);
  return { token: session.token, refreshToken: session.refreshToken, me, auth };
}

/** The H5 face flow, with the simulator's page "passed" through its dev hook. */
export async function passH5Face(client: Client, auth: Record<string, string>, pass = true): Promise<Me> {
  const started = await ok<{ certifyId: string; url: string }>(await client.post('/api/v1/me/face/start', { method: 'h5', returnUrl: `${client.url}/` }, auth));
  const upstreamId = new URL(started.url, client.url).searchParams.get('certifyId');
  if (!upstreamId || !client.sims.faceComplete(upstreamId, pass)) throw new Error(`the face page ${started.url} has no certification`);
  const res = await client.post('/api/v1/me/face/complete', { certifyId: started.certifyId }, auth);
  if (!pass) return (await res.json()) as Me;
  return ok<Me>(res);
}
