/**
 * A file's sha256, read in 1 MiB chunks so a trace of any size is hashed in constant memory. Results fold it into
 * their `catalog_hash` (provenance.ts): two runs on different traces must not look like the same inputs.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 1 << 20;

/** `sha256:<hex>` of the file's bytes. */
export function digestFile(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}
