import type { Config } from '../../config';
import type { Database } from '../../db';
import type { Kv } from '../../kv';
import type { PiiCipher } from '../../security/pii';
import type { LibraryCallbackCredentials, LicenceLibraryPort } from '../../adapters/licenceLibrary';
import type { IdentityService } from '../identity/service';
import { LicenceKeyRing } from './keys';
import { LicenceRepo } from './repo';
import { LicenceService } from './service';

export { licenceRoutes, licenceOpenRoutes } from './routes';
export { jwksRouter } from './jwksRoute';
export { licenceLibraryCallbackRouter } from './callbackRoute';

/** Electronic licences, wired: the wallet, presentations and their signing keys, verification, grants. */
export interface Licences {
  service: LicenceService;
  keys: LicenceKeyRing;
  /** Who may sign the licence library's status pushes (several during a rotation). */
  callbackCredentials: () => LibraryCallbackCredentials[];
}

export interface LicencesDeps {
  config: Config;
  database: Database;
  kv: Kv;
  pii: PiiCipher;
  identity: IdentityService;
  library: LicenceLibraryPort;
  callbackCredentials: () => LibraryCallbackCredentials[];
}

export async function createLicences(d: LicencesDeps): Promise<Licences> {
  const keys = await LicenceKeyRing.load(d.config);
  const l = d.config.licences;
  const service = new LicenceService(new LicenceRepo(d.database.db), d.library, d.identity, d.pii, d.kv, keys, {
    syncMinutes: l.syncMinutes,
    revealFaceMinutes: l.revealFaceMinutes,
    presentationSeconds: l.presentationSeconds,
  });
  return { service, keys, callbackCredentials: d.callbackCredentials };
}
