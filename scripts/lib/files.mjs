// Size helpers shared by the build scripts.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Every file under `dir`, as paths relative to it with forward slashes. */
export function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Raw and gzip (level 9) bytes of one built file. */
export function fileSizes(dir, rel) {
  const buf = fs.readFileSync(path.join(dir, rel));
  return { rel, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length, buf };
}
