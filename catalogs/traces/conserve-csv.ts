/**
 * The ConServe artifact's per-turn profile of mini-swe-agent on SWE-bench (shared/data/conserve):
 * CSV `conv_id,iter_id,appended_input,total_input,out_token_size,carried_over`, one row per turn, a conversation's
 * turns on consecutive rows in turn order (iter_id 0, 1, 2, …). It has no timestamps and no tool latencies.
 */
import { describeValue } from '../issues.js';
import { readCsvTokenCount, splitTraceLines, traceSyntaxError, traceValueError } from './trace-lines.js';

/** One turn of a ConServe conversation (token counts). */
export interface ConserveTurn {
  /** New input this turn: the whole first prompt on turn 1, tool output + observation later. */
  readonly appendedInputTokens: number;
  /** The whole prompt of this turn (history + appended). */
  readonly totalInputTokens: number;
  readonly outputTokens: number;
}

export interface ConserveConversation {
  readonly id: string;
  readonly turns: readonly ConserveTurn[];
}

/** One data row. */
export interface ConserveRow {
  readonly conversationId: string;
  /** 0-based turn index (`iter_id`). */
  readonly turnIndex: number;
  readonly turn: ConserveTurn;
}

/** The header the parser accepts, exactly. */
export const CONSERVE_HEADER = 'conv_id,iter_id,appended_input,total_input,out_token_size,carried_over';

/**
 * Parses one data row (not the header); stateless.
 * @example parseConserveLine('0,1,67,18125,40,18058', 3, 'trace.csv').turnIndex // 1
 */
export function parseConserveLine(line: string, lineNumber: number, file: string): ConserveRow {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length !== 6) throw traceSyntaxError(file, lineNumber, `found ${fields.length} fields, expected 6 (${CONSERVE_HEADER})`);
  if (fields[0] === '') throw traceValueError(file, lineNumber, 'conv_id', 'found "", expected a conversation id');
  if (!/^\d+$/.test(fields[1])) throw traceValueError(file, lineNumber, 'iter_id', `found ${describeValue(fields[1])}, expected a non-negative integer turn index`);
  const turn: ConserveTurn = {
    appendedInputTokens: readCsvTokenCount(fields[2], file, lineNumber, 'appended_input'),
    totalInputTokens: readCsvTokenCount(fields[3], file, lineNumber, 'total_input'),
    outputTokens: readCsvTokenCount(fields[4], file, lineNumber, 'out_token_size'),
  };
  // carried_over is implied by the others (the history before this turn) but is checked like every count.
  readCsvTokenCount(fields[5], file, lineNumber, 'carried_over');
  return { conversationId: fields[0], turnIndex: Number(fields[1]), turn };
}

/** A streaming reader: checks the header, then that each conversation's turns come in order on consecutive rows. */
export interface ConserveReader {
  /** Returns undefined for the header line. */
  read(line: string, lineNumber: number): ConserveRow | undefined;
}

/** A reader for `file`; feed it every non-blank line in file order, the header first. */
export function createConserveReader(file: string): ConserveReader {
  let sawHeader = false;
  let previous: { row: ConserveRow; lineNumber: number } | undefined;
  const finished = new Set<string>();
  return {
    read(line, lineNumber) {
      if (!sawHeader) {
        const header = line.replace(/^\uFEFF/, '').trim();
        if (header !== CONSERVE_HEADER) throw traceSyntaxError(file, lineNumber, `found header ${describeValue(header)}, expected "${CONSERVE_HEADER}"`);
        sawHeader = true;
        return undefined;
      }
      const row = parseConserveLine(line, lineNumber, file);
      const continues = previous !== undefined && previous.row.conversationId === row.conversationId;
      const expected = continues ? previous!.row.turnIndex + 1 : 0;
      if (row.turnIndex !== expected) {
        const after = continues ? ` after ${previous!.row.turnIndex} on line ${previous!.lineNumber}` : '';
        const what = continues ? `turn ${expected}` : `turn 0 to start conversation ${describeValue(row.conversationId)}`;
        throw traceValueError(file, lineNumber, 'iter_id', `found ${row.turnIndex}${after}, expected ${what}`);
      }
      if (!continues) {
        if (finished.has(row.conversationId)) {
          throw traceValueError(file, lineNumber, 'conv_id', `found ${describeValue(row.conversationId)} again after other conversations, expected its turns on consecutive rows`);
        }
        if (previous !== undefined) finished.add(previous.row.conversationId);
      }
      previous = { row, lineNumber };
      return row;
    },
  };
}

/** Parses a whole ConServe trace held in memory into conversations, in file order. */
export function parseConserveTrace(text: string, file: string): ConserveConversation[] {
  const reader = createConserveReader(file);
  const conversations: Array<{ id: string; turns: ConserveTurn[] }> = [];
  for (const l of splitTraceLines(text)) {
    const row = reader.read(l.text, l.lineNumber);
    if (row === undefined) continue;
    if (row.turnIndex === 0) conversations.push({ id: row.conversationId, turns: [] });
    conversations[conversations.length - 1].turns.push(row.turn);
  }
  return conversations;
}
