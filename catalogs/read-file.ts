/**
 * Reading one input file safely: it must exist, be a regular file, be no larger than a limit (a 50 MB file is
 * refused at once, not parsed for minutes), and be UTF-8. Every failure is an InputError naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { inputError } from './issues.js';

/** Catalog, mix, SLO, fleet and plan files are small; traces are streamed and have their own limit. */
export const DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/**
 * Reads a UTF-8 text file. `displayName` is how the user named it (used in messages); `path` is where it is.
 * A leading byte-order mark is dropped.
 */
export function readTextFile(path: string, options: { displayName?: string; maxBytes?: number } = {}): string {
  const name = options.displayName ?? path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw inputError('not_a_file', name, '', 'found a directory, expected a file');
    if (!stat.isFile()) throw inputError('not_a_file', name, '', 'found a special file, expected a regular file');
    size = stat.size;
  } catch (error) {
    if (error instanceof Error && error.name === 'InputError') throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw inputError('file_not_found', name, '', 'found no such file, expected an existing file');
    if (code === 'EACCES') throw inputError('file_not_found', name, '', 'found a file this user may not read, expected a readable file');
    throw error;
  }
  if (size > maxBytes) {
    throw inputError('file_too_large', name, '', `found ${formatBytes(size)}, expected at most ${formatBytes(maxBytes)} (refused without reading)`);
  }
  const bytes = readFileSync(path);
  return decodeUtf8(bytes, name);
}

/** Decodes strictly; the first invalid byte is reported with its 1-based line and its byte offset. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    const hex = bytes[offset]?.toString(16).padStart(2, '0') ?? '??';
    throw inputError('not_utf8', name, '', `found byte 0x${hex} at offset ${offset}, expected UTF-8 text`, line);
  }
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
