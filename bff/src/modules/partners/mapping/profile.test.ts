import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CASE_STATES } from '@onevisit/shared-types';
import { fromDialect, toDialect, type DocumentType } from './engine';
import * as fx from './fixtures';
import { DOCUMENT_TYPES, parseProfile, uncoveredFields, type MappingProfileInput } from './profile';
import { BUILT_IN_PROFILES_DIR, builtInProfiles, loadProfilesFromDir, ProfileRegistry } from './registry';

const profiles = builtInProfiles();
const wrapped = profiles.filter((p) => p.envelope.kind === 'wrapped');

/** A small valid profile to break in one place per test. */
function base(documents: MappingProfileInput['documents'] = {}, extra: Partial<MappingProfileInput> = {}): MappingProfileInput {
  return {
    id: 'test-city',
    name: '测试市',
    description: 'a profile for tests',
    envelope: {
      kind: 'wrapped',
      codeField: 'code',
      messageField: 'msg',
      dataField: 'data',
      successCode: '0',
      successMessage: 'ok',
      httpStatus: 'always200',
      errorCodes: { VALIDATION_FAILED: '4001' },
      defaultErrorCode: '5000',
    },
    dateFormat: 'yyyy-MM-dd HH:mm:ss',
    codeTables: { state: Object.fromEntries(CASE_STATES.map((s, i) => [s, String(i)])), gender: { male: '1', female: '2' } },
    documents,
    ...extra,
  };
}
const refused = (input: unknown) => {
  try {
    parseProfile(input, 'test-city.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the profile to be refused');
};

describe('built-in profiles', () => {
  it('are the four shipped ones, valid', () => {
    expect(profiles.map((p) => p.id)).toEqual(['canonical', 'changsha', 'hunan-province', 'zhuzhou']);
  });

  it.each(wrapped.map((p) => [p.id, p] as const))('%s has a code for every case state, each distinct', (_id, profile) => {
    const tableName = profile.documents.caseStatus?.codes.state;
    expect(tableName).toBeDefined();
    const table = profile.codeTables[tableName as string];
    expect(Object.keys(table).sort()).toEqual([...CASE_STATES].sort());
    expect(new Set(Object.values(table).map(String)).size).toBe(CASE_STATES.length);
    // the same table for the timeline and the events
    expect(profile.documents.caseStatus?.codes['timeline[].state']).toBe(tableName);
    expect(profile.documents.event?.codes.state).toBe(tableName);
  });

  it.each(wrapped.map((p) => [p.id, p] as const))('%s maps or deliberately passes through every field of every document', (_id, profile) => {
    for (const doc of DOCUMENT_TYPES) expect({ doc, uncovered: uncoveredFields(profile, doc) }).toEqual({ doc, uncovered: [] });
  });

  it('the coverage check does notice an unmapped field', () => {
    const p = parseProfile(base({ event: { fields: { eventId: 'sjbh' } } }), 'test');
    expect(uncoveredFields(p, 'event')).toContain('caseNo');
    expect(uncoveredFields(p, 'event')).not.toContain('eventId');
  });
});

describe('ProfileRegistry', () => {
  const registry = new ProfileRegistry(profiles);

  it('finds, requires and lists', () => {
    expect(registry.get('changsha')?.name).toBe('长沙市政务服务平台');
    expect(registry.get('nope')).toBeUndefined();
    expect(() => registry.require('nope')).toThrow(/Mapping profile "nope" is not known \(known: canonical, changsha, hunan-province, zhuzhou\)/);
    expect(registry.list()).toEqual([
      { id: 'canonical', name: '标准接口（本平台原生格式）', description: expect.any(String), envelope: 'canonical' },
      { id: 'changsha', name: '长沙市政务服务平台', description: expect.any(String), envelope: 'wrapped' },
      { id: 'hunan-province', name: '湖南省一件事一次办平台', description: expect.any(String), envelope: 'wrapped' },
      { id: 'zhuzhou', name: '株洲市政务服务平台', description: expect.any(String), envelope: 'wrapped' },
    ]);
  });

  it('refuses two profiles with one id', () => {
    expect(() => new ProfileRegistry([...profiles, parseProfile({ ...base(), id: 'changsha' }, 'x')])).toThrow(/"changsha" is defined twice/);
  });
});

describe('loadProfilesFromDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the operators’ files, which then map like built-in ones', () => {
    fs.writeFileSync(path.join(dir, 'test-city.json'), JSON.stringify(base({ event: { fields: { caseNo: 'ajbh', state: 'zt' }, codes: { state: 'state' } } })));
    fs.writeFileSync(path.join(dir, 'README.txt'), 'not a profile');
    const [p, ...rest] = loadProfilesFromDir(dir);
    expect(rest).toEqual([]);
    expect(toDialect(p, 'event', fx.caseEvent())).toMatchObject({ ajbh: fx.CASE_NO, zt: '3' });
  });

  it('names the file of invalid JSON, an invalid profile, or an id that is not the file name', () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "id": ');
    expect(() => loadProfilesFromDir(dir)).toThrow(/broken\.json is not valid JSON/);
    fs.rmSync(path.join(dir, 'broken.json'));
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify(base()));
    expect(() => loadProfilesFromDir(dir)).toThrow(/other\.json: id "test-city" must match the file name \("other"\)/);
    fs.rmSync(path.join(dir, 'other.json'));
    fs.writeFileSync(path.join(dir, 'test-city.json'), JSON.stringify({ ...base(), dateFormat: 'dd/MM/yyyy' }));
    expect(() => loadProfilesFromDir(dir)).toThrow(/test-city\.json is invalid:\n {2}- dateFormat: /);
  });

  it('names a directory that cannot be read', () => {
    expect(() => loadProfilesFromDir(path.join(dir, 'missing'))).toThrow(/Mapping profiles directory .*missing cannot be read/);
  });

  it('reads the built-in directory next to the module', () => {
    expect(fs.readdirSync(BUILT_IN_PROFILES_DIR).sort()).toEqual(['canonical.json', 'changsha.json', 'hunan-province.json', 'zhuzhou.json']);
  });
});

