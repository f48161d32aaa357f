import { StorageError } from './port';
import { checkUpload, extensionOf, sniffMime } from './sniff';

const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffMime', () => {
  it('recognises the allowed magic bytes', () => {
    expect(sniffMime(bytes([0xff, 0xd8, 0xff, 0xe1], 'Exif'))).toBe('image/jpeg');
    expect(sniffMime(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('image/png');
    expect(sniffMime(bytes('%PDF-1.4\n'))).toBe('application/pdf');
    for (const brand of ['heic', 'heix', 'hevc']) expect(sniffMime(bytes([0, 0, 0, 0x18], `ftyp${brand}`))).toBe('image/heic');
    expect(sniffMime(bytes([0, 0, 0, 0x18], 'ftypmif1'))).toBe('image/heif');
  });

  it('refuses everything else, including near misses and truncated heads', () => {
    for (const head of [
      bytes('<html>'),
      bytes('<?xml version="1.0"?><svg'),
      bytes('GIF89a'),
      bytes('RIFF', [0, 0, 0, 0], 'WEBP'),
      bytes('PK', [3, 4]),
      bytes('MZ'),
      bytes([0xff, 0xd8]),
      bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a]),
      bytes('%PDF'),
      bytes(' %PDF-1.4'),
      bytes([0, 0, 0, 0x18], 'ftypisom'),
      bytes([0, 0, 0, 0x18], 'ftypavif'),
      bytes([0, 0, 0, 0x18], 'ftyphe'),
      bytes([]),
    ]) {
      expect(sniffMime(head)).toBeNull();
    }
  });
});

describe('extensionOf', () => {
  it('takes the last extension of the base name, lower-cased', () => {
    expect(extensionOf('IMG_0001.JPG')).toBe('jpg');
    expect(extensionOf('a.tar.gz')).toBe('gz');
    expect(extensionOf('C:\\Users\\me\\scan.pdf')).toBe('pdf');
    expect(extensionOf('dir.d/file')).toBeUndefined();
    expect(extensionOf('file')).toBeUndefined();
    expect(extensionOf('file.')).toBeUndefined();
    expect(extensionOf('photo.jpg.html')).toBe('html');
  });
});

describe('checkUpload', () => {
  const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0]);
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(StorageError);
      return (e as StorageError).code;
    }
    throw new Error('expected a refusal');
  };

  it('returns the sniffed type when the claims agree', () => {
    expect(checkUpload(jpeg, 'a.jpeg', 'image/pjpeg')).toBe('image/jpeg');
    expect(checkUpload(jpeg, 'a.jfif', 'image/jpg')).toBe('image/jpeg');
  });

  it('a double extension is judged by its last part', () => {
    expect(code(() => checkUpload(jpeg, 'photo.jpg.html'))).toBe('FILE_TYPE_MISMATCH');
    expect(checkUpload(jpeg, 'photo.html.jpg')).toBe('image/jpeg');
  });

  it('unknown content is a mismatch when an allowed type was claimed, else not allowed', () => {
    expect(code(() => checkUpload(bytes('<html>'), 'x.png'))).toBe('FILE_TYPE_MISMATCH');
    expect(code(() => checkUpload(bytes('<html>'), 'x.html', 'application/pdf'))).toBe('FILE_TYPE_MISMATCH');
    expect(code(() => checkUpload(bytes('<html>'), 'x.html', 'text/html'))).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(code(() => checkUpload(bytes('<html>')))).toBe('FILE_TYPE_NOT_ALLOWED');
  });
});
