/**
 * The mapping profiles the BFF knows: the built-in ones (./profiles/*.json, read from disk next to
 * this file — the BFF runs from source under tsx, and jest reads the same files) and, optionally,
 * the operators' own: a directory of `<id>.json` files named by the environment variable
 * `OPEN_API_PROFILES_DIR` (config.ts → `openApi.profilesDir`; partners/index.ts and the simulator
 * load it with `loadProfilesFromDir`).
 * Every profile is validated when it loads; one bad file stops the start with an Error naming
 * the file and the field, rather than failing a partner's call later.
 *
 * Ids are unique: an operator profile may not reuse a built-in id (copy it under a new id, e.g.
 * `changsha-2027`, and move the partners over in the console).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MappingProfileSummary } from '@onevisit/shared-types';
import { compileProfile, parseProfile, type MappingProfile } from './profile';

export const BUILT_IN_PROFILES_DIR = path.join(__dirname, 'profiles');

export class ProfileRegistry {
  private readonly byId = new Map<string, MappingProfile>();

  constructor(profiles: MappingProfile[]) {
    for (const profile of profiles) {
      if (this.byId.has(profile.id)) throw new Error(`Mapping profile id "${profile.id}" is defined twice; give the second one another id`);
      compileProfile(profile); // validated already when parsed; this refuses a hand-built one that is not
      this.byId.set(profile.id, profile);
    }
  }

  get(id: string): MappingProfile | undefined {
    return this.byId.get(id);
  }

  require(id: string): MappingProfile {
    const profile = this.byId.get(id);
    if (!profile) throw new Error(`Mapping profile "${id}" is not known (known: ${[...this.byId.keys()].join(', ') || 'none'})`);
    return profile;
  }

  list(): MappingProfileSummary[] {
    return [...this.byId.values()].map((p) => ({ id: p.id, name: p.name, description: p.description, envelope: p.envelope.kind }));
  }
}

/** The profiles shipped with the BFF (canonical, hunan-province, changsha, zhuzhou). */
export function builtInProfiles(): MappingProfile[] {
  return loadProfilesFromDir(BUILT_IN_PROFILES_DIR);
}

/**
 * Every `*.json` file of the directory, in name order, parsed and validated. A file's profile id
 * must be its name (`changsha.json` holds id `changsha`), so the file to edit is obvious.
 */
export function loadProfilesFromDir(dir: string): MappingProfile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw new Error(`Mapping profiles directory ${dir} cannot be read: ${(err as Error).message}`);
  }
  return names.map((name) => {
    const file = path.join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`Mapping profile ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const profile = parseProfile(json, file);
    const expected = name.slice(0, -'.json'.length);
    if (profile.id !== expected) throw new Error(`Mapping profile ${file}: id "${profile.id}" must match the file name ("${expected}")`);
    return profile;
  });
}
