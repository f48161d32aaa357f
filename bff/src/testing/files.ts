import { randomBytes } from 'node:crypto';

/** Small files with real magic bytes, for upload and storage tests (random bodies: distinct hashes). */
export function materialFixtures() {
  return {
    jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(3000), Buffer.from([0xff, 0xd9])]),
    png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from([0, 0, 0, 13]), Buffer.from('IHDR'), randomBytes(2000)]),
    pdf: Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n'), randomBytes(1500), Buffer.from('\n%%EOF\n')]),
    heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), randomBytes(1000)]),
    heif: Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypmif1'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heicmiaf'), randomBytes(1000)]),
    html: Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>'),
    gif: Buffer.concat([Buffer.from('GIF89a'), randomBytes(100)]),
  };
}