describe('a bad profile is refused at load, naming the file and the field', () => {
  it('a code table that is not bijective', () => {
    const message = refused(base({}, { codeTables: { gender: { male: '1', female: '1' } } }));
    expect(message).toMatch(/^Mapping profile test-city\.json is invalid:\n/);
    expect(message).toMatch(/codeTables\.gender: not bijective: "male" and "female" both map to "1"/);
  });

  it('codes 1 and "1" count as the same code', () => {
    expect(refused(base({}, { codeTables: { gender: { male: 1, female: '1' } } }))).toMatch(/codeTables\.gender: not bijective/);
  });

  it('an unknown document type', () => {
    expect(refused(base({ caseStatuz: { fields: {} } } as MappingProfileInput['documents']))).toMatch(/documents: Unrecognized key: "caseStatuz"/);
  });

  it('an unknown key anywhere (a typo is not ignored)', () => {
    expect(refused(base({ event: { feilds: { caseNo: 'x' } } } as unknown as MappingProfileInput['documents']))).toMatch(/documents\.event: Unrecognized key: "feilds"/);
  });

  it('a path that is not a field of the document, listing the fields there', () => {
    const message = refused(base({ caseStatus: { fields: { timeline: 'lcxx', 'timeline[].att': 'lcxx[].clsj' } } }));
    expect(message).toMatch(/documents\.caseStatus\.fields\["timeline\[\]\.att"\]: not a field of caseStatus \(fields here: eventId, at, action/);
  });

  it('a code table lacking a value of the enum it codes', () => {
    const message = refused(base({ event: { codes: { state: 'state' } } }, { codeTables: { state: { accepted: '1', completed: '2' } } }));
    expect(message).toMatch(/documents\.event\.codes\["state"\]: code table "state" lacks draft, submitted/);
  });

  it('a code table that does not exist', () => {
    expect(refused(base({ event: { codes: { state: 'status' } } }))).toMatch(/code table "status" is not defined in codeTables/);
  });

  it('codes on an array instead of its elements', () => {
    expect(refused(base({ catalogPage: { codes: { 'items[].deliveryOptions': 'gender' } } }))).toMatch(/is an array; for its elements write items\[\]\.deliveryOptions\[\]/);
  });

  it('two fields on one dialect field, declared or by pass-through', () => {
    expect(refused(base({ event: { fields: { caseNo: 'bh', serialNo: 'bh' } } }))).toMatch(/caseNo and serialNo both map to bh/);
    expect(refused(base({ event: { fields: { caseNo: 'serialNo' } } }))).toMatch(/caseNo and serialNo both land on dialect serialNo/);
  });

  it('a value with another field mapped inside it', () => {
    expect(refused(base({ event: { fields: { caseNo: 'bj', itemCode: 'bj.sx' } } }))).toMatch(/caseNo is a value at dialect bj, but itemCode is mapped inside it \(bj\.sx\)/);
  });

  it('array elements mapped into an array other than the array itself', () => {
    expect(refused(base({ caseStatus: { fields: { 'timeline[].at': 'lcxx[].clsj' } } }))).toMatch(/puts elements of timeline into the dialect array lcxx, but timeline itself lands on timeline; map "timeline": "lcxx"/);
    expect(refused(base({ caseStatus: { fields: { timeline: 'lcxx', 'timeline[].at': 'clsj' } } }))).toMatch(/inside 1 array\(s\) but clsj inside 0/);
  });

  it('an unknown hook, or a hook with bad parameters', () => {
    expect(refused(base({ submitRequest: { hooks: [{ name: 'splitName', at: 'applicant' }] } }))).toMatch(/documents\.submitRequest\.hooks\[0\]\.name: unknown hook "splitName" \(known: joinCertificate\)/);
    expect(refused(base({ submitRequest: { hooks: [{ name: 'joinCertificate', at: 'applicant', params: { table: 'gender' } }] } }))).toMatch(/hooks\[0\]\.params\.into: /);
    expect(refused(base({ submitRequest: { hooks: [{ name: 'joinCertificate', at: 'applicant', params: { into: 'zj', table: 'certs' } }] } }))).toMatch(/code table "certs" is not defined/);
  });

  it('a field consumed by a hook mapped by name', () => {
    const message = refused(
      base(
        {
          submitRequest: {
            fields: { 'applicant.idNumber': 'zjhm' },
            implied: [{ path: 'applicant.certificateType', value: 'resident_id' }],
            hooks: [{ name: 'joinCertificate', at: 'applicant', params: { into: 'certificate', table: 'cert' } }],
          },
        },
        { codeTables: { cert: { resident_id: '01' } } },
      ),
    );
    expect(message).toMatch(/applicant\.idNumber is consumed by a hook; map what the hook produces \(applicant\.certificate\) instead/);
  });

  it('an implied field that is a real field, or whose code is missing', () => {
    expect(refused(base({ event: { implied: [{ path: 'state', value: 'accepted' }] } }))).toMatch(/state is already a field of event/);
    expect(
      refused(base({ submitRequest: { implied: [{ path: 'applicant.certificateType', value: 'resident_id' }], codes: { 'applicant.certificateType': 'gender' } } })),
    ).toMatch(/applicant\.certificateType: code table "gender" has no code for "resident_id"/);
  });

  it('an error code of ours that does not exist, or one of theirs equal to the success code', () => {
    const e = base().envelope as Extract<MappingProfileInput['envelope'], { kind: 'wrapped' }>;
    expect(refused(base({}, { envelope: { ...e, errorCodes: { NOT_A_CODE: '1' } as never } }))).toMatch(/envelope\.errorCodes/);
    expect(refused(base({}, { envelope: { ...e, errorCodes: { SIGNATURE_INVALID: '0' } } }))).toMatch(/envelope\.errorCodes\.SIGNATURE_INVALID: "0" is the success code/);
    expect(refused(base({}, { envelope: { ...e, defaultErrorCode: 0 } }))).toMatch(/envelope\.defaultErrorCode: 0 is the success code/);
  });

  it('extends or embeds of a document the profile does not map, or in a cycle', () => {
    expect(refused(base({ submitResponse: { extends: 'caseStatus' } }))).toMatch(/documents\.submitResponse\.extends: document caseStatus is not mapped/);
    expect(refused(base({ eventPage: { embeds: { 'events[]': 'event' } } }))).toMatch(/embeds\["events\[\]"\]: document event is not mapped/);
    expect(refused(base({ caseStatus: { extends: 'submitResponse' }, submitResponse: { extends: 'caseStatus' } }))).toMatch(/cycle/);
  });

  it('accepts the same mapping once fixed', () => {
    const p = parseProfile(base({ caseStatus: { fields: { timeline: 'lcxx', 'timeline[].at': 'lcxx[].clsj' }, dates: ['timeline[].at'] } }), 'ok');
    const dialect = toDialect(p, 'caseStatus', fx.caseStatus()) as { lcxx: { clsj: string; eventId: string }[] };
    expect(dialect.lcxx[0]).toMatchObject({ clsj: '2026-11-28 11:04:05', eventId: 'ev_0001' });
    expect(fromDialect(p, 'caseStatus', dialect)).toEqual(fx.caseStatus());
  });
});

describe('every document type can be mapped on its own', () => {
  it.each(DOCUMENT_TYPES.map((d) => [d] as const))('%s', (doc: DocumentType) => {
    const p = parseProfile(base({ [doc]: { dropUnmapped: false } }), 'x');
    const sample = fx.canonicalSamples()[doc][0];
    expect(fromDialect(p, doc, toDialect(p, doc, sample))).toEqual(sample);
  });
});
