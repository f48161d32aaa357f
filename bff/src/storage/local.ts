import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { KEY_PATTERN, StorageError, type PutOptions, type StoragePort, type StoredObject, type StoredObjectInfo } from './port';
import { SNIFF_BYTES, checkUpload, sniffMime } from './sniff';

export interface LocalStorageOptions {
  /** The clock that names the `<yyyy>/<mm>` folder (UTC). */
  now?: () => Date;
}

/** Where the embedded default keeps materials: `<DATA_DIR>/materials`. */
export function defaultMaterialsDir(dataDir: string): string {
  return path.join(dataDir, 'materials');
}

const FILE_MODE = 0o640;
const DIR_MODE = 0o750;
const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0);

/**
 * Materials on the local disk under `dir` (the embedded default: `defaultMaterialsDir(config.dataDir)`).
 * An upload is written to `<dir>/.tmp/<random>.part` (same file system), fsynced, then renamed to
 * `<dir>/<key>`, so a stored object is always complete; a refused or failed upload's temp file is
 * removed. (A crash mid-upload can leave a `.part` file; anything in `.tmp` older than a day is
 * garbage and may be swept.) Several BFF processes may share the directory: names are random.
 *
 * When `put` refuses, it stops reading `body` and leaves the stream to the caller — neither
 * destroyed nor drained — so an HTTP handler can still answer (Node discards the unread rest of
 * a request body once the response ends).
 */
export function createLocalStorage(dir: string, options: LocalStorageOptions = {}): StoragePort {
  const root = path.resolve(dir);
  const tmpDir = path.join(root, '.tmp');
  const now = options.now ?? (() => new Date());

  function pathOf(key: string): string {
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new StorageError('STORAGE_KEY_INVALID', 'not a storage key');
    }
    const full = path.join(root, ...key.split('/'));
    // The pattern already excludes `..`, separators and absolute paths; this is the second lock.
    if (!full.startsWith(root + path.sep)) throw new StorageError('STORAGE_KEY_INVALID', 'not a storage key');
    return full;
  }

  async function openForRead(key: string): Promise<FileHandle> {
    const full = pathOf(key);
    let fh: FileHandle;
    try {
      fh = await open(full, READ_FLAGS);
    } catch (err) {
      if (isMissing(err)) throw new StorageError('STORAGE_NOT_FOUND', 'no such material');
      throw err;
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new StorageError('STORAGE_NOT_FOUND', 'no such material');
    }
    return fh;
  }

  function newKey(sha256: string): string {
    const d = now();
    const yyyy = String(d.getUTCFullYear()).padStart(4, '0');
    const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
    return `${yyyy}/${mm}/${sha256.slice(0, 2)}/${randomBytes(16).toString('hex')}`;
  }

  return {
    kind: 'local',

    async put(body: Readable | Buffer | Uint8Array, put: PutOptions): Promise<StoredObject> {
      const { maxBytes } = put;
      if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new TypeError('maxBytes must be a positive integer');
      const chunks: AsyncIterable<unknown> | Iterable<unknown> =
        body instanceof Uint8Array ? [body] : body.iterator({ destroyOnReturn: false });

      await mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
      const tmp = path.join(tmpDir, `${randomBytes(16).toString('hex')}.part`);
      const hash = createHash('sha256');
      let fh: FileHandle | undefined;
      let head: Buffer[] = [];
      let headLength = 0;
      let bytes = 0;
      let mime: StoredObject['mime'] | undefined;

      // Decides the type from the buffered head, then starts the temp file with it.
      const begin = async () => {
        const first = Buffer.concat(head, headLength);
        head = [];
        mime = checkUpload(first, put.declaredName, put.declaredMime);
        fh = await open(tmp, 'wx', FILE_MODE);
        await writeAll(fh, first);
      };

      try {
        for await (const chunk of chunks) {
          if (!(chunk instanceof Uint8Array)) throw new TypeError('storage put takes a byte stream (no encoding set)');
          if (chunk.length === 0) continue;
          bytes += chunk.length;
          if (bytes > maxBytes) {
            throw new StorageError('FILE_TOO_LARGE', `the file is larger than ${maxBytes} bytes`, { maxBytes });
          }
          const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
          hash.update(buf);
          if (mime === undefined) {
            head.push(buf);
            headLength += buf.length;
            if (headLength >= SNIFF_BYTES) await begin();
          } else {
            await writeAll(fh!, buf);
          }
        }
        if (bytes === 0) throw new StorageError('FILE_EMPTY', 'the file is empty');
        if (mime === undefined) await begin();
        await fh!.sync();
        await fh!.close();
        fh = undefined;

        const sha256 = hash.digest('hex');
        const key = newKey(sha256);
        const full = pathOf(key);
        await mkdir(path.dirname(full), { recursive: true, mode: DIR_MODE });
        await rename(tmp, full);
        return { key, sha256, bytes, mime: mime! };
      } catch (err) {
        await fh?.close().catch(() => undefined);
        await rm(tmp, { force: true });
        throw err;
      }
    },

    async get(key: string): Promise<Readable> {
      const fh = await openForRead(key);
      return fh.createReadStream();
    },

    async stat(key: string): Promise<StoredObjectInfo> {
      const fh = await openForRead(key);
      try {
        const st = await fh.stat();
        const head = Buffer.alloc(SNIFF_BYTES);
        const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
        const mime = sniffMime(head.subarray(0, bytesRead));
        // Only checked content is ever stored here; anything else was put there behind our back.
        if (mime === null) throw new Error(`stored material ${key} has an unknown type`);
        return { key, bytes: st.size, mime, storedAt: new Date(st.mtimeMs) };
      } finally {
        await fh.close();
      }
    },

    async delete(key: string): Promise<boolean> {
      const full = pathOf(key);
      try {
        await unlink(full);
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
  };
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  // ELOOP: a symbolic link at a key (O_NOFOLLOW); we never create one, so it is not ours.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}
