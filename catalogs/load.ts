/**
 * The validating loader: a path → checked, typed values, or an InputError listing every problem with its file,
 * field path and line. This file and read-file.ts are the only readers of input files in catalogs/.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { readTextFile } from './read-file.js';
import { parseStructuredText, type ParsedDocument } from './parse-document.js';
import { schemaErrorsToIssues } from './schema-issues.js';
import { checkSemantics } from './check-semantics.js';
import { FILE_KINDS, isFileKind, validatorFor, type FileKind } from './schemas.js';
import { InputError, describeValue, type InputIssue } from './issues.js';

export interface LoadedDocument {
  readonly kind: FileKind;
  /** Schema-valid data as written in the file (snake_case, file units). */
  readonly raw: unknown;
  readonly doc: ParsedDocument;
}

const KIND_LIST = Object.keys(FILE_KINDS).map((k) => `"${k}"`).join(', ');

function kindIssue(doc: ParsedDocument, found: unknown, expected: string): InputIssue {
  const line = doc.lineOf(['kind']);
  return { code: 'unknown_kind', file: doc.file, path: 'kind', message: `found ${describeValue(found)}, expected ${expected}`, ...(line !== undefined ? { line } : {}) };
}

/** What a non-map document is, without its content (it may be any file: a secret must not reach a log). */
function describeShape(value: unknown): string {
  if (value === null || value === undefined) return 'an empty document';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

/** Parses and validates already-read text (used by the loader and by tests that need no file). */
export function loadDocumentText(text: string, file: string, expectKinds?: readonly FileKind[]): LoadedDocument {
  const doc = parseStructuredText(text, file);
  const value = doc.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError([{ code: 'unknown_kind', file, path: '', message: `found ${describeShape(value)}, expected a map of fields with a \`kind\` (one of ${KIND_LIST})` }]);
  }
  const kind = (value as { kind?: unknown }).kind;
  if (!isFileKind(kind)) {
    // A near miss ("gpus") is quoted with its suggestion; anything else is not: the file may not be a fleetplan input.
    const near = typeof kind === 'string' && kind.length <= 24 ? closest(kind, Object.keys(FILE_KINDS)) : undefined;
    if (near !== undefined && distance(kind as string, near) <= 2) throw new InputError([kindIssue(doc, kind, `a file kind, one of ${KIND_LIST} (did you mean "${near}"?)`)]);
    const found = kind === undefined ? 'no `kind`' : 'a `kind` that is not a fleetplan file kind (its value is not shown)';
    const line = doc.lineOf(['kind']);
    throw new InputError([{ code: 'unknown_kind', file, path: 'kind', message: `found ${found}, expected a file kind, one of ${KIND_LIST}`, ...(line !== undefined && kind !== undefined ? { line } : {}) }]);
  }
  if (expectKinds && !expectKinds.includes(kind)) {
    throw new InputError([kindIssue(doc, kind, expectKinds.map((k) => `"${k}"`).join(' or ') + ' here')]);
  }
  const validate = validatorFor(kind);
  if (!validate(value)) throw new InputError(schemaErrorsToIssues(validate.errors ?? [], doc));
  const semantic = checkSemantics(kind, value, doc);
  if (semantic.length > 0) throw new InputError(semantic);
  return { kind, raw: value, doc };
}

/** Reads, parses and validates one input file. `displayName` is the path as the user wrote it. */
export function loadDocumentFile(path: string, options: { displayName?: string; expectKinds?: readonly FileKind[] } = {}): LoadedDocument {
  const file = options.displayName ?? path;
  const text = readTextFile(path, { displayName: file });
  return loadDocumentText(text, file, options.expectKinds);
}

/** Every `.yaml`/`.yml`/`.json` file directly inside a directory, sorted (missing directory → none). */
export function listDataFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /\.(ya?ml|json)$/.test(n)).sort().map((n) => join(dir, n));
}
