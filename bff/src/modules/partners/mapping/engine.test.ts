import { CASE_STATES, OpenCaseStatusSchema, OpenSubmitRequestSchema, type OpenCatalogItem } from '@onevisit/shared-types';
import { fromDialect, MappingError, toDialect, type DocumentType } from './engine';
import * as fx from './fixtures';
import { parseProfile, type MappingProfile } from './profile';
import { builtInProfiles } from './registry';

const profiles = builtInProfiles();
const byId = (id: string): MappingProfile => {
  const p = profiles.find((x) => x.id === id);
  if (!p) throw new Error(`no profile ${id}`);
  return p;
};
const canonical = byId('canonical');
const hunan = byId('hunan-province');
const changsha = byId('changsha');
const zhuzhou = byId('zhuzhou');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const out = (p: MappingProfile, doc: DocumentType, value: unknown) => toDialect(p, doc, value) as Json;
/** What a partner sees: the dialect document as JSON text, parsed again. */
const wire = (p: MappingProfile, doc: DocumentType, value: unknown) => JSON.parse(JSON.stringify(toDialect(p, doc, value))) as Json;

function mappingError(run: () => unknown): MappingError {
  try {
    run();
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('expected a MappingError');
}

describe.each(profiles.map((p) => [p.id, p] as const))('profile %s: canonical → dialect → canonical is exact', (_id, profile) => {
  const samples = fx.canonicalSamples();
  for (const doc of Object.keys(samples) as DocumentType[]) {
    it(`${doc}`, () => {
      for (const sample of samples[doc]) {
        const dialect = wire(profile, doc, sample);
        expect(fromDialect(profile, doc, dialect)).toEqual(sample);
        if (profile.envelope.kind === 'wrapped' && doc !== 'catalogPage') {
          // the dialect really is another shape: none of our top-level names survive except where a profile keeps them
          expect(dialect).not.toEqual(sample);
        }
      }
    });
  }

  it('maps every case state to a distinct code and back', () => {
    const codes = new Set<string>();
    for (const state of CASE_STATES) {
      const event = { ...fx.caseEvent(), state };
      const dialect = wire(profile, 'event', event);
      codes.add(JSON.stringify(dialect));
      expect((fromDialect(profile, 'event', dialect) as Json).state).toBe(state);
    }
    expect(codes.size).toBe(CASE_STATES.length);
  });
});

describe('canonical profile', () => {
  it('is the identity, as a copy', () => {
    const status = fx.caseStatus();
    const mapped = out(canonical, 'caseStatus', status);
    expect(mapped).toEqual(status);
    expect(mapped).not.toBe(status);
    expect(mapped.timeline).not.toBe(status.timeline);
  });
});

describe('hunan-province dialect', () => {
  it('writes a case status with pinyin names, the status code table and Beijing time', () => {
    expect(out(hunan, 'caseStatus', fx.caseStatus())).toEqual({
      bjbh: fx.CASE_NO,
      sblsh: fx.SERIAL_NO,
      sxbm: fx.ITEM_CODE,
      sxmc: '出生登记',
      bjzt: '20',
      bjztmc: '已受理',
      cjsj: '2026-11-28 11:04:05',
      sbsj: '2026-11-28 11:04:05',
      slsj: '2026-11-28 14:30:00',
      spjdsj: null,
      cnbjsj: '2026-12-04 00:00:00',
      gxsj: '2026-11-28 14:30:00',
      rqcl: [
        { clmc: '父母结婚证', cnbqrq: '2026-12-05', bqsj: null },
        { clmc: '随迁落户方居民户口簿', cnbqrq: '2026-12-01', bqsj: '2026-11-30 09:15:00' },
      ],
      lcxx: [
        { sjbh: 'ev_0001', clsj: '2026-11-28 11:04:05', hjdm: 'submit', hjmc: '提交申请', bjzt: '11', bjztmc: '已提交', clrlx: '1', clyj: null },
        { sjbh: 'ev_0002', clsj: '2026-11-28 11:04:06', hjdm: 'pre_review', hjmc: '预审通过', bjzt: '12', bjztmc: '已预审', clrlx: '4', clyj: null },
        { sjbh: 'ev_0003', clsj: '2026-11-28 14:30:00', hjdm: 'accept', hjmc: '受理', bjzt: '20', bjztmc: '已受理', clrlx: '2', clyj: '容缺受理：父母结婚证于12月5日前补交' },
      ],
    });
  });

  it('answers a submission with the case status plus 是否新建 (extends caseStatus)', () => {
    const response = out(hunan, 'submitResponse', fx.submitResponse());
    const { sfxj, ...rest } = response;
    expect(sfxj).toBe('1');
    expect(rest).toEqual(out(hunan, 'caseStatus', fx.caseStatus()));
  });

  it('writes a submission with 申请人 sqr, certificate type 111 and GB/T gender codes', () => {
    expect(out(hunan, 'submitRequest', fx.attestedSubmitRequest())).toEqual({
      sblsh: fx.SERIAL_NO,
      sxbm: fx.ITEM_CODE,
      sqr: { rzfs: '2', xm: '张晓明', zjlx: '111', zjhm: fx.ID_NUMBER, lxdh: '13874561234', rzdj: '3', rzsj: '2026-11-28 11:00:00' },
      bdsj: {
        babyName: '张小宝',
        babyGender: '1',
        birthDate: '2026-11-20',
        birthCertificateNo: 'Q430123456',
        settleWith: 'father',
        parentIdNumber: fx.ID_NUMBER,
        contactPhone: '13874561234',
      },
      sdfs: '2',
      sflstd: '0',
      clxx: [{ clmc: '出生医学证明', wjmc: '出生医学证明.pdf', wjlx: 'application/pdf', wjnr: fx.attestedSubmitRequest().materials[0].contentBase64 }],
      rqcl: [{ clmc: '父母结婚证', cnbqrq: '2026-12-05' }],
    });
  });

  it('adds no certificate type to an applicant identified by a token', () => {
    const dialect = out(hunan, 'submitRequest', fx.tokenSubmitRequest());
    expect(dialect.sqr).toEqual({ rzfs: '1', hrpz: fx.TOKEN });
    expect(dialect.bdsj.babyGender).toBe('2');
    expect(dialect.sflstd).toBe('1');
    expect(dialect.clxx).toEqual([]);
    expect(dialect.rqcl).toEqual([]);
  });

  it('writes catalogue items with coded types, modes and materials, the form schema as it is', () => {
    const page = fx.catalogPage();
    const dialect = out(hunan, 'catalogPage', page);
    expect(dialect.yb).toBe('c_20261128_0042');
    expect(dialect.sfyxyy).toBe('1');
    expect(dialect.sxlb).toHaveLength(page.items.length);
    const index = page.items.findIndex((i) => i.itemCode === fx.ITEM_CODE);
    const item: OpenCatalogItem = page.items[index];
    const d = dialect.sxlb[index];
    expect(d.sxbm).toBe(fx.ITEM_CODE);
    expect(d.sxmc).toBe('出生登记');
    expect(d.sxlx).toBe('07'); // 行政确认
    expect(d.ssbm).toEqual({ bmmc: item.department.name, tyshxydm: item.department.creditCode });
    expect(d.sdfs).toEqual(['2', '1']); // postal, window pickup
    expect(d.clqd[0]).toEqual({ clmc: '出生医学证明', sfbx: '1', clxs: '4', fs: 1, sfrq: '0', bz: item.materials[0].note });
    expect(d.clqd[3]).toMatchObject({ clmc: '父母结婚证', sfbx: '0', sfrq: '1' });
    expect(d.sfxx).toEqual({ sfje: 0, jfsj: '0', sfsm: item.fee.description });
    expect(d.bdys).toEqual(item.formSchema);
    expect(d.sfyx).toBe('1');
    expect(d.gxsj).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Object.keys(d).sort()).toEqual(
      ['sxbm', 'sxmc', 'ywly', 'sxlx', 'ssbm', 'blxs', 'bjlx', 'rzdj', 'fdsx', 'cnsx', 'sfxx', 'sdfs', 'clqd', 'bdys', 'sfyx', 'gxsj'].sort(),
    );
  });

  it('writes the event page with each event as the event document (embeds)', () => {
    const page = fx.eventPage();
    const dialect = out(hunan, 'eventPage', page);
    expect(dialect.sjlb).toEqual(page.events.map((e) => out(hunan, 'event', e)));
    expect(dialect.sjlb[1]).toMatchObject({ sjlx: 'BJZTBG', bjzt: '90', fssj: '2026-12-02 09:02:03', clyj: null });
    expect(dialect).toMatchObject({ yb: 'ev_0009', sfyxyy: '0' });
  });

  it('reads a submission as the provincial platform sends it', () => {
    const body = {
      sblsh: 'HN2026112900000001',
      sxbm: fx.ITEM_CODE,
      sqr: { rzfs: '2', xm: '王芳', zjlx: '111', zjhm: '430203198811200046', lxdh: '13974561234', rzdj: '2', rzsj: '2026-11-29 08:30:00' },
      bdsj: { babyName: '王一', babyGender: '2', settleWith: 'mother' },
      sdfs: '1',
      sflstd: '1',
      clxx: [],
      rqcl: [{ clmc: '父母结婚证', cnbqrq: '2026-12-10' }],
      sign: '9f86d081884c7d659a2feaa0c55ad015',
    };
    const canonicalValue = fromDialect(hunan, 'submitRequest', body);
    expect(OpenSubmitRequestSchema.parse(canonicalValue)).toEqual({
      serialNo: 'HN2026112900000001',
      itemCode: fx.ITEM_CODE,
      applicant: { kind: 'attested', name: '王芳', idNumber: '430203198811200046', phone: '13974561234', level: 'L2', verifiedAt: '2026-11-29T00:30:00.000Z' },
      formData: { babyName: '王一', babyGender: 'female', settleWith: 'mother' },
      deliveryOption: 'window_pickup',
      greenChannel: true,
      materials: [],
      pendingMaterials: [{ materialName: '父母结婚证', promisedBy: '2026-12-10' }],
    });
    // unknown dialect fields pass through (the zod schema drops them)
    expect((canonicalValue as Json).sign).toBe('9f86d081884c7d659a2feaa0c55ad015');
  });

  it('refuses unknown codes, naming the dialect field', () => {
    const status = wire(hunan, 'caseStatus', fx.caseStatus());
    let err = mappingError(() => fromDialect(hunan, 'caseStatus', { ...status, bjzt: '77' }));
    expect(err.field).toBe('bjzt');
    expect(err.message).toMatch(/^bjzt: unknown caseState code "77"; expected one of "10", "11"/);

    const lcxx = status.lcxx.map((e: Json, i: number) => (i === 1 ? { ...e, bjzt: '77' } : e));
    err = mappingError(() => fromDialect(hunan, 'caseStatus', { ...status, lcxx }));
    expect(err.field).toBe('lcxx[1].bjzt');

    const request = wire(hunan, 'submitRequest', fx.attestedSubmitRequest());
    err = mappingError(() => fromDialect(hunan, 'submitRequest', { ...request, sdfs: '9' }));
    expect(err.field).toBe('sdfs');
    err = mappingError(() => fromDialect(hunan, 'submitRequest', { ...request, bdsj: { ...request.bdsj, babyGender: '男' } }));
    expect(err.field).toBe('bdsj.babyGender');
    err = mappingError(() => fromDialect(hunan, 'submitRequest', { ...request, sqr: { ...request.sqr, zjlx: '999' } }));
    expect(err.field).toBe('sqr.zjlx');
    expect(err.message).toMatch(/unknown certificateType code "999"/);
  });

  it('accepts only 居民身份证 (111) as the certificate type of an attested applicant', () => {
    const request = wire(hunan, 'submitRequest', fx.attestedSubmitRequest());
    const err = mappingError(() => fromDialect(hunan, 'submitRequest', { ...request, sqr: { ...request.sqr, zjlx: '414' } }));
    expect(err.field).toBe('sqr.zjlx');
    expect(err.message).toBe('sqr.zjlx: only "111" is accepted here');
    // absent is fine: it is implied
    const { zjlx: _zjlx, ...withoutType } = request.sqr;
    expect((fromDialect(hunan, 'submitRequest', { ...request, sqr: withoutType }) as Json).applicant).toEqual(fx.attestedSubmitRequest().applicant);
  });

  it('refuses times and dates not in the profile formats', () => {
    const request = wire(hunan, 'submitRequest', fx.attestedSubmitRequest());
    for (const rzsj of ['2026-02-30 10:00:00', '2026-11-29T08:30:00+08:00', '2026-11-29 24:00:00', '20261129083000', 1764376200]) {
      const err = mappingError(() => fromDialect(hunan, 'submitRequest', { ...request, sqr: { ...request.sqr, rzsj } }));
      expect(err.field).toBe('sqr.rzsj');
    }
    const err = mappingError(() => fromDialect(hunan, 'submitRequest', { ...request, rqcl: [{ clmc: '父母结婚证', cnbqrq: '20261210' }] }));
    expect(err.field).toBe('rqcl[0].cnbqrq');
  });
});

