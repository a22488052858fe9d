/** CSV text → records with 1-based line numbers, and typed cell readers that raise InputError naming the cell. */
import { parse } from 'csv-parse/sync';
import { inputError } from '../../catalogs/issues.js';

export interface CsvTable {
  readonly header: readonly string[];
  /** Each record with its 1-based line in the file. */
  readonly records: readonly { readonly line: number; readonly cells: Readonly<Record<string, string>> }[];
}

/** Parses CSV text with a header row. `file` names the input in messages. */
export function parseCsvTable(text: string, file: string): CsvTable {
  let raw: string[][];
  try {
    raw = parse(text, { relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    // csv-parse's message can quote a field ("value is ..."), and the file may be anything: its code and line only.
    const { code, lines } = error as { code?: string; lines?: number };
    const what = typeof code === 'string' ? code.replace(/^CSV_/, '').toLowerCase().replace(/_/g, ' ') : 'unreadable text';
    throw inputError('syntax', file, '', `found malformed CSV (${what}), expected comma-separated rows of equal length`, typeof lines === 'number' ? lines : undefined);
  }
  if (raw.length === 0) throw inputError('syntax', file, '', 'found an empty file, expected a header row and data rows');
  const header = raw[0].map((h, i) => (h === '' && i === 0 ? '_index' : h));
  // csv-parse skips empty lines, so line numbers are recovered from the text to stay exact.
  const lineStarts = nonEmptyLineNumbers(text);
  const records = raw.slice(1).map((cells, i) => ({
    line: lineStarts[i + 1] ?? i + 2,
    cells: Object.fromEntries(header.map((h, j) => [h, cells[j]])),
  }));
  return { header, records };
}

function nonEmptyLineNumbers(text: string): number[] {
  const out: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() !== '') out.push(i + 1);
  return out;
}

/** Requires every named column; unknown extra columns are the caller's decision. */
export function requireColumns(table: CsvTable, columns: readonly string[], file: string): void {
  const missing = columns.filter((c) => !table.header.includes(c));
  // A header with none of the columns is not this format (it may be any file): its contents are not shown.
  if (missing.length === columns.length) {
    throw inputError('schema', file, '', `found a first line with none of the expected columns (its contents are not shown), expected a CSV header with ${columns.map((m) => JSON.stringify(m)).join(', ')}`, 1);
  }
  if (missing.length > 0) {
    throw inputError('schema', file, '', `found columns ${JSON.stringify(table.header)}, expected also ${missing.map((m) => JSON.stringify(m)).join(', ')}`, 1);
  }
}

/** A finite number from a cell. */
export function readNumber(cells: Readonly<Record<string, string>>, column: string, file: string, line: number): number {
  const text = cells[column];
  const value = text === undefined || text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw inputError('invalid_value', file, column, `found ${JSON.stringify(text ?? '')}, expected a number`, line);
  }
  return value;
}

/** A number that must be > 0 (latencies, batch sizes, token counts). */
export function readPositive(cells: Readonly<Record<string, string>>, column: string, file: string, line: number): number {
  const value = readNumber(cells, column, file, line);
  if (value <= 0) throw inputError('invalid_value', file, column, `found ${value}, expected a positive number`, line);
  return value;
}
