import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { materialFixtures } from '../testing/files';
import { KEY_PATTERN, StorageError, createLocalStorage, defaultMaterialsDir, type StorageErrorCode, type StoragePort } from './index';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const fixtures = materialFixtures();

let root: string;
let dir: string;
let storage: StoragePort;
const NOW = new Date('2025-03-15T10:00:00Z');

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-storage-'));
  dir = defaultMaterialsDir(root);
  storage = createLocalStorage(dir, { now: () => NOW });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every regular file under `dir` (temp files included), relative paths. */
function filesUnder(d: string): string[] {
  if (!fs.existsSync(d)) return [];
  return (fs.readdirSync(d, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(d, p)).isFile()).sort();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function refusal(promise: Promise<unknown>): Promise<StorageErrorCode> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  return (err as StorageError).code;
}

/** A stream delivering `data` in chunks of `size` bytes. */
const chunked = (data: Buffer, size: number) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );

describe('put: allowed types', () => {
  it.each([
    ['jpeg', 'photo.jpg', 'image/jpeg', 'image/jpeg'],
    ['png', 'scan.PNG', 'image/png', 'image/png'],
    ['pdf', '户口簿.pdf', 'application/pdf', 'application/pdf'],
    ['heic', 'IMG_0001.HEIC', 'image/heic', 'image/heic'],
    ['heif', 'IMG_0002.heif', 'image/heif', 'image/heif'],
  ] as const)('stores %s with its sniffed type, hash and size, and gives it back byte for byte', async (name, declaredName, declaredMime, mime) => {
    const data = fixtures[name];
    const stored = await storage.put(data, { declaredName, declaredMime, maxBytes: 1 << 20 });
    expect(stored).toEqual({ key: expect.stringMatching(KEY_PATTERN), sha256: sha256(data), bytes: data.length, mime });
    expect(stored.key.startsWith(`2025/03/${stored.sha256.slice(0, 2)}/`)).toBe(true);
    expect(filesUnder(dir)).toEqual([stored.key]);
    expect(fs.readFileSync(path.join(dir, stored.key)).equals(data)).toBe(true);
    expect((await readAll(await storage.get(stored.key))).equals(data)).toBe(true);
    const info = await storage.stat(stored.key);
    expect(info).toEqual({ key: stored.key, bytes: data.length, mime, storedAt: expect.any(Date) });
  });

  it('streams: tiny chunks across the sniffed head, and a multi-megabyte body', async () => {
    const small = await storage.put(chunked(fixtures.png, 1), { declaredName: 'a.png', maxBytes: 1 << 20 });
    expect(small).toMatchObject({ sha256: sha256(fixtures.png), bytes: fixtures.png.length, mime: 'image/png' });

    const big = Buffer.concat([fixtures.pdf, randomBytes(3 * 1024 * 1024 + 7)]);
    const stored = await storage.put(chunked(big, 64 * 1024), { declaredName: 'big.pdf', declaredMime: 'application/pdf', maxBytes: big.length });
    expect(stored).toMatchObject({ sha256: sha256(big), bytes: big.length, mime: 'application/pdf' });
    expect((await readAll(await storage.get(stored.key))).equals(big)).toBe(true);
  });

  it('takes files shorter than the sniffed head', async () => {
    const tiny = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    expect(await storage.put(tiny, { maxBytes: 100 })).toMatchObject({ bytes: 4, mime: 'image/jpeg', sha256: sha256(tiny) });
  });

  it('treats a name without extension, no MIME type or application/octet-stream as no claim; ignores MIME parameters and case', async () => {
    await expect(storage.put(fixtures.jpeg, { maxBytes: 1 << 20 })).resolves.toMatchObject({ mime: 'image/jpeg' });
    await expect(storage.put(fixtures.jpeg, { declaredName: 'tmp_wx_123', declaredMime: 'application/octet-stream', maxBytes: 1 << 20 })).resolves.toMatchObject({ mime: 'image/jpeg' });
    await expect(storage.put(fixtures.jpeg, { declaredName: 'A.JPEG', declaredMime: 'Image/JPEG; charset=binary', maxBytes: 1 << 20 })).resolves.toMatchObject({ mime: 'image/jpeg' });
    await expect(storage.put(fixtures.heic, { declaredName: 'a.heif', declaredMime: 'image/heif', maxBytes: 1 << 20 })).resolves.toMatchObject({ mime: 'image/heic' });
  });

  it('never derives the stored name from the declared name', async () => {
    const stored = await storage.put(fixtures.jpeg, { declaredName: '../../../etc/cron.d/evil.jpg', maxBytes: 1 << 20 });
    expect(stored.key).toMatch(KEY_PATTERN);
    expect(filesUnder(dir)).toEqual([stored.key]);
    expect(fs.readdirSync(root)).toEqual(['materials']);
  });
});