describe('changsha dialect', () => {
  it('writes a case status with numeric status codes and yyyyMMddHHmmss times', () => {
    const dialect = out(changsha, 'caseStatus', fx.caseStatus());
    expect(dialect).toMatchObject({
      projectNo: fx.CASE_NO,
      applyNo: fx.SERIAL_NO,
      matterCode: fx.ITEM_CODE,
      projectStatus: 3,
      createTime: '20261128110405',
      decideTime: null,
      promiseFinishTime: '20261204000000',
      tolerantMaterials: [
        { materialName: '父母结婚证', promiseDate: '20261205', supplyTime: null },
        { materialName: '随迁落户方居民户口簿', promiseDate: '20261201', supplyTime: '20261130091500' },
      ],
    });
    expect(dialect.processList.map((e: Json) => [e.projectStatus, e.handlerType, e.processTime])).toEqual([
      [1, 'APPLICANT', '20261128110405'],
      [2, 'PLATFORM', '20261128110406'],
      [3, 'WINDOW', '20261128143000'],
    ]);
    expect(dialect).not.toHaveProperty('caseNo');
    expect(dialect).not.toHaveProperty('timeline');
  });

  it('writes an event as the city platform receives it', () => {
    expect(out(changsha, 'event', fx.caseEvent())).toEqual({
      msgId: 'ev_0003',
      msgType: 'PROJECT_STATUS_CHANGE',
      eventTime: '20261128143000',
      projectNo: fx.CASE_NO,
      applyNo: fx.SERIAL_NO,
      matterCode: fx.ITEM_CODE,
      actionCode: 'accept',
      actionName: '受理',
      projectStatus: 3,
      projectStatusName: '已受理',
      opinion: '容缺受理：父母结婚证于12月5日前补交',
    });
  });

  it('writes a submission with applicantInfo, ID_CARD and numeric delivery ways', () => {
    const dialect = out(changsha, 'submitRequest', fx.attestedSubmitRequest());
    expect(dialect.applicantInfo).toEqual({
      authType: 'PLATFORM_VERIFIED',
      applicantName: '张晓明',
      certType: 'ID_CARD',
      certNo: fx.ID_NUMBER,
      mobile: '13874561234',
      authLevel: 'L3',
      authTime: '20261128110000',
    });
    expect(dialect).toMatchObject({ deliveryWay: 2, isGreenChannel: 'N', tolerantMaterials: [{ materialName: '父母结婚证', promiseDate: '20261205' }] });
    expect(dialect.formInfo.babyGender).toBe('M');
    expect(dialect.attachmentList[0]).toEqual(
      expect.objectContaining({ materialName: '出生医学证明', fileName: '出生医学证明.pdf', mimeType: 'application/pdf' }),
    );
  });

  it('writes catalogue item types by their Chinese names', () => {
    const page = fx.catalogPage();
    const dialect = out(changsha, 'catalogPage', page);
    const d = dialect.matterList[page.items.findIndex((i) => i.itemCode === fx.ITEM_CODE)];
    expect(d).toMatchObject({ matterCode: fx.ITEM_CODE, matterType: '行政确认', resultDeliveryWays: [2, 1], isValid: 'Y' });
    expect(d.materialList[0]).toMatchObject({ materialName: '出生医学证明', isRequired: 'Y', isTolerant: 'N', copyNum: 1 });
    expect(dialect.hasNextPage).toBe(true);
  });

  it('reads a status code sent as a string as the number it stands for, and refuses yyyy-MM-dd dates', () => {
    const event = wire(changsha, 'event', fx.caseEvent());
    expect((fromDialect(changsha, 'event', { ...event, projectStatus: '14' }) as Json).state).toBe('completed');
    const request = wire(changsha, 'submitRequest', fx.attestedSubmitRequest());
    const err = mappingError(() => fromDialect(changsha, 'submitRequest', { ...request, tolerantMaterials: [{ materialName: '父母结婚证', promiseDate: '2026-12-10' }] }));
    expect(err.field).toBe('tolerantMaterials[0].promiseDate');
    expect((fromDialect(changsha, 'submitRequest', { ...request, tolerantMaterials: [{ materialName: '父母结婚证', promiseDate: '20261210' }] }) as Json).pendingMaterials).toEqual([
      { materialName: '父母结婚证', promisedBy: '2026-12-10' },
    ]);
  });
});

