/**
 * fleetplan's own conversation trace: JSON Lines, one conversation per line, conversations in arrival order.
 *
 * ```json
 * {"id": "c-0001", "arrival_s": 0.0, "class": "coding", "turns": [
 *   {"input_tokens": 15890, "output_tokens": 146},
 *   {"input_tokens": 67, "output_tokens": 40, "tool_latency_s": 2.5}]}
 * ```
 * (one line in the file; wrapped here for reading)
 *
 * - `id` (string, required, unique in the file): the conversation's name in reports.
 * - `arrival_s` (number ≥ 0, required): arrival of turn 1 in seconds from trace start; never decreases line to line.
 * - `class` (string, optional): the mix class it belongs to, for per-class statistics.
 * - `turns` (non-empty list, required), each with
 *   - `input_tokens` (integer): turn 1: the whole first prompt (≥ 1); later turns: tokens *appended* to the history
 *     (tool output + user text, ≥ 0) — the history itself (earlier prompts and answers) is not repeated;
 *   - `output_tokens` (integer ≥ 1): tokens the turn generates;
 *   - `tool_latency_s` (number ≥ 0): the wait between the previous turn's last token and this turn's input being
 *     ready (tool run or user think time); required on later turns, optional on turn 1 where it must be 0.
 * No other fields are allowed, so a misspelt one is an error rather than silently ignored.
 */
import { describeValue } from '../issues.js';
import {
  createOrderChecker,
  parseJsonObjectLine,
  readJsonSeconds,
  readJsonTokenCount,
  splitTraceLines,
  traceValueError,
} from './trace-lines.js';

export interface FleetplanTurn {
  /** Turn 1: the whole prompt; later turns: appended tokens. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Wait before this turn's input is ready, seconds; 0 on turn 1. */
  readonly toolLatencySeconds: number;
}

export interface FleetplanConversation {
  readonly id: string;
  readonly arrivalSeconds: number;
  readonly classId?: string;
  readonly turns: readonly FleetplanTurn[];
}

const CONVERSATION_KEYS = ['id', 'arrival_s', 'class', 'turns'];
const TURN_KEYS = ['input_tokens', 'output_tokens', 'tool_latency_s'];

function rejectUnknownKeys(row: Record<string, unknown>, allowed: readonly string[], file: string, lineNumber: number, prefix: string): void {
  for (const key of Object.keys(row)) {
    if (!allowed.includes(key)) {
      throw traceValueError(file, lineNumber, `${prefix}${key}`, `found unknown field ${describeValue(key)}, expected one of ${allowed.join(', ')}`);
    }
  }
}

function parseTurn(value: unknown, index: number, file: string, lineNumber: number): FleetplanTurn {
  const path = `turns[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw traceValueError(file, lineNumber, path, `found ${describeValue(value)}, expected an object with input_tokens and output_tokens`);
  }
  const turn = value as Record<string, unknown>;
  rejectUnknownKeys(turn, TURN_KEYS, file, lineNumber, `${path}.`);
  const inputTokens = readJsonTokenCount(turn.input_tokens, file, lineNumber, `${path}.input_tokens`, index === 0 ? 1 : 0);
  const outputTokens = readJsonTokenCount(turn.output_tokens, file, lineNumber, `${path}.output_tokens`, 1);
  const latencyPath = `${path}.tool_latency_s`;
  if (index === 0) {
    if (turn.tool_latency_s !== undefined && turn.tool_latency_s !== 0) {
      throw traceValueError(file, lineNumber, latencyPath, `found ${describeValue(turn.tool_latency_s)}, expected 0 or nothing on the first turn`);
    }
    return { inputTokens, outputTokens, toolLatencySeconds: 0 };
  }
  return { inputTokens, outputTokens, toolLatencySeconds: readJsonSeconds(turn.tool_latency_s, file, lineNumber, latencyPath) };
}

/**
 * Parses one line (1-based `lineNumber`) into a conversation; stateless.
 * @example parseFleetplanLine('{"id":"a","arrival_s":0,"turns":[{"input_tokens":5,"output_tokens":2}]}', 1, 't.jsonl')
 */
export function parseFleetplanLine(line: string, lineNumber: number, file: string): FleetplanConversation {
  const row = parseJsonObjectLine(line, file, lineNumber);
  rejectUnknownKeys(row, CONVERSATION_KEYS, file, lineNumber, '');
  if (typeof row.id !== 'string' || row.id === '') {
    throw traceValueError(file, lineNumber, 'id', `found ${describeValue(row.id)}, expected a non-empty string`);
  }
  const arrivalSeconds = readJsonSeconds(row.arrival_s, file, lineNumber, 'arrival_s');
  if (row.class !== undefined && (typeof row.class !== 'string' || row.class === '')) {
    throw traceValueError(file, lineNumber, 'class', `found ${describeValue(row.class)}, expected a non-empty string or nothing`);
  }
  if (!Array.isArray(row.turns) || row.turns.length === 0) {
    throw traceValueError(file, lineNumber, 'turns', `found ${describeValue(row.turns)}, expected a non-empty list of turns`);
  }
  const turns = row.turns.map((t: unknown, i: number) => parseTurn(t, i, file, lineNumber));
  return { id: row.id, arrivalSeconds, ...(row.class !== undefined ? { classId: row.class as string } : {}), turns };
}

/** A streaming reader: parses each line, checks arrival order and that ids are unique. */
export interface FleetplanReader {
  read(line: string, lineNumber: number): FleetplanConversation;
}

/** A reader for `file`; feed it non-blank lines in file order. Memory grows with the number of ids only. */
export function createFleetplanReader(file: string): FleetplanReader {
  const order = createOrderChecker(file, 'arrival_s');
  const seen = new Map<string, number>();
  return {
    read(line, lineNumber) {
      const conversation = parseFleetplanLine(line, lineNumber, file);
      order.check(conversation.arrivalSeconds, lineNumber);
      const first = seen.get(conversation.id);
      if (first !== undefined) {
        throw traceValueError(file, lineNumber, 'id', `found ${describeValue(conversation.id)} again (first on line ${first}), expected a unique id`);
      }
      seen.set(conversation.id, lineNumber);
      return conversation;
    },
  };
}

/** Parses a whole fleetplan conversation trace held in memory. */
export function parseFleetplanTrace(text: string, file: string): FleetplanConversation[] {
  const reader = createFleetplanReader(file);
  return splitTraceLines(text).map((l) => reader.read(l.text, l.lineNumber));
}

/**
 * One line of the format for `conversation` (no trailing newline); `parseFleetplanLine` reads it back unchanged.
 */
export function formatFleetplanLine(conversation: FleetplanConversation): string {
  return JSON.stringify({
    id: conversation.id,
    arrival_s: conversation.arrivalSeconds,
    ...(conversation.classId !== undefined ? { class: conversation.classId } : {}),
    turns: conversation.turns.map((t, i) => ({
      input_tokens: t.inputTokens,
      output_tokens: t.outputTokens,
      ...(i > 0 ? { tool_latency_s: t.toolLatencySeconds } : {}),
    })),
  });
}
