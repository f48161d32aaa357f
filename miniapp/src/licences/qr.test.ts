import { QUIET_ZONE_MODULES, qrImage, qrMatrix } from './qr';

/** A minimal GIF decoder (one image, no interlace) → rows of palette indexes. */
function decodeGif(dataUrl: string): { width: number; height: number; pixels: number[]; palette: number[][] } {
  const bytes = Buffer.from(dataUrl.replace(/^data:image\/gif;base64,/, ''), 'base64');
  expect(bytes.subarray(0, 6).toString('latin1')).toMatch(/^GIF8[79]a$/);
  const width = bytes.readUInt16LE(6);
  const height = bytes.readUInt16LE(8);
  const flags = bytes[10];
  let p = 13;
  const palette: number[][] = [];
  if (flags & 0x80) {
    const size = 2 << (flags & 7);
    for (let i = 0; i < size; i++) palette.push([bytes[p + i * 3], bytes[p + i * 3 + 1], bytes[p + i * 3 + 2]]);
    p += size * 3;
  }
  while (bytes[p] === 0x21) {
    p += 2;
    while (bytes[p] !== 0) p += bytes[p] + 1;
    p++;
  }
  expect(bytes[p]).toBe(0x2c);
  p += 10;
  const minCode = bytes[p++];
  const data: number[] = [];
  while (bytes[p] !== 0) {
    const n = bytes[p++];
    for (let i = 0; i < n; i++) data.push(bytes[p + i]);
    p += n;
  }
  // LZW
  const clear = 1 << minCode;
  const end = clear + 1;
  let size = minCode + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = [];
    for (let i = 0; i < clear; i++) dict.push([i]);
    dict.push([], []);
    size = minCode + 1;
  };
  reset();
  const out: number[] = [];
  let bit = 0;
  let prev: number[] | undefined;
  const read = () => {
    let v = 0;
    for (let i = 0; i < size; i++, bit++) if (data[bit >> 3] & (1 << (bit & 7))) v |= 1 << i;
    return v;
  };
  for (;;) {
    if (bit + size > data.length * 8) break;
    const code = read();
    if (code === clear) {
      reset();
      prev = undefined;
      continue;
    }
    if (code === end) break;
    let entry: number[];
    if (code < dict.length) entry = dict[code];
    else entry = [...prev!, prev![0]];
    out.push(...entry);
    if (prev) dict.push([...prev, entry[0]]);
    prev = entry;
    if (dict.length === 1 << size && size < 12) size++;
  }
  return { width, height, pixels: out, palette };
}

const TOKEN = `eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoib3YtbGljZW5jZStqd3QifQ.${'eyJzdWIiOiIxLjIuMTU2In0'.repeat(20)}.${'s'.repeat(86)}`;

describe('QR code image', () => {
  it('draws exactly the modules of the code, with a 4-module quiet zone, at about 480 px', () => {
    const img = qrImage(TOKEN);
    const matrix = qrMatrix(TOKEN);
    expect(img.modules).toBe(matrix.length);
    expect(img.pixels).toBe((img.modules + 2 * QUIET_ZONE_MODULES) * img.cellSize);
    expect(img.pixels).toBeGreaterThanOrEqual(480);
    expect(img.pixels).toBeLessThan(480 + 2 * img.cellSize * 10);
    const gif = decodeGif(img.dataUrl);
    expect(gif.width).toBe(img.pixels);
    expect(gif.height).toBe(img.pixels);
    expect(gif.pixels.length).toBeGreaterThanOrEqual(img.pixels * img.pixels);
    const dark = (x: number, y: number) => {
      const [r, g, b] = gif.palette[gif.pixels[y * gif.width + x]];
      return r + g + b < 384;
    };
    const q = QUIET_ZONE_MODULES * img.cellSize;
    // the centre pixel of every module matches the matrix; the quiet zone is light
    for (let r = 0; r < img.modules; r++) {
      for (let c = 0; c < img.modules; c++) {
        const x = q + c * img.cellSize + (img.cellSize >> 1);
        const y = q + r * img.cellSize + (img.cellSize >> 1);
        if (dark(x, y) !== matrix[r][c]) throw new Error(`module ${r},${c} differs`);
      }
    }
    for (let i = 0; i < img.pixels; i += 7) {
      expect(dark(i, 1)).toBe(false);
      expect(dark(1, i)).toBe(false);
      expect(dark(img.pixels - 2, i)).toBe(false);
    }
  });

  it('has the three finder patterns and differs for another token', () => {
    const m = qrMatrix(TOKEN);
    const n = m.length;
    for (const [r0, c0] of [
      [0, 0],
      [0, n - 7],
      [n - 7, 0],
    ]) {
      // the 7×7 ring and the 3×3 core
      for (let i = 0; i < 7; i++) {
        expect(m[r0][c0 + i]).toBe(true);
        expect(m[r0 + 6][c0 + i]).toBe(true);
        expect(m[r0 + i][c0]).toBe(true);
        expect(m[r0 + 1][c0 + 1]).toBe(false);
      }
      expect(m[r0 + 3][c0 + 3]).toBe(true);
    }
    // a token of ~570 characters needs version 17 or more at level M (at least 85 modules)
    expect(n).toBeGreaterThanOrEqual(85);
    expect(qrImage(`${TOKEN}x`).dataUrl).not.toBe(qrImage(TOKEN).dataUrl);
    expect(qrMatrix('short').length).toBe(21);
  });
});