describe('zhuzhou dialect', () => {
  it('flattens the applicant and joins certificate type and number into SQRZJ (hook)', () => {
    const request = fx.attestedSubmitRequest();
    expect(out(zhuzhou, 'submitRequest', request)).toEqual({
      SBLSH: fx.SERIAL_NO,
      SSBM: fx.ITEM_CODE,
      SQRLX: '02',
      SQRXM: '张晓明',
      SQRZJ: `01|${fx.ID_NUMBER}`,
      SQRSJH: '13874561234',
      SQRRZDJ: 'L3',
      SQRRZSJ: '2026-11-28 11:00:00',
      BDSJ: { ...request.formData, babyGender: '1' },
      SDFS: '02',
      SFLSTD: '0',
      CLXX: [{ CLMC: '出生医学证明', WJMC: '出生医学证明.pdf', WJLX: 'application/pdf', WJNR: request.materials[0].contentBase64 }],
      RQCL: [{ CLMC: '父母结婚证', CNBQRQ: '2026-12-05' }],
    });
  });

  it('leaves a token applicant without a certificate field', () => {
    const dialect = out(zhuzhou, 'submitRequest', fx.tokenSubmitRequest());
    expect(dialect).toMatchObject({ SQRLX: '01', SQRPZ: fx.TOKEN });
    expect(dialect).not.toHaveProperty('SQRZJ');
    expect(dialect).not.toHaveProperty('applicant');
  });

  it('reads SQRZJ back into an attested applicant', () => {
    const body = {
      SBLSH: 'ZZ2026112900000007',
      SSBM: fx.ITEM_CODE,
      SQRLX: '02',
      SQRXM: '王芳',
      SQRZJ: '01|430203198811200046',
      SQRRZDJ: 'L2',
      SQRRZSJ: '2026-11-29 08:30:00',
      BDSJ: { babyName: '王一', babyGender: '2' },
      SDFS: '02',
      SFLSTD: '0',
    };
    expect(OpenSubmitRequestSchema.parse(fromDialect(zhuzhou, 'submitRequest', body)).applicant).toEqual({
      kind: 'attested',
      name: '王芳',
      idNumber: '430203198811200046',
      level: 'L2',
      verifiedAt: '2026-11-29T00:30:00.000Z',
    });
  });

  it('refuses other certificate types and malformed SQRZJ, naming SQRZJ', () => {
    const request = wire(zhuzhou, 'submitRequest', fx.attestedSubmitRequest());
    let err = mappingError(() => fromDialect(zhuzhou, 'submitRequest', { ...request, SQRZJ: '02|E12345678' }));
    expect(err.field).toBe('SQRZJ');
    expect(err.message).toBe('SQRZJ: only "01" is accepted here');
    err = mappingError(() => fromDialect(zhuzhou, 'submitRequest', { ...request, SQRZJ: '99|430203198811200046' }));
    expect(err.field).toBe('SQRZJ');
    expect(err.message).toMatch(/unknown certificate type code "99"/);
    for (const SQRZJ of ['430203198811200046', '01|', '|430203198811200046', 12345]) {
      expect(mappingError(() => fromDialect(zhuzhou, 'submitRequest', { ...request, SQRZJ })).field).toBe('SQRZJ');
    }
  });

  it('writes a case status with its own status codes', () => {
    const dialect = out(zhuzhou, 'caseStatus', fx.caseStatus());
    expect(dialect).toMatchObject({ BJBH: fx.CASE_NO, BJZT: 'SL', CJSJ: '2026-11-28 11:04:05', JDSJ: null });
    expect(dialect.BLGC.map((e: Json) => e.BJZT)).toEqual(['SB', 'YS', 'SL']);
    expect(dialect.RQCL[1]).toEqual({ CLMC: '随迁落户方居民户口簿', CNBQRQ: '2026-12-01', BQSJ: '2026-11-30 09:15:00' });
  });
});

