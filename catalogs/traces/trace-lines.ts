/**
 * Shared pieces of the trace parsers: splitting text into numbered lines, reading token counts and the ordering
 * check. Every problem is an InputError naming the file and the 1-based line, with what was found and expected.
 */
import { describeValue, inputError, type InputError } from '../issues.js';

/** One line of a trace with its 1-based number (line breaks `\n` or `\r\n`). */
export interface NumberedLine {
  readonly text: string;
  readonly lineNumber: number;
}

/**
 * The lines of `text`, numbered from 1; blank lines (such as the one after a final newline) are skipped, since a
 * streaming reader skips them too.
 */
export function splitTraceLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() !== '') out.push({ text: line, lineNumber: i + 1 });
  }
  return out;
}

/** An invalid value at `path` on `lineNumber` of `file`. */
export function traceValueError(file: string, lineNumber: number, path: string, message: string): InputError {
  return inputError('invalid_value', file, path, message, lineNumber);
}

/** A line that cannot be parsed at all. */
export function traceSyntaxError(file: string, lineNumber: number, message: string): InputError {
  return inputError('syntax', file, '', message, lineNumber);
}

const TOKEN_EXPECTATION = 'a non-negative integer token count';

/**
 * A token count from a JSON value: a finite integer ≥ `minimum` (default 0).
 * @example readJsonTokenCount(12, 'trace.jsonl', 1, 'input_length') // 12
 */
export function readJsonTokenCount(value: unknown, file: string, lineNumber: number, path: string, minimum = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    const expected = minimum === 0 ? TOKEN_EXPECTATION : `an integer token count ≥ ${minimum}`;
    throw traceValueError(file, lineNumber, path, `found ${describeValue(value)}, expected ${expected}`);
  }
  return value;
}

/**
 * A token count from a CSV field: decimal digits only (no sign, no fraction, no exponent).
 * @example readCsvTokenCount('42', 'trace.csv', 2, 'ContextTokens') // 42
 */
export function readCsvTokenCount(field: string, file: string, lineNumber: number, path: string): number {
  if (!/^\d+$/.test(field)) throw traceValueError(file, lineNumber, path, `found ${describeValue(field)}, expected ${TOKEN_EXPECTATION}`);
  return Number(field);
}

/** A non-negative finite number of seconds from a JSON value. */
export function readJsonSeconds(value: unknown, file: string, lineNumber: number, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw traceValueError(file, lineNumber, path, `found ${describeValue(value)}, expected a non-negative number of seconds`);
  }
  return value;
}

/** Parses one JSON Lines line into an object (not a list, not a scalar). */
export function parseJsonObjectLine(line: string, file: string, lineNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw traceSyntaxError(file, lineNumber, `found malformed JSON ${describeValue(line)}, expected one JSON object per line`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw traceSyntaxError(file, lineNumber, `found ${describeValue(value)}, expected one JSON object per line`);
  }
  return value as Record<string, unknown>;
}

/** Checks that a time column never goes backwards, line after line (state for a streaming reader). */
export interface OrderChecker {
  /**
   * Throws when `value` is below the previous line's value; `shown` is how the file writes it (default: the number
   * itself, which must then be in the file's own unit).
   */
  check(value: number, lineNumber: number, shown?: string): void;
}

/**
 * An ordering check for the column `path` of `file`; the message quotes both values as the file writes them.
 * @example createOrderChecker('t.jsonl', 'timestamp').check(5, 1)
 */
export function createOrderChecker(file: string, path: string): OrderChecker {
  let previous: { value: number; lineNumber: number; shown: string } | undefined;
  return {
    check(value, lineNumber, shown = String(value)) {
      if (previous !== undefined && value < previous.value) {
        throw traceValueError(
          file,
          lineNumber,
          path,
          `found ${shown} after ${previous.shown} on line ${previous.lineNumber}, expected non-decreasing arrival times`,
        );
      }
      previous = { value, lineNumber, shown };
    },
  };
}
