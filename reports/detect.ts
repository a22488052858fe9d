/**
 * Deciding whether a JSON document is a result a report can be made from. Pure: the caller reads the file.
 */
import { describeValue, inputError } from '../catalogs/issues.js';
import { RESULT_FORMAT_VERSION, RESULT_KINDS, type AnyResult, type ResultKind } from './result-types.js';

const ACCEPTED = `a fleetplan result with "kind" one of ${RESULT_KINDS.map((k) => `"${k}"`).join(', ')}`;

/**
 * Returns the kind of a parsed result document, or throws an InputError that says which kinds are accepted, or that
 * the document was written by a newer fleetplan (its `format_version` is above {@link RESULT_FORMAT_VERSION}).
 *
 * @param file how the user named the file, for the message
 * @example detectResultKind({ kind: 'plan', format_version: 1 }) // 'plan'
 */
export function detectResultKind(document: unknown, file = ''): ResultKind {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw inputError('unknown_kind', file, '', `found ${describeValue(document)}, expected ${ACCEPTED}`);
  }
  const record = document as Record<string, unknown>;
  const kind = record['kind'];
  if (typeof kind !== 'string' || !(RESULT_KINDS as readonly string[]).includes(kind)) {
    const found = kind === undefined ? 'no "kind" field' : `kind ${describeValue(kind)}`;
    throw inputError('unknown_kind', file, kind === undefined ? '' : 'kind', `found ${found}, expected ${ACCEPTED}`);
  }
  const version = record['format_version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw inputError('invalid_value', file, 'format_version', `found ${describeValue(version)}, expected a whole number from 1 to ${RESULT_FORMAT_VERSION}`);
  }
  if (version > RESULT_FORMAT_VERSION) {
    throw inputError(
      'invalid_value',
      file,
      'format_version',
      `found ${version}, expected at most ${RESULT_FORMAT_VERSION}: this result was written by a newer fleetplan; upgrade fleetplan to report it`,
    );
  }
  return kind as ResultKind;
}

/**
 * Parses result text and checks its kind and version.
 *
 * @param file how the user named the file, for messages
 */
export function parseResultText(text: string, file = ''): AnyResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // JSON.parse's message quotes the text, and the file may be anything (a secret): show the position only.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw inputError('syntax', file, '', `found text that is not JSON${position !== undefined ? ` (at byte ${position})` : ''}, expected ${ACCEPTED}`);
  }
  detectResultKind(document, file);
  return document as AnyResult;
}
