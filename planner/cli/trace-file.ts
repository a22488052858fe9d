/**
 * Opening a trace file: it must be a regular file (not /dev/zero, a FIFO or a directory), its format is recognised
 * from its first line (never guessed from `{` alone), and its lines stream in 1 MiB chunks in constant memory.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { inputError } from '../../catalogs/index.js';
import type { NumberedLine } from '../../catalogs/traces/index.js';

export type TraceFormatFlag = 'fleetplan-jsonl' | 'conserve-csv' | 'azure-csv' | 'mooncake-jsonl';

/**
 * A trace must be a regular file: /dev/zero would be read (and hashed) forever, a FIFO blocks the open until a writer
 * comes, and a directory fails inside the reader. Checked before anything opens it.
 */
export function checkTraceFile(path: string, name: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError('file_not_found', name, '', code === 'EACCES' ? 'found a file this user may not read, expected a readable trace file' : 'found no such file, expected a readable trace file');
  }
  if (stat.isDirectory()) throw inputError('not_a_file', name, '', 'found a directory, expected a trace file');
  if (!stat.isFile()) throw inputError('not_a_file', name, '', 'found a special file (a device, FIFO or socket), expected a regular trace file');
}

/**
 * The start of a file up to the end of its first non-blank line (at most `maxBytes`), to recognise a trace's format
 * without reading it whole: a fleetplan JSONL line with many turns is longer than any fixed small head.
 */
export function readHead(path: string, maxBytes = 4 << 20): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < maxBytes) {
      const buffer = Buffer.alloc(Math.min(64 << 10, maxBytes - total));
      const n = readSync(fd, buffer, 0, buffer.length, total);
      if (n === 0) break;
      chunks.push(buffer.subarray(0, n));
      total += n;
      const text = Buffer.concat(chunks).toString('utf8');
      if (/\S[^\n]*\n/.test(text)) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The non-blank lines of a file, numbered from 1, read in 1 MiB chunks: a trace of any size streams through in
 * constant memory (the size guard of readTextFile is for documents read whole, not for traces). Invalid UTF-8 is an
 * InputError naming the line.
 */
export function* readLinesSync(path: string, displayName: string): Generator<NumberedLine> {
  checkTraceFile(path, displayName);
  const fd = openSync(path, 'r');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.alloc(1 << 20);
  let carry = '';
  let lineNumber = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      let text: string;
      try {
        text = carry + decoder.decode(buffer.subarray(0, n), { stream: n > 0 });
      } catch {
        throw inputError('not_utf8', displayName, '', 'found bytes that are not UTF-8, expected a UTF-8 text trace', lineNumber + 1 + badLineOffset(buffer.subarray(0, n)));
      }
      const lines = text.split('\n');
      carry = n > 0 ? lines.pop()! : '';
      for (const raw of lines) {
        lineNumber++;
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() !== '') yield { text: line, lineNumber };
      }
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** How many line breaks precede the first line of `bytes` that is not valid UTF-8 (0 when none is found whole). */
function badLineOffset(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  // Continuation bytes at the very start finish a character begun in the previous chunk.
  let start = 0;
  while (start < 3 && start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  for (let line = 0; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) return line; // the last, unfinished line (or a sequence begun in the previous chunk)
    try {
      strict.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
  }
}

/**
 * The format a trace's first line shows, or undefined. A JSON Lines trace is recognised only by a first line that is
 * a JSON object with the format's own field (`turns`, `hash_ids`): `{` alone would take any JSON file — a
 * credentials file — for a trace, and the reader would then quote its lines in messages.
 */
export function recognizeTraceFormat(head: string): TraceFormatFlag | undefined {
  const firstLine = head.replace(/^\uFEFF/, '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (firstLine.startsWith('conv_id,')) return 'conserve-csv';
  if (firstLine.startsWith('TIMESTAMP,')) return 'azure-csv';
  if (!firstLine.startsWith('{')) return undefined;
  let row: unknown;
  try {
    row = JSON.parse(firstLine);
  } catch {
    return undefined;
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
  if ('hash_ids' in row) return 'mooncake-jsonl';
  if ('turns' in row) return 'fleetplan-jsonl';
  return undefined;
}

const FORMAT_SIGNS: Record<TraceFormatFlag, string> = {
  'fleetplan-jsonl': 'a first line that is a JSON object with "turns"',
  'mooncake-jsonl': 'a first line that is a JSON object with "hash_ids"',
  'azure-csv': 'the header TIMESTAMP,ContextTokens,GeneratedTokens',
  'conserve-csv': 'a header starting conv_id,',
};

/**
 * The trace's format: recognised from its first line, and when `--trace-format` names one, that one must be what the
 * file shows. A file recognised as no trace is refused without quoting it (it may be anything: /proc/self/environ).
 */
export function traceFormatOf(path: string, head: string, forced: TraceFormatFlag | undefined): TraceFormatFlag {
  const seen = recognizeTraceFormat(head);
  if (forced !== undefined) {
    // The two JSON Lines formats differ only in fields; a forced one reads the other's file and names what is wrong.
    const jsonl = (f: TraceFormatFlag | undefined) => f === 'fleetplan-jsonl' || f === 'mooncake-jsonl';
    if (seen === forced || (jsonl(seen) && jsonl(forced))) return forced;
    throw inputError('syntax', path, '', `found a first line no ${forced} trace starts with (its contents are not shown), expected ${FORMAT_SIGNS[forced]}`);
  }
  if (seen !== undefined) return seen;
  throw inputError('syntax', path, '', `found ${extname(path) || 'no extension'} with a first line that is no known trace header (its contents are not shown), expected a fleetplan JSONL, ConServe CSV, Azure CSV or Mooncake JSONL trace`);
}