describe('timestamps', () => {
  const at = (occurredAt: string) => out(hunan, 'event', { ...fx.caseEvent(), occurredAt }).fssj;
  const back = (fssj: string) => (fromDialect(hunan, 'event', { ...wire(hunan, 'event', fx.caseEvent()), fssj }) as Json).occurredAt;

  it('converts UTC to Beijing wall time and back, across a year end', () => {
    expect(at('2026-11-28T03:04:05.000Z')).toBe('2026-11-28 11:04:05');
    expect(back('2026-11-28 11:04:05')).toBe('2026-11-28T03:04:05.000Z');
    expect(at('2026-12-31T16:00:00.000Z')).toBe('2027-01-01 00:00:00');
    expect(back('2027-01-01 00:00:00')).toBe('2026-12-31T16:00:00.000Z');
    expect(at('2028-02-28T16:30:00.000Z')).toBe('2028-02-29 00:30:00');
  });

  it('accepts any ISO offset on the way out and keeps seconds only', () => {
    expect(at('2026-11-28T11:04:05+08:00')).toBe('2026-11-28 11:04:05');
    expect(at('2026-11-27T22:04:05-05:00')).toBe('2026-11-28 11:04:05');
    expect(at('2026-11-28T03:04:05.999Z')).toBe('2026-11-28 11:04:05');
  });

  it('refuses a value that is not a timestamp on the way out, naming our field', () => {
    const err = mappingError(() => toDialect(hunan, 'caseStatus', { ...fx.caseStatus(), timeline: [{ ...fx.caseStatus().timeline[0], at: 'yesterday' }] }));
    expect(err.field).toBe('timeline[0].at');
  });

  it('keeps null as null', () => {
    const status = { ...fx.caseStatus(), acceptedAt: null, deadlineAt: null };
    expect(out(zhuzhou, 'caseStatus', status)).toMatchObject({ SLSJ: null, CNBJSJ: null });
    expect(OpenCaseStatusSchema.parse(fromDialect(zhuzhou, 'caseStatus', wire(zhuzhou, 'caseStatus', status)))).toEqual(status);
  });
});

