import { apiPaths, UPLOAD_FILE_FIELD, type Upload } from '@onevisit/shared-types/client';
import type { RequestFn, Transport, TransportResponse } from './client';

/** A file on the device to send: a temp path (mini-programs) or a blob URL (H5). */
export interface UploadFileInput {
  filePath: string;
  /** The multipart file name (H5 uses it; the mini-programs name the temp file themselves). */
  fileName?: string;
  /** 0–100 while the bytes go out. */
  onProgress?: (percent: number) => void;
}

/** What the platform's uploadFile is asked to do (Taro.uploadFile in the app, a fake in tests). */
export interface UploadCall {
  url: string;
  filePath: string;
  /** The multipart field name: `UPLOAD_FILE_FIELD`. */
  name: string;
  fileName?: string;
  header: Record<string, string>;
  timeout: number;
  onProgress?: (percent: number) => void;
}
export type UploadFn = (call: UploadCall) => Promise<TransportResponse>;

/** Large photos on a slow mobile network. */
export const UPLOAD_TIMEOUT_MS = 90_000;

function isUploadInput(data: unknown): data is UploadFileInput {
  return !!data && typeof data === 'object' && typeof (data as UploadFileInput).filePath === 'string';
}

/**
 * A client `Transport` that sends the request's `data` (an `UploadFileInput`) as a multipart upload
 * instead of JSON. Used with `createRequest` (and `createAuthedRequest`), so an upload gets the
 * same URL building, Authorization header, token refresh, JSON parsing and `ApiError` mapping as
 * every other call. The JSON Content-Type the request helper adds is dropped: the platform writes
 * the multipart one with its boundary.
 */
export function uploadTransport(upload: UploadFn): Transport {
  return async ({ url, data, header, timeout }) => {
    if (!isUploadInput(data)) throw new Error('upload: no file path');
    const kept: Record<string, string> = {};
    for (const [k, v] of Object.entries(header)) if (k.toLowerCase() !== 'content-type') kept[k] = v;
    return upload({
      url,
      filePath: data.filePath,
      name: UPLOAD_FILE_FIELD,
      ...(data.fileName ? { fileName: data.fileName } : {}),
      header: kept,
      timeout,
      ...(data.onProgress ? { onProgress: data.onProgress } : {}),
    });
  };
}

/** `POST /api/v1/uploads`: an image or PDF of at most 10 MB → `Upload` (its `uploadId` goes into a case's materials). */
export function createUploadsApi(authedUpload: RequestFn) {
  return {
    upload: (file: UploadFileInput) => authedUpload<Upload>(apiPaths.uploads, { method: 'POST', data: file, timeoutMs: UPLOAD_TIMEOUT_MS }),
  };
}
export type UploadsApi = ReturnType<typeof createUploadsApi>;
