import { ApiError, NetworkError, classifyFailure, codeForStatus, describeError, failureToError, fieldErrors, headerValue, isApiError, toApiError } from './errors';

describe('toApiError', () => {
  it('keeps the platform error body of a non-2xx answer', () => {
    const err = toApiError(404, { code: 'ITEM_NOT_FOUND', message: 'no service item X', requestId: 'req-1', details: { itemCode: 'X' } });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(Error);
    expect(isApiError(err)).toBe(true);
    expect(err.status).toBe(404);
    expect(err.code).toBe('ITEM_NOT_FOUND');
    expect(err.message).toBe('no service item X');
    expect(err.requestId).toBe('req-1');
    expect(err.details).toEqual({ itemCode: 'X' });
    expect(err.body).toEqual({ code: 'ITEM_NOT_FOUND', message: 'no service item X', requestId: 'req-1', details: { itemCode: 'X' } });
  });

  it('takes the request id from the X-Request-Id header when the body has none', () => {
    const err = toApiError(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'X-Request-Id': 'hdr-9' });
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.requestId).toBe('hdr-9');
  });

  it('synthesises a code from the status when the body is not an error body', () => {
    const html = toApiError(502, '<html>Bad Gateway</html>', { 'x-request-id': 'r2' });
    expect(html.code).toBe('SERVICE_UNAVAILABLE');
    expect(html.message).toBe('HTTP 502');
    expect(html.requestId).toBe('r2');
    expect(toApiError(500, null).code).toBe('INTERNAL_ERROR');
    expect(toApiError(404, {}).code).toBe('ROUTE_NOT_FOUND');
    expect(toApiError(418, { message: 'no code' }).code).toBe('VALIDATION_FAILED');
  });

  it('maps statuses to the shared-types codes', () => {
    expect(codeForStatus(401)).toBe('UNAUTHENTICATED');
    expect(codeForStatus(403)).toBe('FORBIDDEN');
    expect(codeForStatus(429)).toBe('RATE_LIMITED');
    expect(codeForStatus(503)).toBe('SERVICE_UNAVAILABLE');
    expect(codeForStatus(507)).toBe('INTERNAL_ERROR');
  });
});

describe('headerValue', () => {
  it('ignores the case of header names', () => {
    expect(headerValue({ ETag: '"a"' }, 'etag')).toBe('"a"');
    expect(headerValue({ etag: '"b"' }, 'ETag')).toBe('"b"');
    expect(headerValue({ 'set-cookie': ['x=1', 'y=2'] }, 'Set-Cookie')).toBe('x=1');
    expect(headerValue(undefined, 'etag')).toBeUndefined();
    expect(headerValue({ etag: 5 }, 'etag')).toBeUndefined();
  });
});

describe('classifyFailure / failureToError', () => {
  it('recognises a WeChat timeout and a WeChat network failure', () => {
    expect(classifyFailure({ errMsg: 'request:fail timeout' })).toEqual({ kind: 'timeout', message: 'request:fail timeout' });
    expect(classifyFailure({ errMsg: 'request:fail -2:net::ERR_FAILED' })).toEqual({ kind: 'network', message: 'request:fail -2:net::ERR_FAILED' });
  });

  it('recognises an Alipay timeout (error 13) and an Alipay HTTP error (error 19 with status and body)', () => {
    expect(classifyFailure({ error: 13, errorMessage: '请求超时' }).kind).toBe('timeout');
    const err = failureToError({
      error: 19,
      errorMessage: 'http status error',
      status: 404,
      data: { code: 'BUNDLE_NOT_FOUND', message: 'no life-event bundle X', requestId: 'ali-1' },
      headers: { 'x-request-id': 'ali-1' },
    });
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
    expect((err as ApiError).code).toBe('BUNDLE_NOT_FOUND');
  });

  it('recognises an H5 abort (our timeout) and a fetch TypeError', () => {
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' });
    expect(classifyFailure(abort).kind).toBe('timeout');
    const err = failureToError(new TypeError('Failed to fetch'));
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).kind).toBe('network');
    expect(err.message).toBe('Failed to fetch');
  });

  it('copes with rejections that are not objects', () => {
    expect(classifyFailure('boom')).toEqual({ kind: 'network', message: 'boom' });
    expect(classifyFailure(undefined)).toEqual({ kind: 'network', message: 'undefined' });
  });
});

describe('describeError', () => {
  it('shows a Chinese title and keeps the server message, code and request id as detail', () => {
    const view = describeError(toApiError(404, { code: 'ITEM_NOT_FOUND', message: 'no service item X', requestId: 'req-1' }));
    expect(view.title).toBe('未找到该事项，可能已调整或下线');
    expect(view.detail).toBe('no service item X · ITEM_NOT_FOUND · 请求编号 req-1');
  });

  it('falls back on the status class for codes without a friendly text', () => {
    expect(describeError(toApiError(409, { code: 'CONFLICT', message: 'x', requestId: 'r' })).title).toBe('请求未能完成');
    expect(describeError(toApiError(500, null)).title).toBe('服务出现异常，请稍后再试');
  });

  it('tells timeouts from connection failures', () => {
    expect(describeError(new NetworkError('timeout', 'request:fail timeout')).title).toBe('网络超时，请稍后重试');
    expect(describeError(new NetworkError('network', 'Failed to fetch')).title).toBe('网络连接失败，请检查网络后重试');
    expect(describeError(new Error('x')).title).toBe('出错了，请稍后重试');
  });
});

describe('fieldErrors', () => {
  it('keys the issues of a VALIDATION_FAILED by their last field segment, first message wins', () => {
    const err = toApiError(400, {
      code: 'VALIDATION_FAILED',
      message: 'invalid body.idNumber',
      requestId: 'r',
      details: { issues: [{ field: 'body.idNumber', message: 'bad id' }, { field: 'body.idNumber', message: 'second' }, { field: 'body.name', message: 'bad name' }, { nope: 1 }] },
    });
    expect(fieldErrors(err)).toEqual({ idNumber: 'bad id', name: 'bad name' });
  });

  it('is empty for anything else', () => {
    expect(fieldErrors(toApiError(422, { code: 'REAL_NAME_MISMATCH', message: 'x', requestId: 'r', details: { issues: [{ field: 'body.name', message: 'm' }] } }))).toEqual({});
    expect(fieldErrors(toApiError(400, { code: 'VALIDATION_FAILED', message: 'x', requestId: 'r' }))).toEqual({});
    expect(fieldErrors(new Error('x'))).toEqual({});
  });

  it('has Chinese titles for the identity codes', () => {
    expect(describeError(toApiError(401, { code: 'SESSION_INVALID', message: 'x', requestId: 'r' })).title).toBe('登录已过期，请重新登录');
    expect(describeError(toApiError(422, { code: 'REAL_NAME_MISMATCH', message: 'x', requestId: 'r' })).title).toMatch(/不一致/);
  });
});