describe('put: refusals leave nothing behind', () => {
  afterEach(() => expect(filesUnder(dir)).toEqual([]));

  it('accepts exactly maxBytes and refuses one byte more', async () => {
    const data = fixtures.jpeg;
    const exact = await storage.put(data, { maxBytes: data.length });
    expect(exact.bytes).toBe(data.length);
    await storage.delete(exact.key);
    expect(await refusal(storage.put(data, { maxBytes: data.length - 1 }))).toBe('FILE_TOO_LARGE');
  });

  it('stops reading an oversized stream at the limit and deletes the partial file', async () => {
    let pulled = 0;
    const endless = Readable.from(
      (function* () {
        yield fixtures.jpeg.subarray(0, 16);
        for (;;) {
          pulled++;
          yield randomBytes(16 * 1024);
        }
      })(),
    );
    expect(await refusal(storage.put(endless, { declaredName: 'a.jpg', maxBytes: 100 * 1024 }))).toBe('FILE_TOO_LARGE');
    // 100 KiB is 7 chunks of 16 KiB; the stream's read-ahead adds at most a few more.
    expect(pulled).toBeLessThan(32);
    // The source belongs to the caller: not destroyed, so an HTTP handler can still answer.
    expect(endless.destroyed).toBe(false);
    endless.destroy();
  });

  it.each([
    ['HTML renamed .jpg', fixtures.html, 'avatar.jpg', undefined, 'FILE_TYPE_MISMATCH'],
    ['HTML declared image/png', fixtures.html, undefined, 'image/png', 'FILE_TYPE_MISMATCH'],
    ['PDF declared image/jpeg', fixtures.pdf, 'scan.pdf', 'image/jpeg', 'FILE_TYPE_MISMATCH'],
    ['PDF renamed .jpg', fixtures.pdf, 'scan.jpg', 'application/pdf', 'FILE_TYPE_MISMATCH'],
    ['PNG renamed .pdf', fixtures.png, 'scan.pdf', undefined, 'FILE_TYPE_MISMATCH'],
    ['JPEG renamed .html', fixtures.jpeg, 'page.html', undefined, 'FILE_TYPE_MISMATCH'],
    ['JPEG declared text/html', fixtures.jpeg, 'photo.jpg', 'text/html', 'FILE_TYPE_MISMATCH'],
    ['HEIC renamed .png', fixtures.heic, 'IMG.png', 'image/heic', 'FILE_TYPE_MISMATCH'],
    ['HTML as such', fixtures.html, 'page.html', 'text/html', 'FILE_TYPE_NOT_ALLOWED'],
    ['HTML with no claim', fixtures.html, undefined, undefined, 'FILE_TYPE_NOT_ALLOWED'],
    ['GIF', fixtures.gif, 'anim.gif', 'image/gif', 'FILE_TYPE_NOT_ALLOWED'],
    ['ftyp box of another brand (MP4)', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(50)]), 'v.mp4', undefined, 'FILE_TYPE_NOT_ALLOWED'],
  ] as const)('%s → %s', async (_what, data, declaredName, declaredMime, code) => {
    expect(await refusal(storage.put(data, { declaredName, declaredMime, maxBytes: 1 << 20 }))).toBe(code);
    expect(await refusal(storage.put(chunked(data, 5), { declaredName, declaredMime, maxBytes: 1 << 20 }))).toBe(code);
  });

  it('refuses an empty buffer and an empty stream', async () => {
    expect(await refusal(storage.put(Buffer.alloc(0), { declaredName: 'a.jpg', maxBytes: 10 }))).toBe('FILE_EMPTY');
    expect(await refusal(storage.put(Readable.from([]), { declaredName: 'a.jpg', maxBytes: 10 }))).toBe('FILE_EMPTY');
  });

  it('passes on a source stream failure without a partial file', async () => {
    const failing = Readable.from(
      (async function* () {
        yield fixtures.jpeg.subarray(0, 1000);
        throw new Error('client went away');
      })(),
    );
    await expect(storage.put(failing, { maxBytes: 1 << 20 })).rejects.toThrow('client went away');
  });

  it('refuses a stream with an encoding set (characters, not bytes)', async () => {
    const text = Readable.from([fixtures.jpeg]).setEncoding('latin1');
    await expect(storage.put(text, { maxBytes: 1 << 20 })).rejects.toThrow(TypeError);
  });

  it('refuses a nonsense limit', async () => {
    await expect(storage.put(fixtures.jpeg, { maxBytes: 0 })).rejects.toThrow(TypeError);
    await expect(storage.put(fixtures.jpeg, { maxBytes: Number.NaN })).rejects.toThrow(TypeError);
  });
});

