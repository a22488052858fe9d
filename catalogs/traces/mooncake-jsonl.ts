/**
 * Mooncake FAST'25 request traces (JSON Lines, one request per line):
 * `{"timestamp": ms, "input_length": N, "output_length": N, "hash_ids": [ids of the prompt's 512-token blocks]}`.
 * Timestamps are milliseconds from trace start and are converted to seconds here, once.
 */
import { describeValue } from '../issues.js';
import {
  createOrderChecker,
  parseJsonObjectLine,
  readJsonTokenCount,
  splitTraceLines,
  traceValueError,
} from './trace-lines.js';

/** One Mooncake request. */
export interface MooncakeRequest {
  /** Arrival time from trace start, seconds (the file's milliseconds / 1000). */
  readonly arrivalSeconds: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Hashes of the prompt's blocks in order; equal leading ids mean a shared prefix. */
  readonly hashIds: readonly number[];
}

/** Tokens per `hash_ids` block in the Mooncake traces. */
export const MOONCAKE_BLOCK_TOKENS = 512;

/**
 * Parses one line (1-based `lineNumber`) of a Mooncake trace; stateless, so a reader can stream a large file.
 * @example parseMooncakeLine('{"timestamp": 1500, "input_length": 9, "output_length": 2, "hash_ids": [0]}', 1, 't.jsonl')
 */
export function parseMooncakeLine(line: string, lineNumber: number, file: string): MooncakeRequest {
  return parseMooncakeRow(line, lineNumber, file).request;
}

/** The request plus the raw timestamp, so ordering errors quote the file's own milliseconds. */
function parseMooncakeRow(line: string, lineNumber: number, file: string): { request: MooncakeRequest; timestampMs: number } {
  const row = parseJsonObjectLine(line, file, lineNumber);
  const timestamp = row.timestamp;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
    throw traceValueError(file, lineNumber, 'timestamp', `found ${describeValue(timestamp)}, expected a non-negative number of milliseconds`);
  }
  const inputTokens = readJsonTokenCount(row.input_length, file, lineNumber, 'input_length');
  const outputTokens = readJsonTokenCount(row.output_length, file, lineNumber, 'output_length');
  const hashIds = row.hash_ids;
  if (!Array.isArray(hashIds)) {
    throw traceValueError(file, lineNumber, 'hash_ids', `found ${describeValue(hashIds)}, expected a list of block hash ids`);
  }
  for (let i = 0; i < hashIds.length; i++) {
    const id: unknown = hashIds[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw traceValueError(file, lineNumber, `hash_ids[${i}]`, `found ${describeValue(id)}, expected a non-negative integer hash id`);
    }
  }
  return { request: { arrivalSeconds: timestamp / 1000, inputTokens, outputTokens, hashIds: hashIds as number[] }, timestampMs: timestamp };
}

/** A streaming reader: parses each line and checks that timestamps never go backwards. */
export interface MooncakeReader {
  read(line: string, lineNumber: number): MooncakeRequest;
}

/** A reader for `file`; feed it non-blank lines in file order. */
export function createMooncakeReader(file: string): MooncakeReader {
  const order = createOrderChecker(file, 'timestamp');
  return {
    read(line, lineNumber) {
      const { request, timestampMs } = parseMooncakeRow(line, lineNumber, file);
      order.check(timestampMs, lineNumber);
      return request;
    },
  };
}

/** Parses a whole Mooncake trace held in memory. */
export function parseMooncakeTrace(text: string, file: string): MooncakeRequest[] {
  const reader = createMooncakeReader(file);
  return splitTraceLines(text).map((l) => reader.read(l.text, l.lineNumber));
}
