import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { UPLOAD_FILE_FIELD, type Upload } from '@onevisit/shared-types';
import { newId, toDbTime, fromDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import { StorageError, type StoragePort, type StoredObject } from '../../storage';
import { safeFileName } from './intake';
import type { ApplicationRepo } from './repo';

/** Room for the multipart envelope around the file (boundaries, part headers). */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * Material uploads: one file per multipart request, streamed through busboy into the storage
 * port, which sniffs the type from the bytes, enforces the size while reading and hashes the
 * content. The citizen's file name is kept only as a display name (made safe); it never reaches a
 * path. An upload belongs to its citizen and is attached to a case when the case names it.
 */
export class MaterialUploads {
  constructor(
    private readonly repo: ApplicationRepo,
    private readonly storage: StoragePort,
    private readonly maxBytes: number,
  ) {}

  async receive(userId: string, req: IncomingMessage): Promise<Upload> {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data;/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the file as multipart/form-data in the field "file"');
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.maxBytes + ENVELOPE_BYTES) throw tooLarge(this.maxBytes);
    const { stored, fileName } = await this.parse(req);
    return this.record(userId, stored, fileName);
  }

  /** A file that arrived inline (the open API's base64 materials): checked and stored like an upload. */
  async receiveBytes(userId: string, bytes: Buffer, declared: { fileName: string; contentType: string }): Promise<Upload> {
    if (bytes.length > this.maxBytes) throw tooLarge(this.maxBytes);
    const stored = await this.storage
      .put(Readable.from([bytes]), { declaredName: declared.fileName, declaredMime: declared.contentType, maxBytes: this.maxBytes })
      .catch((err: unknown) => {
        throw storageRefusal(err, this.maxBytes);
      });
    return this.record(userId, stored, declared.fileName);
  }

  private async record(userId: string, stored: StoredObject, fileName: string | undefined): Promise<Upload> {
    const upload = { upload_id: newId('upl'), user_id: userId, storage_key: stored.key, file_name: safeFileName(fileName), content_type: stored.mime, bytes: stored.bytes, sha256: stored.sha256, created_at: toDbTime(new Date()) };
    await this.repo.insertUpload(upload);
    return { uploadId: upload.upload_id, fileName: upload.file_name, contentType: stored.mime, bytes: stored.bytes, sha256: stored.sha256, uploadedAt: fromDbTime(upload.created_at) };
  }

  private parse(req: IncomingMessage): Promise<{ stored: StoredObject; fileName: string | undefined }> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers, limits: { files: 1, fields: 10, parts: 12, fileSize: this.maxBytes + 1, headerPairs: 20 } });
      } catch {
        reject(new AppError('MULTIPART_INVALID', 'the multipart body has no boundary'));
        return;
      }
      let storing: Promise<StoredObject> | null = null;
      let fileName: string | undefined;
      parser.on('file', (field, stream, info) => {
        if (field !== UPLOAD_FILE_FIELD || storing) {
          stream.resume();
          return;
        }
        fileName = info.filename;
        storing = this.storage.put(stream, { declaredName: info.filename, declaredMime: info.mimeType, maxBytes: this.maxBytes });
        // On a refusal the rest of the file is read and dropped, so the parser can finish.
        storing.catch(() => stream.resume());
      });
      parser.on('error', () => reject(new AppError('MULTIPART_INVALID', 'the multipart body is malformed')));
      parser.on('close', () => {
        if (!storing) return reject(new AppError('MULTIPART_INVALID', `no file in the field "${UPLOAD_FILE_FIELD}"`));
        storing.then((stored) => resolve({ stored, fileName }), (err) => reject(storageRefusal(err, this.maxBytes)));
      });
      req.on('aborted', () => reject(new AppError('MULTIPART_INVALID', 'the upload was interrupted')));
      req.pipe(parser);
    });
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('FILE_TOO_LARGE', `文件不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB`, { maxBytes });
}

const STORAGE_MESSAGES: Record<string, string> = {
  FILE_TYPE_NOT_ALLOWED: '只能上传 JPG、PNG、HEIC 图片或 PDF 文件',
  FILE_TYPE_MISMATCH: '文件内容与扩展名或类型不符',
  FILE_EMPTY: '文件是空的',
};

function storageRefusal(err: unknown, maxBytes: number): unknown {
  if (!(err instanceof StorageError)) return err;
  if (err.code === 'FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (err.code in STORAGE_MESSAGES) return new AppError(err.code as 'FILE_EMPTY', STORAGE_MESSAGES[err.code], err.details);
  return err;
}