describe('the engine', () => {
  const deepFreeze = <T>(value: T): T => {
    if (value && typeof value === 'object') {
      Object.values(value).forEach(deepFreeze);
      Object.freeze(value);
    }
    return value;
  };

  it('never mutates its input', () => {
    for (const profile of [hunan, changsha, zhuzhou]) {
      const request = deepFreeze(fx.attestedSubmitRequest());
      const dialect = deepFreeze(wire(profile, 'submitRequest', request));
      expect(() => fromDialect(profile, 'submitRequest', dialect)).not.toThrow();
      expect(dialect).toEqual(wire(profile, 'submitRequest', fx.attestedSubmitRequest()));
      expect(request).toEqual(fx.attestedSubmitRequest());
    }
  });

  it('shares no object with its input (subtrees copied whole are copies)', () => {
    const page = fx.catalogPage();
    const dialect = out(hunan, 'catalogPage', page);
    expect(dialect.sxlb[0].bdys).toEqual(page.items[0].formSchema);
    expect(dialect.sxlb[0].bdys).not.toBe(page.items[0].formSchema);
    const back = fromDialect(hunan, 'catalogPage', dialect) as Json;
    expect(back.items[0].formSchema).not.toBe(dialect.sxlb[0].bdys);
  });

  it('reads a body with many unknown keys, passing them through', () => {
    const event = wire(changsha, 'event', fx.caseEvent());
    const noise = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`x${i}`, i]));
    const back = fromDialect(changsha, 'event', { ...noise, ...event, extra: { nested: [1, 2] } }) as Json;
    expect(back.state).toBe('accepted');
    expect(back.x1199).toBe(1199);
    expect(back.extra).toEqual({ nested: [1, 2] });
    const again = fromDialect(changsha, 'event', { ...event, x1199: 'second call' }) as Json;
    expect(again.x1199).toBe('second call');
  });

  it('refuses a form value the code table lacks on the way out, naming our field', () => {
    const request = { ...fx.attestedSubmitRequest(), formData: { babyGender: 'unknown' } };
    const err = mappingError(() => toDialect(hunan, 'submitRequest', request));
    expect(err.field).toBe('formData.babyGender');
  });

  it('refuses a body that is not an object', () => {
    expect(mappingError(() => fromDialect(hunan, 'event', [1, 2])).field).toBe('');
    expect(mappingError(() => fromDialect(hunan, 'event', 'x')).field).toBe('');
  });

  it('ignores a canonical name sent where the dialect uses another one, and never writes __proto__', () => {
    const event = wire(hunan, 'event', fx.caseEvent());
    const polluted = JSON.parse(`{"__proto__": {"polluted": true}, "state": "completed", ${JSON.stringify(event).slice(1)}`);
    const back = fromDialect(hunan, 'event', polluted) as Json;
    expect(back.state).toBe('accepted');
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('with dropUnmapped keeps only what the document lists, both ways', () => {
    const slim = parseProfile(
      {
        id: 'slim',
        name: '精简推送',
        description: 'only the case number and the state',
        envelope: { kind: 'canonical' },
        dateFormat: 'iso8601',
        codeTables: { state: Object.fromEntries(CASE_STATES.map((s, i) => [s, i + 1])) },
        documents: { event: { fields: { caseNo: 'ajh', state: 'zt' }, passThrough: ['note'], codes: { state: 'state' }, dropUnmapped: true } },
      },
      'slim (test)',
    );
    const event = fx.caseEvent();
    expect(toDialect(slim, 'event', event)).toEqual({ ajh: fx.CASE_NO, zt: 4, note: event.note });
    expect(fromDialect(slim, 'event', { ajh: fx.CASE_NO, zt: 15, note: null, extra: 'x', stateName: '已办结' })).toEqual({ caseNo: fx.CASE_NO, state: 'completed', note: null });
  });
});
