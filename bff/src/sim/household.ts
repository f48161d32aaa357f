/**
 * Household-registration (人口信息核验) simulator: `POST <prefix>/household/v1/identity/verify`
 * (signed, see adapters/household/client.ts).
 *
 * Rules: an invalid ID number never matches; an ID number of a known resident (HOUSEHOLD_RESIDENTS)
 * matches only that resident's name; any other valid ID number matches any 2–30 character Chinese
 * name, so developers can verify themselves.
 */
import { idNumberCheckChar, isValidIdNumber, PersonNameSchema } from '@onevisit/shared-types';
import { guarded, type SimContext } from './context';
import { refuse, signedGatewayServer } from './signed';

function id(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}

/** Known residents of Changsha (长沙) whose ID numbers match no other name. Valid GB 11643 numbers. */
export const HOUSEHOLD_RESIDENTS: readonly { idNumber: string; name: string }[] = Object.freeze([
  { idNumber: id('43010219900101123'), name: '张三' },
  { idNumber: id('43010319851212002'), name: '李四' },
  { idNumber: id('43010419780315031'), name: '王芳' },
  { idNumber: id('43010520000229002'), name: '刘洋' },
  { idNumber: id('43011119650707001'), name: '欧阳明辉' },
  { idNumber: id('43012119930808456'), name: '阿依古丽·买买提' },
]);

export interface HouseholdSimulator {
  /** What the simulated registry would answer (for tests that want the oracle). */
  wouldMatch(name: string, idNumber: string): boolean;
}

export function householdSimulator(sim: SimContext, credentials: { appKey: string; appSecret: string }): HouseholdSimulator {
  const gateway = signedGatewayServer(credentials, sim.now);
  const known = new Map(HOUSEHOLD_RESIDENTS.map((r) => [r.idNumber, r.name]));

  function wouldMatch(name: string, idNumber: string): boolean {
    const idn = idNumber.trim().toUpperCase();
    if (!isValidIdNumber(idn, new Date(sim.now()))) return false;
    const registered = known.get(idn);
    if (registered !== undefined) return registered === name.trim();
    return PersonNameSchema.safeParse(name).success;
  }

  sim.router.post(
    '/household/v1/identity/verify',
    guarded(sim, 'household', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const { name, idNumber } = body;
      if (typeof name !== 'string' || !name || typeof idNumber !== 'string' || !idNumber) {
        return refuse(ctx, 400, 'INVALID_ARGUMENT', 'name and idNumber are required strings');
      }
      ctx.body = { match: wouldMatch(name, idNumber) };
    }),
  );

  return { wouldMatch };
}
