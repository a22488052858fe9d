/**
 * Problems with a user's input, as data (zod's idea): a stable code, the file, a field path, what was found and
 * what was expected. `formatIssue` renders one line: `file: field.path[i]: found X, expected Y`.
 */

export type IssueCode =
  | 'file_not_found'
  | 'not_a_file'
  | 'file_too_large'
  | 'not_utf8'
  | 'syntax'
  | 'unknown_kind'
  | 'schema'
  | 'unknown_reference'
  | 'duplicate_id'
  | 'invalid_value'
  | 'usage'
  | 'limit'
  | 'output';

export interface InputIssue {
  readonly code: IssueCode;
  /** The file as the user named it; empty for command-line input. */
  readonly file: string;
  /** Dot path with [i] indices, e.g. `classes[0].turns.min`; empty for the whole file. */
  readonly path: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  /** The message after the path: `found "80GB", expected a number`. */
  readonly message: string;
}

/** An error the user can fix: never printed with a stack, exit code 2. */
export class InputError extends Error {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InputError';
    this.issues = issues;
  }
}

/** Converts ['classes', 0, 'turns'] into `classes[0].turns`. */
export function toDotPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Renders a value as users see it in messages: strings quoted, long ones cut with their length said. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

/** One line per issue. */
export function formatIssue(issue: InputIssue): string {
  const where = issue.file === '' ? '' : issue.line !== undefined ? `${issue.file}:${issue.line}: ` : `${issue.file}: `;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}${path}${issue.message}`;
}

/** Shorthand for a single-issue InputError. */
export function inputError(code: IssueCode, file: string, path: string, message: string, line?: number): InputError {
  return new InputError([{ code, file, path, message, ...(line !== undefined ? { line } : {}) }]);
}
