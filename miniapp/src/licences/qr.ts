import qrcode from 'qrcode-generator';

/**
 * The QR code of a presentation token, drawn on the device with no network: `qrcode-generator`
 * (pure JS, no dependencies) encodes the text and writes a 1-bit GIF as a `data:` URL, which an
 * `<Image>` shows the same way in WeChat, Alipay and the browser (one node, no canvas API whose
 * shape differs per platform).
 */

/** Light modules around the code, as the QR standard asks. */
export const QUIET_ZONE_MODULES = 4;
/** The bitmap's size aimed at (device pixels): crisp on a phone without a heavy data URL. */
export const TARGET_PIXELS = 480;

export interface QrImage {
  /** `data:image/gif;base64,…` */
  dataUrl: string;
  /** Modules per side (21 for version 1, +4 per version). */
  modules: number;
  /** Pixels per module. */
  cellSize: number;
  /** Width = height of the bitmap in pixels, quiet zone included. */
  pixels: number;
}

/**
 * Encodes `text` (byte mode, error correction M: readable with some glare or a cracked screen)
 * in the smallest version that holds it, with pixel cells sized for about TARGET_PIXELS.
 */
export function qrImage(text: string, targetPixels: number = TARGET_PIXELS): QrImage {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  const side = modules + 2 * QUIET_ZONE_MODULES;
  const cellSize = Math.max(2, Math.ceil(targetPixels / side));
  return { dataUrl: qr.createDataURL(cellSize, cellSize * QUIET_ZONE_MODULES), modules, cellSize, pixels: side * cellSize };
}

/** The module matrix (true = dark), for tests and any renderer that wants it. */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}
