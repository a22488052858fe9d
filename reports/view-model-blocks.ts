/**
 * Constructors for view-model blocks and safe readers of loosely typed result fields. Pure.
 */
import type { ChartSpec } from './charts/types.js';
import type { Block, Cell, Column, Fact, Section, Status, Table } from './view-model-types.js';

/** A finite number, or undefined for anything else (missing, null, NaN, a string). */
export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A non-empty string, or undefined. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A plain object, or undefined. */
export function readRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** An array, or an empty one. */
export function readArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function fact(label: string, value: string, note: string | null = null): Fact {
  return { label, value, note };
}

export function textCell(text: string, options: { status?: Status | null; strong?: boolean } = {}): Cell {
  return { text, numeric: false, status: options.status ?? null, strong: options.strong ?? false };
}

export function numberCell(text: string, options: { status?: Status | null; strong?: boolean } = {}): Cell {
  return { text, numeric: true, status: options.status ?? null, strong: options.strong ?? false };
}

/** A pass/fail cell worded for people and for black-and-white print ("✔ pass" / "✘ fail"). */
export function verdictCell(pass: boolean | undefined): Cell {
  if (pass === undefined) return textCell('—');
  return textCell(pass ? '✔ pass' : '✘ fail', { status: pass ? 'pass' : 'fail', strong: true });
}

export function column(label: string, numeric = false): Column {
  return { label, numeric };
}

export function table(id: string, caption: string, columns: readonly Column[], rows: ReadonlyArray<readonly Cell[]>, note: string | null = null): Table {
  return { id, caption, columns, rows: rows.map((cells) => ({ cells })), note };
}

const EMPTY: Block = { paragraphs: null, facts: null, table: null, chart: null, code: null };

export function paragraphsBlock(paragraphs: readonly string[]): Block {
  return { ...EMPTY, paragraphs };
}

export function factsBlock(facts: readonly Fact[]): Block {
  return { ...EMPTY, facts };
}

export function tableBlock(value: Table): Block {
  return { ...EMPTY, table: value };
}

export function chartBlock(chart: ChartSpec): Block {
  return { ...EMPTY, chart };
}

export function codeBlock(code: string): Block {
  return { ...EMPTY, code };
}

export function section(id: string, title: string, blocks: readonly Block[]): Section {
  return { id, title, blocks };
}

/** Sorts a copy by a string key with a fixed, locale-free order, so output never depends on the machine. */
export function sortByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
