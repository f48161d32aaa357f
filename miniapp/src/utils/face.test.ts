import { h5FaceReturnUrl, readFacePending, returnedCertifyId, writeFacePending } from './face';
import { memoryStore, STORAGE_KEYS } from './storage';

describe('H5 face round trip', () => {
  it('returns to the face page of this app, on this origin', () => {
    expect(h5FaceReturnUrl({ origin: 'http://127.0.0.1:8080', pathname: '/' })).toBe('http://127.0.0.1:8080/#/packages/identity/face/index');
    expect(h5FaceReturnUrl({ origin: 'https://gov.example', pathname: '/h5/' })).toBe('https://gov.example/h5/#/packages/identity/face/index');
  });

  it('finds the certifyId in the route params, before the hash, or after the hash route', () => {
    expect(returnedCertifyId({ certifyId: 'fcABCDEFGH12345' })).toBe('fcABCDEFGH12345');
    expect(returnedCertifyId({}, { search: '?certifyId=fc123456789', hash: '#/packages/identity/face/index' })).toBe('fc123456789');
    expect(returnedCertifyId({}, { search: '', hash: '#/packages/identity/face/index?x=1&certifyId=fc987654321' })).toBe('fc987654321');
    expect(returnedCertifyId({}, { search: '', hash: '#/packages/identity/face/index' })).toBeUndefined();
  });

  it('ignores malformed certifyIds', () => {
    expect(returnedCertifyId({ certifyId: 'short' })).toBeUndefined();
    expect(returnedCertifyId({ certifyId: '<script>alert(1)</script>' })).toBeUndefined();
    expect(returnedCertifyId({}, { search: '?certifyId=%E0%A4%A', hash: '' })).toBeUndefined();
  });

  it('keeps the pending verification for 30 minutes', () => {
    const store = memoryStore();
    const now = 1_800_000_000_000;
    writeFacePending(store, { certifyId: 'fc123456789', redirect: '/pages/item/index?code=A1', startedAt: now });
    expect(readFacePending(store, now + 60_000)).toEqual({ certifyId: 'fc123456789', redirect: '/pages/item/index?code=A1', startedAt: now, completed: false });
    expect(readFacePending(store, now + 31 * 60_000)).toBeUndefined();
    expect(store.data.has(STORAGE_KEYS.facePending)).toBe(false);
    store.set(STORAGE_KEYS.facePending, { certifyId: 5 });
    expect(readFacePending(store, now)).toBeUndefined();
  });
});