describe('keys', () => {
  const bad = [
    '../../etc/passwd',
    '/etc/passwd',
    '2025/03/ab/../../../../etc/passwd',
    '2025/03/ab/0123456789abcdef0123456789abcdef/..',
    '2025\\03\\ab\\0123456789abcdef0123456789abcdef',
    '2025/03/AB/0123456789ABCDEF0123456789ABCDEF',
    '2025/13/ab/0123456789abcdef0123456789abcdef',
    '/2025/03/ab/0123456789abcdef0123456789abcdef',
    '.tmp/0123456789abcdef0123456789abcdef.part',
    '',
  ];

  it.each(bad)('refuses %j for get, stat and delete', async (key) => {
    expect(await refusal(storage.get(key))).toBe('STORAGE_KEY_INVALID');
    expect(await refusal(storage.stat(key))).toBe('STORAGE_KEY_INVALID');
    expect(await refusal(storage.delete(key))).toBe('STORAGE_KEY_INVALID');
  });

  it('refuses a non-string key and a key with a NUL byte', async () => {
    expect(await refusal(storage.get(42 as unknown as string))).toBe('STORAGE_KEY_INVALID');
    expect(await refusal(storage.get('2025/03/ab/0123456789abcdef0123456789abcdef\0.jpg'))).toBe('STORAGE_KEY_INVALID');
  });

  it('a well-formed key that was never stored is not found; delete is idempotent', async () => {
    const missing = '2025/03/ab/0123456789abcdef0123456789abcdef';
    expect(await refusal(storage.get(missing))).toBe('STORAGE_NOT_FOUND');
    expect(await refusal(storage.stat(missing))).toBe('STORAGE_NOT_FOUND');
    expect(await storage.delete(missing)).toBe(false);

    const stored = await storage.put(fixtures.png, { maxBytes: 1 << 20 });
    expect(await storage.delete(stored.key)).toBe(true);
    expect(await storage.delete(stored.key)).toBe(false);
    expect(await refusal(storage.get(stored.key))).toBe('STORAGE_NOT_FOUND');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('does not follow a symbolic link planted at a key', async () => {
    const key = '2025/03/ab/0123456789abcdef0123456789abcdef';
    fs.mkdirSync(path.join(dir, '2025/03/ab'), { recursive: true });
    fs.symlinkSync('/etc/passwd', path.join(dir, key));
    expect(await refusal(storage.get(key))).toBe('STORAGE_NOT_FOUND');
    expect(await refusal(storage.stat(key))).toBe('STORAGE_NOT_FOUND');
  });
});

describe('concurrency', () => {
  it('20 parallel puts get 20 distinct keys and each reads back byte-identical', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) =>
      // Half share one content: same hash, still distinct objects.
      i % 2 === 0 ? fixtures.jpeg : Buffer.concat([fixtures.png, Buffer.from(`#${i}`)]),
    );
    const stored = await Promise.all(bodies.map((b, i) => storage.put(i % 4 === 0 ? chunked(b, 512) : b, { maxBytes: 1 << 20 })));
    expect(new Set(stored.map((s) => s.key)).size).toBe(20);
    for (const [i, s] of stored.entries()) {
      expect(s.sha256).toBe(sha256(bodies[i]));
      expect((await readAll(await storage.get(s.key))).equals(bodies[i])).toBe(true);
    }
    expect(filesUnder(dir)).toEqual(stored.map((s) => s.key).sort());
  });
});
