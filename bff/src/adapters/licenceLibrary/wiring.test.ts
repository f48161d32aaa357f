import { loadConfig } from '../../config';
import { licenceLibraryOptions } from '../../container';
import { createSimulators } from '../../sim';

describe('licenceLibraryOptions (container wiring)', () => {
  const selfUrl = { value: 'http://127.0.0.1:3999' };

  it('uses the configured library with our keys and its callback keys', () => {
    const config = loadConfig({
      LICENCE_LIBRARY_BASE_URL: 'https://dzzz.hunan.gov.cn/gateway',
      LICENCE_LIBRARY_APP_KEY: 'ov-430000',
      LICENCE_LIBRARY_APP_SECRET: 'our-secret-0123456789',
      LICENCE_LIBRARY_CALLBACK_APP_KEY: 'hn-dzzz',
      LICENCE_LIBRARY_CALLBACK_APP_SECRET: 'their-secret-0123456789',
    });
    const { client, callback } = licenceLibraryOptions(config, undefined, selfUrl);
    expect(client.baseUrl()).toBe('https://dzzz.hunan.gov.cn/gateway');
    expect(client).toMatchObject({ appKey: 'ov-430000', appSecret: 'our-secret-0123456789' });
    expect(callback()).toEqual([{ appKey: 'hn-dzzz', appSecret: 'their-secret-0123456789' }]);
  });

  it('refuses a configured library without its keys', () => {
    const config = loadConfig({ LICENCE_LIBRARY_BASE_URL: 'https://dzzz.hunan.gov.cn/gateway', LICENCE_LIBRARY_APP_KEY: 'ov-430000', LICENCE_LIBRARY_APP_SECRET: 'our-secret-0123456789' });
    expect(() => licenceLibraryOptions(config, undefined, selfUrl)).toThrow(/LICENCE_LIBRARY_CALLBACK_APP_KEY/);
    expect(() => loadConfig({ LICENCE_LIBRARY_BASE_URL: 'ftp://x' })).toThrow(/LICENCE_LIBRARY_BASE_URL/);
    expect(() => loadConfig({ LICENCE_LIBRARY_APP_SECRET: 'short' })).toThrow(/LICENCE_LIBRARY_APP_SECRET/);
  });

  it('points at the simulator otherwise, with the simulator’s callback keys', () => {
    const sims = createSimulators({ publicBase: () => selfUrl.value });
    try {
      const { client, callback } = licenceLibraryOptions(loadConfig({}), sims, selfUrl);
      expect(client.baseUrl()).toBe('http://127.0.0.1:3999/sim/licence-library');
      expect(client.appKey).toBe(sims.credentials.licenceLibrary.gateway.appKey);
      expect(callback()).toEqual([sims.credentials.licenceLibrary.callback]);
      expect(() => licenceLibraryOptions(loadConfig({}), undefined, selfUrl)).toThrow(/LICENCE_LIBRARY_BASE_URL/);
    } finally {
      sims.stop();
    }
  });
});
