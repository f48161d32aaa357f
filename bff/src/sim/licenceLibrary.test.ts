import Router from '@koa/router';
import { idNumberCheckChar, isValidCreditCode, isValidLicenceId, LICENCE_TYPE_FIELDS, parseLicenceId } from '@onevisit/shared-types';
import { LibraryLicenceSchema } from '../adapters/licenceLibrary/port';
import { HOUSEHOLD_RESIDENTS } from './household';
import { generateLicenceLibraryCredentials, licenceLibrarySimulator, simIssuerCode, vinCheckDigit } from './licenceLibrary';
import { FaultBoard } from './util';

const idn = (first17: string) => first17 + idNumberCheckChar(first17);

function library(now = Date.now) {
  return licenceLibrarySimulator(
    { router: new Router(), prefix: '/sim', now, faults: new FaultBoard(), publicBase: () => 'http://127.0.0.1:1' },
    { credentials: generateLicenceLibraryCredentials(), callbackUrl: () => 'http://127.0.0.1:1/', retry: { attempts: 1 } },
  );
}

describe('licence library simulator', () => {
  const lib = library();
  afterAll(() => lib.stop());

  it('computes the VIN check digit of GB 16735 / ISO 3779 (the textbook 1M8GDM9AXKP042788)', () => {
    expect(vinCheckDigit('1M8GDM9A0KP042788')).toBe('X');
  });

  it('makes check-valid credit codes of public-security organs, stable per issuer', () => {
    const code = simIssuerCode('长沙市公安局芙蓉分局', '430102');
    expect(code).toMatch(/^11430102[0-9]{8}[0-9X][0-9A-HJ-NPQRTUWXY]$/);
    expect(isValidCreditCode(code)).toBe(true);
    expect(simIssuerCode('长沙市公安局芙蓉分局', '430102')).toBe(code);
    expect(simIssuerCode('长沙市公安局天心分局', '430103')).not.toBe(code);
    expect(simIssuerCode('公安部', '100000')).toBe('11100000000013338W');
  });

  it('issues every sampled person a well-formed wallet, and finds each licence back by its identifier alone', () => {
    const people = [
      ...HOUSEHOLD_RESIDENTS.map((r) => r.idNumber),
      ...Array.from({ length: 60 }, (_, i) => idn(`${['430102', '430211', '430602', '433101', '420102', '110101', '440305', '810000'][i % 8]}${1940 + i}0${1 + (i % 9)}1${i % 10}${200 + i}`)),
    ];
    for (const id of people) {
      const list = lib.licencesOf(id);
      expect(list.length).toBeGreaterThan(0);
      for (const l of list) {
        expect(LibraryLicenceSchema.safeParse(l).success).toBe(true);
        expect(isValidLicenceId(l.licenceId)).toBe(true);
        expect(Object.keys(l.fields).sort()).toEqual([...LICENCE_TYPE_FIELDS[l.type]].sort());
        expect(lib.licence(l.licenceId)).toEqual(l);
        expect(l.holderCode).toBe(id);
      }
      // one serial per holder; different holders, different serials
      expect(new Set(list.map((l) => parseLicenceId(l.licenceId)!.serial)).size).toBe(1);
    }
    const serials = new Set(people.map((id) => parseLicenceId(lib.licencesOf(id)[0].licenceId)!.serial));
    expect(serials.size).toBe(people.length);
  });

  it('gives 港澳 residence-permit numbers no mainland ID card or household register', () => {
    const types = lib.licencesOf(idn('81000019900101123')).map((l) => l.type);
    expect(types).toContain('residence_permit');
    expect(types).not.toContain('id_card');
    expect(types).not.toContain('household_register');
  });

  it('answers nothing for an invalid ID number', () => {
    expect(lib.licencesOf('430102199001011230')).toEqual([]);
    expect(lib.licencesOf('not an id')).toEqual([]);
  });

  it('uses a registered name, also for licences already changed', () => {
    const id = idn('43010419880808123');
    const [card, eid] = lib.licencesOf(id);
    lib.revoke(eid.licenceId);
    expect(lib.registerHolder(id, '周小南')).toBe(true);
    expect(lib.registerHolder(id, 'x')).toBe(false);
    expect(lib.licence(card.licenceId)).toMatchObject({ holder: '周小南', fields: expect.objectContaining({ name: '周小南' }) });
    expect(lib.licence(eid.licenceId)).toMatchObject({ holder: '周小南', status: 'revoked' });
  });

  it('reads a kept licence past its end date as expired', () => {
    let now = Date.now();
    const later = library(() => now);
    const id = idn('43010220100101123'); // a child: 5-year card
    const list = later.licencesOf(id);
    const card = list.find((l) => l.type === 'id_card')!;
    expect(card.status).toBe('valid');
    // once a holder's licences changed, the library keeps them as they are (untouched holders are
    // regenerated against the current year, so they never lapse)
    later.revoke(list.find((l) => l.type === 'household_register')!.licenceId);
    now += 6 * 366 * 86_400_000;
    expect(later.licence(card.licenceId)).toMatchObject({ status: 'expired', statusNote: '已超过有效期' });
    later.stop();
  });
});
