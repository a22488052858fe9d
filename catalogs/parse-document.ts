/**
 * Text → plain data, keeping enough of the source to map a field path back to its line (for YAML and JSON alike,
 * since JSON is YAML 1.2). Syntax errors become one InputError per problem, with the line.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError, type InputIssue } from './issues.js';

export interface ParsedDocument {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line of the node at a path, or of its nearest ancestor that exists. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** Parses YAML or JSON text. Duplicate keys and syntax errors throw an InputError naming every problem. */
export function parseStructuredText(text: string, file: string): ParsedDocument {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    const issues: InputIssue[] = doc.errors.map((e) => {
      const line = e.linePos?.[0]?.line;
      // prettyErrors appends " at line L, column C:" and a code frame; the line goes in front instead.
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { code: 'syntax', file, path: '', message: `found invalid YAML/JSON (${message}), expected well-formed YAML or JSON`, ...(line !== undefined ? { line } : {}) };
    });
    throw new InputError(issues);
  }
  // Numbers such as `version: 1.10` already parsed as 1.1 here; schemas use `type: string` where text matters.
  const value = doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    value,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      return undefined;
    },
  };
}
