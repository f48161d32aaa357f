import { parseRedirect } from './redirect';
import { addressRoutes, applyRoutes, caseRoutes, identityRoutes, licenceRoutes, payRoutes } from './routes';

describe('application routes', () => {
  it('build the form, review, result and case URLs', () => {
    expect(applyRoutes.itemForm('11430000006940002L070001002001')).toBe('/packages/apply/form/index?itemCode=11430000006940002L070001002001');
    expect(applyRoutes.bundleForm('NEWBORN')).toBe('/packages/apply/form/index?bundleCode=NEWBORN');
    expect(applyRoutes.draftForm('A1', 'A120260301001')).toBe('/packages/apply/form/index?itemCode=A1&caseNo=A120260301001');
    expect(applyRoutes.review('item:A1')).toBe('/packages/apply/review/index?target=item%3AA1');
    expect(applyRoutes.result({ caseNo: 'C1' })).toBe('/packages/apply/result/index?caseNo=C1');
    expect(applyRoutes.result({ bundleCaseNo: 'B1' })).toBe('/packages/apply/result/index?bundleCaseNo=B1');
    expect(caseRoutes.list()).toBe('/packages/cases/list/index');
    expect(caseRoutes.list('open')).toBe('/packages/cases/list/index?status=open');
    expect(caseRoutes.detail('C1')).toBe('/packages/cases/detail/index?caseNo=C1');
    expect(caseRoutes.bundle('B1')).toBe('/packages/cases/bundle/index?bundleCaseNo=B1');
  });

  it('are pages a login or identity step may return to', () => {
    for (const url of [applyRoutes.itemForm('A1'), applyRoutes.review('item:A1'), caseRoutes.detail('C1'), caseRoutes.notifications, caseRoutes.list('closed')]) {
      expect(parseRedirect(url)?.url).toBe(url);
    }
    expect(parseRedirect(applyRoutes.review('item:A1'))?.query).toEqual({ target: 'item:A1' });
  });
});

describe('pay routes', () => {
  it('build the pay and result URLs', () => {
    expect(payRoutes.pay('11430000006940002L070001002001202603010001')).toBe('/packages/pay/pay/index?caseNo=11430000006940002L070001002001202603010001');
    expect(payRoutes.result('P20260301100000ABCDEF12')).toBe('/packages/pay/result/index?orderNo=P20260301100000ABCDEF12');
    expect(payRoutes.result('P1', 'success')).toBe('/packages/pay/result/index?orderNo=P1&outcome=success');
  });

  it('are pages a login step may return to', () => {
    for (const url of [payRoutes.pay('C1'), payRoutes.result('P1'), payRoutes.result('P1', 'unknown')]) expect(parseRedirect(url)?.url).toBe(url);
  });
});

describe('address routes', () => {
  it('build the list (plain and select mode) and the form', () => {
    expect(addressRoutes.list()).toBe('/packages/addresses/list/index');
    expect(addressRoutes.list({ caseNo: 'C1' })).toBe('/packages/addresses/list/index?select=1&caseNo=C1');
    expect(addressRoutes.edit()).toBe('/packages/addresses/edit/index');
    expect(addressRoutes.edit({ addressId: 'adr_1', isDefault: true })).toBe('/packages/addresses/edit/index?addressId=adr_1&default=1');
  });

  it('are pages a login step may return to', () => {
    for (const url of [addressRoutes.list(), addressRoutes.list({ caseNo: 'C1' }), addressRoutes.edit({ addressId: 'adr_1' })]) expect(parseRedirect(url)?.url).toBe(url);
  });
});

describe('licence routes', () => {
  const LID = '1.2.156.3005.2.11100000000013338W001.11430000006940002L.A1B2C3.001.Z';

  it('build the wallet, detail, present, usages, grants and grant form URLs', () => {
    expect(licenceRoutes.wallet).toBe('/packages/licences/wallet/index');
    expect(licenceRoutes.detail(LID)).toBe(`/packages/licences/detail/index?licenceId=${LID}`);
    expect(licenceRoutes.present(LID)).toBe(`/packages/licences/present/index?licenceId=${LID}`);
    expect(licenceRoutes.usages()).toBe('/packages/licences/usages/index');
    expect(licenceRoutes.usages(LID)).toBe(`/packages/licences/usages/index?licenceId=${LID}`);
    expect(licenceRoutes.grants()).toBe('/packages/licences/grants/index');
    expect(licenceRoutes.grantNew(LID)).toBe(`/packages/licences/grant-new/index?licenceId=${LID}`);
  });

  it('are pages a login or face step may return to', () => {
    for (const url of [licenceRoutes.wallet, licenceRoutes.detail(LID), licenceRoutes.present(LID), licenceRoutes.usages(LID), licenceRoutes.grants(), licenceRoutes.grantNew(LID)]) {
      expect(parseRedirect(url)?.url).toBe(url);
    }
    expect(parseRedirect(licenceRoutes.detail(LID))?.query).toEqual({ licenceId: LID });
  });

  it('ask the face page for a fresh check', () => {
    expect(identityRoutes.face(licenceRoutes.wallet)).toBe('/packages/identity/face/index?redirect=%2Fpackages%2Flicences%2Fwallet%2Findex');
    expect(identityRoutes.face(licenceRoutes.wallet, true)).toBe('/packages/identity/face/index?redirect=%2Fpackages%2Flicences%2Fwallet%2Findex&fresh=1');
    expect(identityRoutes.face(undefined, true)).toBe('/packages/identity/face/index?fresh=1');
  });
});
