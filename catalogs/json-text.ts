/**
 * JSON text to a value, with a message that never quotes the text: JSON.parse's own message shows a slice of the
 * file ("Unexpected token 'k', "kind: mix..." is not valid JSON"), and the file may be anything a flag points at —
 * a credentials file, /proc/self/environ. Only the byte position is shown.
 */
import { inputError } from './issues.js';

/** Parses `text` (file `file`, as the user named it) or throws one line: not JSON (at byte N), expected `expected`. */
export function parseJsonText(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw inputError('syntax', file, '', `found text that is not JSON${position !== undefined ? ` (at byte ${position})` : ''}, expected ${expected}`);
  }
}
