import { errorStatus, type ErrorCode } from '@onevisit/shared-types';
import { envelopeError, envelopeSuccess, fromDialect, toDialect, unwrapResponse } from './engine';
import * as fx from './fixtures';
import type { MappingProfile } from './profile';
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

const err = (code: ErrorCode, details?: unknown) => ({
  code,
  message: `测试错误 ${code}`,
  requestId: 'req_7f3a9c',
  ...(details === undefined ? {} : { details }),
});

describe('canonical envelope', () => {
  it('answers the payload itself with our status', () => {
    const data = fx.submitResponse();
    expect(envelopeSuccess(canonical, data, 'req_1', 201)).toEqual({ status: 201, body: data });
    expect(envelopeSuccess(canonical, data, 'req_1')).toEqual({ status: 200, body: data });
  });

  it('answers our error body with its status, details only when there are some', () => {
    expect(envelopeError(canonical, err('SIGNATURE_INVALID'), 401)).toEqual({
      status: 401,
      body: { code: 'SIGNATURE_INVALID', message: '测试错误 SIGNATURE_INVALID', requestId: 'req_7f3a9c' },
    });
    const details = { issues: [{ field: 'body.serialNo', message: 'too short' }] };
    expect(envelopeError(canonical, err('VALIDATION_FAILED', details), 400).body).toEqual({ ...err('VALIDATION_FAILED'), details });
  });

  it('unwraps both', () => {
    expect(unwrapResponse(canonical, 200, { caseNo: fx.CASE_NO })).toEqual({ ok: true, data: { caseNo: fx.CASE_NO } });
    expect(unwrapResponse(canonical, 404, envelopeError(canonical, err('APPLICATION_NOT_FOUND'), 404).body)).toEqual({
      ok: false,
      code: 'APPLICATION_NOT_FOUND',
      message: '测试错误 APPLICATION_NOT_FOUND',
      requestId: 'req_7f3a9c',
    });
  });
});

describe('hunan-province envelope: {code, msg, data}, "0", always HTTP 200', () => {
  it('wraps a success, whatever our status', () => {
    const data = toDialect(hunan, 'submitResponse', fx.submitResponse());
    expect(envelopeSuccess(hunan, data, 'req_1', 201)).toEqual({ status: 200, body: { code: '0', msg: '成功', data, traceId: 'req_1' } });
  });

  it('wraps an error with their code and HTTP 200, details in data', () => {
    expect(envelopeError(hunan, err('SIGNATURE_INVALID'), 401)).toEqual({
      status: 200,
      body: { code: '40003', msg: '测试错误 SIGNATURE_INVALID', data: null, traceId: 'req_7f3a9c' },
    });
    expect(envelopeError(hunan, err('PARTNER_SERIAL_CONFLICT'), 409).body).toMatchObject({ code: '40901' });
    const details = { issues: [{ field: 'body.sqr.zjlx', message: 'only "111"' }] };
    expect(envelopeError(hunan, err('VALIDATION_FAILED', details), 400).body).toMatchObject({ code: '40001', data: details });
  });

  it('uses the default code for an error it does not list', () => {
    expect(envelopeError(hunan, err('STAFF_LOCKED'), 423).body).toMatchObject({ code: '50000' });
  });
});

describe('changsha envelope: {code: 200, message, result}, HTTP mirrored', () => {
  it('wraps a success with a numeric code and our status', () => {
    expect(envelopeSuccess(changsha, { a: 1 }, 'req_1', 201)).toEqual({
      status: 201,
      body: { code: 200, message: '操作成功', result: { a: 1 }, requestId: 'req_1' },
    });
    // a wrapped answer has a body, so never 204
    expect(envelopeSuccess(changsha, null, 'req_1', 204)).toEqual({ status: 200, body: { code: 200, message: '操作成功', result: null, requestId: 'req_1' } });
  });

  it('wraps an error with a numeric code and our status', () => {
    expect(envelopeError(changsha, err('APPLICATION_NOT_FOUND'), 404)).toEqual({
      status: 404,
      body: { code: 4042, message: '测试错误 APPLICATION_NOT_FOUND', result: null, requestId: 'req_7f3a9c' },
    });
  });
});

describe('zhuzhou envelope: {resultCode, resultMsg, data}, "0000"', () => {
  it('wraps success and error', () => {
    expect(envelopeSuccess(zhuzhou, { x: 1 }, 'req_1', 201)).toEqual({
      status: 200,
      body: { resultCode: '0000', resultMsg: '处理成功', data: { x: 1 }, transId: 'req_1' },
    });
    expect(envelopeError(zhuzhou, err('SIGNATURE_TIMESTAMP_SKEWED'), 401)).toEqual({
      status: 200,
      body: { resultCode: '2002', resultMsg: '测试错误 SIGNATURE_TIMESTAMP_SKEWED', data: null, transId: 'req_7f3a9c' },
    });
  });
});

describe.each([hunan, changsha, zhuzhou].map((p) => [p.id, p] as const))('unwrapResponse, profile %s', (_id, profile) => {
  const roundTrip = (code: ErrorCode) => {
    const shaped = envelopeError(profile, err(code), errorStatus[code]);
    return unwrapResponse(profile, shaped.status, JSON.parse(JSON.stringify(shaped.body)));
  };

  it('maps their error codes back to ours', () => {
    for (const code of ['SIGNATURE_INVALID', 'APPLICATION_NOT_FOUND', 'VALIDATION_FAILED', 'PARTNER_SERIAL_CONFLICT', 'INTERNAL_ERROR', 'SCOPE_MISSING'] as const) {
      expect(roundTrip(code)).toEqual({ ok: false, code, message: `测试错误 ${code}`, requestId: 'req_7f3a9c' });
    }
  });

  it('answers the first of ours listed when several share their code, and the default for unlisted ones', () => {
    expect(roundTrip('MALFORMED_JSON')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(roundTrip('STAFF_LOCKED')).toMatchObject({ ok: false, code: 'INTERNAL_ERROR' });
  });

  it('passes their code through when it does not map back', () => {
    const e = profile.envelope;
    if (e.kind !== 'wrapped') throw new Error('wrapped expected');
    const body = { [e.codeField]: typeof e.successCode === 'number' ? 4999 : '49999', [e.messageField]: '其他错误' };
    expect(unwrapResponse(profile, 200, body)).toEqual({ ok: false, code: typeof e.successCode === 'number' ? '4999' : '49999', message: '其他错误' });
  });

  it('unwraps a success into the dialect data, which maps back to the canonical document', () => {
    const status = fx.caseStatus();
    const shaped = envelopeSuccess(profile, toDialect(profile, 'caseStatus', status), 'req_1');
    const unwrapped = unwrapResponse(profile, shaped.status, JSON.parse(JSON.stringify(shaped.body)));
    if (!unwrapped.ok) throw new Error(`expected success, got ${unwrapped.code}`);
    expect(unwrapped.data).not.toEqual(status);
    expect(fromDialect(profile, 'caseStatus', unwrapped.data)).toEqual(status);
  });

  it('reports a body that is not its envelope', () => {
    expect(unwrapResponse(profile, 502, '<html>Bad Gateway</html>')).toMatchObject({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(unwrapResponse(profile, 400, { error: 'bad' })).toMatchObject({ ok: false, code: 'UPSTREAM_REJECTED' });
  });
});
