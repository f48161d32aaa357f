import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from './config';

describe('config', () => {
  it('runs on the embedded default when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.db.kind).toBe('sqlite');
    expect(config.kv.kind).toBe('memory');
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it('switches to MySQL and Redis when their URLs are set', () => {
    const config = loadConfig({ MYSQL_URL: 'mysql://root@127.0.0.1:3306/test', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.db).toMatchObject({ kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' });
    expect(config.kv).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
  });

  it.each([
    ['MYSQL_URL', 'postgres://x@y/z', 'MYSQL_URL must be a mysql URL'],
    ['PORT', '80808', 'PORT'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL must be a redis or rediss URL'],
    ['ITEM_CODE_PATTERN', '([', 'ITEM_CODE_PATTERN is not a valid regular expression'],
    ['BLIND_INDEX_KEY', Buffer.alloc(16).toString('base64'), 'BLIND_INDEX_KEY must be 32 bytes'],
    ['PII_KEYS', `k1:${Buffer.alloc(16).toString('base64')}`, 'PII_KEYS must be id:base64key'],
  ])('refuses a bad %s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it.each([
    ['NOTIFY_WECHAT_TEMPLATES', 'must be JSON {"<case action>": "<template id>"}'],
    ['COURIER_SENDER', 'must be JSON {name?, phone, province, city, district, address, postcode?}'],
    ['LICENCE_SIGNING_KEYS', 'must be a JSON array of private JWKs'],
  ])('refuses %s that is not JSON, saying what JSON it wants', (name, message) => {
    expect(() => loadConfig({ [name]: '{not json' })).toThrow(message);
  });

  it('reads the JSON variables when they are JSON of the right shape', () => {
    const config = loadConfig({
      NOTIFY_WECHAT_TEMPLATES: JSON.stringify({ accept: 'Qx'.repeat(12) }),
      COURIER_SENDER: JSON.stringify({ phone: '0731-12345678', province: '湖南省', city: '长沙市', district: '芙蓉区', address: '五一大道 1 号' }),
    });
    expect(config.notifications.wechatTemplates).toEqual({ accept: 'Qx'.repeat(12) });
    expect(config.delivery.sender).toMatchObject({ province: '湖南省', address: '五一大道 1 号' });
    expect(() => loadConfig({ NOTIFY_WECHAT_TEMPLATES: JSON.stringify({ accept: 'short' }) })).toThrow('template ids must match');
  });

  it('stops the real server at start-up with one clear line for a malformed MYSQL_URL', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'server.ts')], {
      env: { ...process.env, MYSQL_URL: 'mysql//root@127.0.0.1/test', PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.includes('ExperimentalWarning') && !l.includes('--trace-warnings'));
    expect(lines).toEqual(['config error: MYSQL_URL must be a mysql URL']);
    expect(result.stdout).toBe('');
  });
});
