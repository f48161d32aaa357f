import type { Readable } from 'node:stream';
import type { MaterialMime } from './sniff';

/**
 * Where uploaded application materials (photos of documents, PDFs) live. The port takes bytes
 * and gives back a generated key; the database row that refers to the material stores the key,
 * the sha256 and the sniffed MIME type, never a path or a user-supplied name.
 *
 * Every implementation must:
 * - decide the type from the content's magic bytes (`sniffMime`), and refuse content that is not
 *   an allowed type or that disagrees with the declared name or MIME type (`checkDeclared`);
 * - enforce `maxBytes` while reading (never buffer or store more than the limit) and leave no
 *   partial object behind when it refuses;
 * - compute the sha256 while reading;
 * - generate keys of the shape `<yyyy>/<mm>/<sha256 first 2 hex>/<32 random hex>` (`KEY_PATTERN`)
 *   and refuse any other key with STORAGE_KEY_INVALID before touching the store;
 * - make an object visible only once it is complete (no reader ever sees half a file).
 *
 * An S3-compatible implementation (MinIO, OSS, COS, OBS — whichever the province runs) fits the
 * same port: `put` streams the checked head and the rest through the SDK's multipart upload
 * (`@aws-sdk/lib-storage` Upload with a counting/hashing Transform in front; abort the upload
 * on a refusal so no parts are left) to the same key, with `ContentType` set to the sniffed MIME
 * type and the sha256 as `x-amz-meta-sha256` (or `ChecksumSHA256`); the object only exists once
 * CompleteMultipartUpload succeeds, which gives the atomicity the local rename gives here. `get`
 * is GetObject's body stream (NoSuchKey → STORAGE_NOT_FOUND), `stat` is HeadObject, `delete` is
 * DeleteObject. The bucket must be private, with server-side encryption on; the mini-program
 * reads materials through the BFF (or short-lived presigned GETs), never by bucket URL.
 */
export interface StoragePort {
  readonly kind: 'local' | 's3';
  /** Stores one upload; refuses with a StorageError (nothing is left behind when it does). */
  put(body: Readable | Buffer | Uint8Array, options: PutOptions): Promise<StoredObject>;
  /** The stored bytes. STORAGE_KEY_INVALID for a key this port could not have made; STORAGE_NOT_FOUND. */
  get(key: string): Promise<Readable>;
  /** Size and type of a stored object. STORAGE_KEY_INVALID; STORAGE_NOT_FOUND. */
  stat(key: string): Promise<StoredObjectInfo>;
  /** Removes an object; false when it was not there (deleting twice is not an error). STORAGE_KEY_INVALID. */
  delete(key: string): Promise<boolean>;
}

export interface PutOptions {
  /**
   * The file name the client sent (only its extension is looked at; it never reaches the store).
   * When it has an extension, the extension must name the sniffed type.
   */
  declaredName?: string;
  /**
   * The MIME type the client sent. When present (and not the generic `application/octet-stream`),
   * it must name the sniffed type.
   */
  declaredMime?: string;
  /** Refuse with FILE_TOO_LARGE as soon as more than this many bytes have arrived. */
  maxBytes: number;
}

export interface StoredObject {
  key: string;
  /** Hex sha256 of the stored bytes. */
  sha256: string;
  bytes: number;
  /** The sniffed type (never the declared one). */
  mime: MaterialMime;
}

export interface StoredObjectInfo {
  key: string;
  bytes: number;
  mime: MaterialMime;
  storedAt: Date;
}

/** `<yyyy>/<mm>/<sha256 first 2 hex>/<32 random hex>`: the only keys a port accepts. */
export const KEY_PATTERN = /^(\d{4})\/(0[1-9]|1[0-2])\/([0-9a-f]{2})\/([0-9a-f]{32})$/;

export function isValidStorageKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

export type StorageErrorCode =
  | 'FILE_TOO_LARGE'
  | 'FILE_TYPE_NOT_ALLOWED'
  | 'FILE_TYPE_MISMATCH'
  | 'FILE_EMPTY'
  | 'STORAGE_KEY_INVALID'
  | 'STORAGE_NOT_FOUND';

/**
 * A refusal of the storage port. The HTTP layer maps `code` to the platform's error codes
 * (suggested: FILE_TOO_LARGE 413, FILE_TYPE_NOT_ALLOWED 415, FILE_TYPE_MISMATCH 415,
 * FILE_EMPTY 400, STORAGE_KEY_INVALID 400 — or 404 so keys cannot be probed —, STORAGE_NOT_FOUND 404).
 * I/O failures (disk full, permissions) are not StorageErrors: they stay ordinary errors (a 500).
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
