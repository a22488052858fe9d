/**
 * The shape of a report's view model: everything a template shows, already worded and formatted, as plain JSON
 * (no classes, no getters: handlebars runs without prototype access). Every field is always present — absent
 * content is `null` or an empty list — because templates compile in strict mode.
 */
import type { ChartSpec } from './charts/types.js';
import type { ResultKind } from './result-types.js';

export type Status = 'pass' | 'fail' | 'info';

export interface Verdict {
  readonly status: Status;
  /** One or two words shown large: "HOLDS", "FAILS", "COMPARISON". */
  readonly label: string;
  readonly headline: string;
  readonly points: readonly string[];
}

/** A labelled figure, e.g. "TCO over 3 years: $1,234,567". */
export interface Fact {
  readonly label: string;
  readonly value: string;
  readonly note: string | null;
}

export interface Cell {
  readonly text: string;
  readonly numeric: boolean;
  readonly status: Status | null;
  readonly strong: boolean;
}

export interface Column {
  readonly label: string;
  readonly numeric: boolean;
}

export interface Table {
  readonly id: string;
  readonly caption: string;
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<{ readonly cells: readonly Cell[] }>;
  readonly note: string | null;
}

/** One piece of a section; exactly one of the content fields is non-null. */
export interface Block {
  readonly paragraphs: readonly string[] | null;
  readonly facts: readonly Fact[] | null;
  readonly table: Table | null;
  readonly chart: ChartSpec | null;
  readonly code: string | null;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

export interface ReportViewModel {
  readonly kind: ResultKind;
  readonly title: string;
  readonly subtitle: string;
  readonly verdict: Verdict;
  /** The few figures a reader needs first, shown under the verdict. */
  readonly keyFacts: readonly Fact[];
  readonly sections: readonly Section[];
  /** The format version and producer, printed in the footer. */
  readonly footer: string;
}
