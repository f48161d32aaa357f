import type { Me, SessionResponse, Upload } from '@onevisit/shared-types/client';
import { memoryStore } from '../utils/storage';
import { createApplicationsApi, createNotificationsApi } from './applications';
import { createAuthedRequest } from './auth';
import { createRequest, type Transport, type TransportRequest, type TransportResponse } from './client';
import { ApiError, NetworkError } from './errors';
import { SessionManager } from './session';
import { createUploadsApi, UPLOAD_TIMEOUT_MS, uploadTransport, type UploadCall } from './uploads';

const me: Me = {
  userId: 'u1',
  level: 'L2',
  name: '张*',
  idNumber: '430***********1234',
  phone: '138****5678',
  linked: [],
  realNameVerifiedAt: null,
  faceValidUntil: null,
};
const sessionRes = (token: string): SessionResponse => ({ token, refreshToken: `r-${token}`, expiresAt: '2026-01-01T02:00:00Z', me });

const upload: Upload = {
  uploadId: 'up_1',
  fileName: 'id-front.jpg',
  contentType: 'image/jpeg',
  bytes: 12345,
  sha256: 'a'.repeat(64),
  uploadedAt: '2026-03-01T00:00:00Z',
};

function loggedIn(refresh: (rt: string) => Promise<SessionResponse> = async () => sessionRes('t2')) {
  const session = new SessionManager({ store: memoryStore(), key: 'ov.session', refresh });
  session.adopt(sessionRes('t1'));
  return session;
}

/** The platform's uploadFile, answering from a queue; mini-programs hand the body back as a string. */
function fakeUploadFile(...answers: Array<TransportResponse | { reject: unknown }>) {
  const calls: UploadCall[] = [];
  const fn = async (call: UploadCall) => {
    calls.push(call);
    call.onProgress?.(50);
    call.onProgress?.(100);
    const next = answers.shift();
    if (!next) throw new Error('unexpected upload');
    if ('reject' in next) throw next.reject;
    return next;
  };
  return { fn, calls };
}

function uploadsWith(fake: ReturnType<typeof fakeUploadFile>, session = loggedIn()) {
  const request = createRequest({ base: 'https://api.example.gov.cn', transport: uploadTransport(fake.fn) });
  return createUploadsApi(createAuthedRequest(request, session));
}

