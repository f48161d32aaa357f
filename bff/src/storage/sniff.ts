import { StorageError } from './port';

/**
 * The material types the platform keeps, recognised by their magic bytes (never by name or by
 * what the client says):
 * - JPEG: FF D8 FF
 * - PNG: 89 50 4E 47 0D 0A 1A 0A
 * - PDF: `%PDF-` at offset 0
 * - HEIC/HEIF (iPhone photos): an ISO-BMFF `ftyp` box at offset 4 with major brand `heic`, `heix`
 *   or `hevc` (image/heic) or `mif1` (image/heif).
 * Anything else (HTML, SVG, GIF, WebP, Office files, archives, executables) is refused.
 */
export const MATERIAL_MIMES = ['image/jpeg', 'image/png', 'application/pdf', 'image/heic', 'image/heif'] as const;
export type MaterialMime = (typeof MATERIAL_MIMES)[number];

/** How many leading bytes `sniffMime` needs (fewer is fine for a file that short). */
export const SNIFF_BYTES = 12;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HEIF_BRANDS: Record<string, MaterialMime> = { heic: 'image/heic', heix: 'image/heic', hevc: 'image/heic', mif1: 'image/heif' };

const startsWith = (head: Uint8Array, bytes: number[], offset = 0) =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

export function sniffMime(head: Uint8Array): MaterialMime | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, PNG)) return 'image/png';
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, ascii('ftyp'), 4) && head.length >= 12) {
    const brand = String.fromCharCode(head[8], head[9], head[10], head[11]);
    return HEIF_BRANDS[brand] ?? null;
  }
  return null;
}

/** Extensions and declared MIME types that name each family (HEIC and HEIF are one family). */
const FAMILIES: { mimes: MaterialMime[]; extensions: string[]; declared: string[] }[] = [
  { mimes: ['image/jpeg'], extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], declared: ['image/jpeg', 'image/jpg', 'image/pjpeg'] },
  { mimes: ['image/png'], extensions: ['png'], declared: ['image/png', 'image/x-png'] },
  { mimes: ['application/pdf'], extensions: ['pdf'], declared: ['application/pdf', 'application/x-pdf'] },
  {
    mimes: ['image/heic', 'image/heif'],
    extensions: ['heic', 'heif', 'hif'],
    declared: ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
  },
];

/** The extension of a client file name (`IMG_1.JPG` → `jpg`), or undefined when it has none. */
export function extensionOf(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const ext = dot >= 0 ? base.slice(dot + 1).trim().toLowerCase() : '';
  return ext === '' ? undefined : ext;
}

/** A declared MIME type without parameters, lower-cased; undefined when absent or generic. */
function normalizeDeclaredMime(mime: string | undefined): string | undefined {
  const m = mime?.split(';')[0].trim().toLowerCase();
  return !m || m === 'application/octet-stream' ? undefined : m;
}

/**
 * Decides what was uploaded from its first bytes and what the client said it was:
 * - content of no allowed type → FILE_TYPE_MISMATCH when the client claimed an allowed type (a
 *   disguised file: HTML named `.jpg`), otherwise FILE_TYPE_NOT_ALLOWED;
 * - allowed content whose declared extension or MIME type names another type (a PDF declared
 *   `image/jpeg`, a PNG named `.pdf`, a JPEG named `.html`) → FILE_TYPE_MISMATCH.
 * A name without an extension and a missing or `application/octet-stream` MIME type claim nothing.
 */
export function checkUpload(head: Uint8Array, declaredName?: string, declaredMime?: string): MaterialMime {
  const sniffed = sniffMime(head);
  const ext = declaredName === undefined ? undefined : extensionOf(declaredName);
  const mime = normalizeDeclaredMime(declaredMime);
  const claims: { what: string; family: (typeof FAMILIES)[number] | undefined }[] = [];
  if (ext !== undefined) claims.push({ what: `extension .${ext}`, family: FAMILIES.find((f) => f.extensions.includes(ext)) });
  if (mime !== undefined) claims.push({ what: `type ${mime}`, family: FAMILIES.find((f) => f.declared.includes(mime)) });

  if (sniffed === null) {
    if (claims.some((c) => c.family !== undefined)) {
      throw new StorageError('FILE_TYPE_MISMATCH', 'the file content is not of the declared type', { declaredName: ext, declaredMime: mime });
    }
    throw new StorageError('FILE_TYPE_NOT_ALLOWED', 'only JPEG, PNG, HEIC/HEIF images and PDF documents are accepted', { declaredMime: mime });
  }
  for (const claim of claims) {
    if (!claim.family?.mimes.includes(sniffed)) {
      throw new StorageError('FILE_TYPE_MISMATCH', `the file is ${sniffed} but was declared with ${claim.what}`, { sniffed });
    }
  }
  return sniffed;
}
