import { MATERIAL_MIMES_ALLOWED, MAX_MATERIAL_BYTES } from '@onevisit/shared-types/client';
import { describeError, isApiError, isNetworkError } from '../api/errors';

/** A file the citizen chose, before it is uploaded. */
export interface PickedFile {
  /** Temp path (mini-programs) or blob URL (H5): what uploadFile and <Image> take. */
  path: string;
  /** Bytes, when the platform says (Alipay's chooseImage may not). */
  size?: number;
  /** The original name (H5, WeChat chat files); mini-program photos have none. */
  name?: string;
  /** A MIME type (H5) or the platform's kind (`image`). */
  type?: string;
}

export type FileKind = 'image' | 'pdf' | 'other';

const IMAGE_EXT = /\.(jpe?g|png|heic|heif)$/i;
const PDF_EXT = /\.pdf$/i;

/** What a file is, from its MIME type, the platform's kind or its name / path. */
export function fileKind(file: { type?: string; name?: string; path?: string; contentType?: string; fileName?: string }): FileKind {
  const type = (file.contentType ?? file.type ?? '').toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type === 'image' || type.startsWith('image/')) return 'image';
  const name = file.fileName ?? file.name ?? file.path ?? '';
  if (PDF_EXT.test(name)) return 'pdf';
  if (IMAGE_EXT.test(name)) return 'image';
  return 'other';
}

export const MAX_MATERIAL_MB = Math.round(MAX_MATERIAL_BYTES / 1024 / 1024);
export const FILE_TYPES_TEXT = 'JPG、PNG、HEIC 图片或 PDF 文件';

/**
 * The checks that can be made before sending (the BFF checks again, from the bytes): empty, over
 * 10 MB, or a type that is not an image or PDF. Undefined when nothing is wrong as far as known.
 */
export function checkPickedFile(file: PickedFile): string | undefined {
  if (file.size !== undefined) {
    if (file.size <= 0) return '文件是空的，请重新选择';
    if (file.size > MAX_MATERIAL_BYTES) return `文件大小 ${fileSizeLabel(file.size)}，超过 ${MAX_MATERIAL_MB} MB 的上限，请压缩或重新拍摄后上传`;
  }
  const type = (file.type ?? '').toLowerCase();
  if (type.includes('/')) {
    if (!(MATERIAL_MIMES_ALLOWED as readonly string[]).includes(type)) return `不支持该文件格式，仅支持 ${FILE_TYPES_TEXT}`;
  } else if (type === 'video') {
    return `不支持视频，仅支持 ${FILE_TYPES_TEXT}`;
  } else if (file.name && !IMAGE_EXT.test(file.name) && !PDF_EXT.test(file.name)) {
    return `不支持该文件格式，仅支持 ${FILE_TYPES_TEXT}`;
  }
  return undefined;
}

/** `856 KB`, `2.4 MB`. */
export function fileSizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One Chinese line for a failed upload, beside the file. */
export function uploadErrorMessage(err: unknown): string {
  if (isApiError(err)) {
    switch (err.code) {
      case 'FILE_TOO_LARGE':
      case 'PAYLOAD_TOO_LARGE':
        return `文件超过 ${MAX_MATERIAL_MB} MB，请压缩或重新拍摄后上传`;
      case 'FILE_TYPE_NOT_ALLOWED':
      case 'UNSUPPORTED_MEDIA_TYPE':
        return `不支持该文件格式，仅支持 ${FILE_TYPES_TEXT}`;
      case 'FILE_TYPE_MISMATCH':
        return '文件内容与格式不符（可能已损坏或被改过扩展名），请重新选择';
      case 'FILE_EMPTY':
        return '文件是空的，请重新选择';
      default:
        return describeError(err).title;
    }
  }
  if (isNetworkError(err)) return err.kind === 'timeout' ? '上传超时，请检查网络后重试' : '网络连接失败，上传未完成，请重试';
  return '上传失败，请重试';
}