describe('uploads', () => {
  it('posts the file as multipart field `file` with the bearer token, and parses the JSON string answer', async () => {
    const fake = fakeUploadFile({ statusCode: 201, data: JSON.stringify(upload) });
    const progress: number[] = [];
    const res = await uploadsWith(fake).upload({ filePath: 'blob:http://x/1', fileName: 'id-front.jpg', onProgress: (p) => progress.push(p) });
    expect(res).toEqual(upload);
    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0];
    expect(call.url).toBe('https://api.example.gov.cn/api/v1/uploads');
    expect(call.name).toBe('file');
    expect(call.filePath).toBe('blob:http://x/1');
    expect(call.fileName).toBe('id-front.jpg');
    expect(call.timeout).toBe(UPLOAD_TIMEOUT_MS);
    expect(call.header.Authorization).toBe('Bearer t1');
    // the multipart Content-Type (with its boundary) is the platform's to write
    expect(Object.keys(call.header).map((k) => k.toLowerCase())).not.toContain('content-type');
    expect(progress).toEqual([50, 100]);
  });

  it('maps a refused file to the same ApiError as any call (FILE_TOO_LARGE 413, FILE_TYPE_MISMATCH 415)', async () => {
    const fake = fakeUploadFile(
      { statusCode: 413, data: JSON.stringify({ code: 'FILE_TOO_LARGE', message: 'over 10 MB', requestId: 'r1', details: { maxBytes: 10485760 } }) },
      { statusCode: 415, data: { code: 'FILE_TYPE_MISMATCH', message: 'not a jpeg', requestId: 'r2' } },
    );
    const api = uploadsWith(fake);
    const big = await api.upload({ filePath: 'a' }).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(ApiError);
    expect(big).toMatchObject({ status: 413, code: 'FILE_TOO_LARGE', requestId: 'r1', details: { maxBytes: 10485760 } });
    const mismatch = await api.upload({ filePath: 'b' }).catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ status: 415, code: 'FILE_TYPE_MISMATCH' });
  });

  it('maps an upload that never reached the BFF to NetworkError', async () => {
    const fake = fakeUploadFile({ reject: { errMsg: 'uploadFile:fail timeout' } }, { reject: { errMsg: 'uploadFile:fail ' } });
    const api = uploadsWith(fake);
    const timeout = await api.upload({ filePath: 'a' }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(NetworkError);
    expect(timeout).toMatchObject({ kind: 'timeout' });
    await expect(api.upload({ filePath: 'b' })).rejects.toBeInstanceOf(NetworkError);
  });

  it('refreshes a rejected token once and sends the file again', async () => {
    const fake = fakeUploadFile(
      { statusCode: 401, data: JSON.stringify({ code: 'SESSION_INVALID', message: 'expired', requestId: 'r' }) },
      { statusCode: 201, data: JSON.stringify(upload) },
    );
    const res = await uploadsWith(fake).upload({ filePath: 'a' });
    expect(res.uploadId).toBe('up_1');
    expect(fake.calls.map((c) => c.header.Authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('sends nothing when nobody is logged in', async () => {
    const fake = fakeUploadFile();
    const session = new SessionManager({ store: memoryStore(), key: 'k', refresh: async () => sessionRes('x') });
    const err = await uploadsWith(fake, session).upload({ filePath: 'a' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(fake.calls).toHaveLength(0);
  });
});

/** A JSON transport that records requests and answers 200 with `{}`. */
function recorder() {
  const calls: TransportRequest[] = [];
  const transport: Transport = async (req) => {
    calls.push(req);
    return { statusCode: 200, data: {} };
  };
  const request = createRequest({ base: '', transport });
  return { calls, authed: createAuthedRequest(request, loggedIn()) };
}

describe('applications and notifications API', () => {
  it('uses the shared-types paths and methods', async () => {
    const { calls, authed } = recorder();
    const api = createApplicationsApi(authed);
    const caseNo = '11430000006940002L070001002001202603010001';
    await api.list({ status: 'open', page: 2, pageSize: 500 });
    await api.get(caseNo);
    await api.create({ itemCode: 'ABCDEFGHIJ', idempotencyKey: 'k'.repeat(32), formData: {}, deliveryOption: 'postal' });
    await api.submitDraft(caseNo, { formData: {}, deliveryOption: 'postal' });
    await api.withdraw(caseNo, '  ');
    await api.withdraw(caseNo, ' 信息填错 ');
    await api.answerSupplement(caseNo, { supplementId: 's1', materials: [{ materialName: '户口簿', uploadId: 'u' }] });
    await api.supplyPendingMaterial(caseNo, { materialName: '相片回执', uploadId: 'u2' });
    await api.createBundle({ bundleCode: 'NEWBORN', idempotencyKey: 'k'.repeat(32), formData: {}, deliveryOption: 'postal' });
    await api.bundle('NEWBORN202603010001');
    const notify = createNotificationsApi(authed);
    await notify.get();
    await notify.update({ sms: false });

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/applications?status=open&page=2&pageSize=50',
      `GET /api/v1/applications/${caseNo}`,
      'POST /api/v1/applications',
      `POST /api/v1/applications/${caseNo}/submit`,
      `POST /api/v1/applications/${caseNo}/withdraw`,
      `POST /api/v1/applications/${caseNo}/withdraw`,
      `POST /api/v1/applications/${caseNo}/supplement`,
      `POST /api/v1/applications/${caseNo}/pending-materials`,
      'POST /api/v1/bundle-applications',
      'GET /api/v1/bundle-applications/NEWBORN202603010001',
      'GET /api/v1/me/notifications',
      'PUT /api/v1/me/notifications',
    ]);
    expect(calls[4].data).toEqual({});
    expect(calls[5].data).toEqual({ reason: '信息填错' });
    expect(calls[11].data).toEqual({ sms: false });
    expect(calls.every((c) => c.header.Authorization === 'Bearer t1')).toBe(true);
  });
});
