/**
 * Azure LLM inference traces (Splitwise, 2023): CSV with the header `TIMESTAMP,ContextTokens,GeneratedTokens`,
 * wall-clock timestamps `YYYY-MM-DD HH:MM:SS.fffffff` (UTC, sorted), one independent request per row: the trace
 * has no session or conversation ids.
 */
import { describeValue } from '../issues.js';
import { createOrderChecker, readCsvTokenCount, splitTraceLines, traceSyntaxError, traceValueError } from './trace-lines.js';

/** One Azure request. */
export interface AzureRequest {
  /** Seconds since the first row's timestamp. */
  readonly arrivalSeconds: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** The header the parser accepts, exactly. */
export const AZURE_HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

/** A wall-clock time split into whole seconds since the epoch and a fraction, keeping the 100 ns digits exact. */
export interface AzureTimestamp {
  readonly wholeSeconds: number;
  readonly fractionSeconds: number;
}

/**
 * Parses `2023-11-16 18:15:46.6805900` (UTC) without the clock or the local time zone.
 * @example parseAzureTimestamp('1970-01-01 00:01:00.5', 't.csv', 2) // { wholeSeconds: 60, fractionSeconds: 0.5 }
 */
export function parseAzureTimestamp(field: string, file: string, lineNumber: number): AzureTimestamp {
  const m = TIMESTAMP.exec(field);
  const fail = () => traceValueError(file, lineNumber, 'TIMESTAMP', `found ${describeValue(field)}, expected a time like "2023-11-16 18:15:46.6805900"`);
  if (m === null) throw fail();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 2023-02-30 over into March; a real calendar date survives the round trip.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw fail();
  return { wholeSeconds: ms / 1000, fractionSeconds: m[7] === undefined ? 0 : Number(`0${m[7]}`) };
}

/** One parsed row before times are made relative. */
export interface AzureRow {
  readonly timestamp: AzureTimestamp;
  /** The TIMESTAMP field as written, for messages. */
  readonly timestampText: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * Parses one data row (not the header); stateless.
 * @example parseAzureLine('2023-11-16 18:17:03.9799600,4808,10', 2, 'code.csv').inputTokens // 4808
 */
export function parseAzureLine(line: string, lineNumber: number, file: string): AzureRow {
  const fields = line.split(',');
  if (fields.length !== 3) throw traceSyntaxError(file, lineNumber, `found ${fields.length} fields, expected 3 (${AZURE_HEADER})`);
  return {
    timestamp: parseAzureTimestamp(fields[0].trim(), file, lineNumber),
    timestampText: fields[0].trim(),
    inputTokens: readCsvTokenCount(fields[1].trim(), file, lineNumber, 'ContextTokens'),
    outputTokens: readCsvTokenCount(fields[2].trim(), file, lineNumber, 'GeneratedTokens'),
  };
}

/** A streaming reader: checks the header on the first line, then order, and makes times relative to row 1. */
export interface AzureReader {
  /** Returns undefined for the header line. */
  read(line: string, lineNumber: number): AzureRequest | undefined;
}

/** A reader for `file`; feed it every non-blank line in file order, the header first. */
export function createAzureReader(file: string): AzureReader {
  let sawHeader = false;
  let origin: AzureTimestamp | undefined;
  const order = createOrderChecker(file, 'TIMESTAMP');
  return {
    read(line, lineNumber) {
      if (!sawHeader) {
        const header = line.replace(/^\uFEFF/, '').trim();
        if (header !== AZURE_HEADER) throw traceSyntaxError(file, lineNumber, `found header ${describeValue(header)}, expected "${AZURE_HEADER}"`);
        sawHeader = true;
        return undefined;
      }
      const row = parseAzureLine(line, lineNumber, file);
      origin ??= row.timestamp;
      const arrivalSeconds = row.timestamp.wholeSeconds - origin.wholeSeconds + (row.timestamp.fractionSeconds - origin.fractionSeconds);
      order.check(arrivalSeconds, lineNumber, JSON.stringify(row.timestampText));
      return { arrivalSeconds, inputTokens: row.inputTokens, outputTokens: row.outputTokens };
    },
  };
}

/** Parses a whole Azure trace held in memory. */
export function parseAzureTrace(text: string, file: string): AzureRequest[] {
  const reader = createAzureReader(file);
  const out: AzureRequest[] = [];
  for (const l of splitTraceLines(text)) {
    const request = reader.read(l.text, l.lineNumber);
    if (request !== undefined) out.push(request);
  }
  return out;
}
