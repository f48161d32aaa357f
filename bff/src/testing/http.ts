import type { ErrorBody } from '@onevisit/shared-types';
import { ConsoleClient } from './console';

/** The body of a response that must have `status` (status and body compared together, so a failure shows both). */
export async function expectJson<T>(res: Response, status: number): Promise<T> {
  const body = (await res.json()) as T;
  expect({ status: res.status, body }).toEqual({ status, body });
  return body;
}

/** An error response with this status and code. */
export async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = await expectJson<ErrorBody>(res, status);
  expect(body.code).toBe(code);
  return body;
}

/** Logs in as the admin, creates a staff member with `role`, and returns their logged-in console client. */
export async function newStaffClient(base: string, admin: { username: string; password: string }, member: { username: string; displayName: string; role: string; password: string }): Promise<ConsoleClient> {
  const adminClient = new ConsoleClient(base);
  await expectJson(await adminClient.login(admin.username, admin.password), 200);
  await expectJson(await adminClient.request('POST', '/staff', member), 200);
  const client = new ConsoleClient(base);
  await expectJson(await client.login(member.username, member.password), 200);
  return client;
}
