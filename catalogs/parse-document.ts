/**
 * Text → plain data, keeping enough of the source to map a field path back to its line (for YAML and JSON alike,
 * since JSON is YAML 1.2). Syntax errors become one InputError per problem, with the line.
 *
 * Hostile text is bounded before and during the parse: the `input-items` limit (lines + commas, counted in one pass)
 * caps the parser's work and memory; duplicate keys are found with one Set per map (the parser's own check compares
 * every pair of keys, which took 26–60 s on a 549 KB file); alias expansion is capped. A file that does not declare
 * a fleetplan `kind` is not quoted in any message: a reference may point at `/proc/self/environ` or a secrets file.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import { InputError, type InputIssue } from './issues.js';
import { checkLimit } from './limits.js';

/**
 * yaml (some forty modules), loaded on the first parse rather than at start-up: a run that parses no text — `--version`,
 * `catalog` or `predict` on the build's catalog snapshot — does not pay for it.
 */
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export interface ParsedDocument {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line of the node at a path, or of its nearest ancestor that exists. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** The file kinds fleetplan reads; a text that declares one of these may be quoted in messages. */
const KNOWN_KINDS = ['gpu', 'llm', 'mix', 'slo', 'datacenter', 'fleet', 'plan', 'sweep', 'whatif-scenario', 'simulation', 'comparison', 'validation', 'sweep-shard'];
const DECLARES_KIND = new RegExp(`^[\\s{]*["']?kind["']?\\s*:\\s*["']?(${KNOWN_KINDS.join('|')})["']?\\s*[,}]?\\s*(#.*)?$`, 'm');

/** True when the text declares a fleetplan file kind (so showing its text in a message shows no foreign file). */
export function declaresFleetplanKind(text: string): boolean {
  return DECLARES_KIND.test(text.slice(0, 64 * 1024));
}

/** Lines plus commas: an upper bound (up to a small factor) on the nodes the parser would build. */
function countItems(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44) n++;
  }
  return n;
}

/** Keys that appear twice in one map, each with the line of its second appearance (linear in the number of keys). */
function duplicateKeys(doc: Document, lineCounter: LineCounter, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const { isScalar } = yaml();
  yaml().visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key === 'object' && key !== null) continue;
        if (seen.has(key)) {
          const range = (pair.key as { range?: [number, number, number] } | null)?.range;
          issues.push({ code: 'syntax', file, path: '', message: `found the key ${JSON.stringify(String(key)).slice(0, 60)} twice in one map, expected unique keys`, ...(range ? { line: lineCounter.linePos(range[0]).line } : {}) });
        }
        seen.add(key);
      }
    },
  });
  return issues;
}

/** Parses YAML or JSON text. Duplicate keys and syntax errors throw an InputError naming every problem. */
export function parseStructuredText(text: string, file: string): ParsedDocument {
  checkLimit('input-items', countItems(text), { file, path: '', describe: (n) => `${n.toLocaleString('en-US')} lines and commas` });
  const quotable = declaresFleetplanKind(text);
  const { LineCounter: LineCounterClass, parseDocument } = yaml();
  const lineCounter = new LineCounterClass();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    const issues: InputIssue[] = doc.errors.map((e) => {
      const line = e.linePos?.[0]?.line;
      // prettyErrors appends " at line L, column C:" and a code frame; the line goes in front instead. The parser's
      // messages can quote the text (a tag, an escape, a token), so a file of no known kind gets the error code only.
      const message = quotable ? e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') : `${e.code}; the text is not shown as the file declares no fleetplan kind`;
      return { code: 'syntax', file, path: '', message: `found invalid YAML/JSON (${message}), expected well-formed YAML or JSON`, ...(line !== undefined ? { line } : {}) };
    });
    throw new InputError(issues);
  }
  const duplicates = duplicateKeys(doc, lineCounter, file);
  if (duplicates.length > 0) throw new InputError(quotable ? duplicates : duplicates.map((d) => ({ ...d, message: 'found a key twice in one map, expected unique keys' })));
  // Numbers such as `version: 1.10` already parsed as 1.1 here; schemas use `type: string` where text matters.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof ReferenceError || error instanceof RangeError) {
      throw new InputError([{ code: 'syntax', file, path: '', message: 'found aliases that expand beyond 100 references (an alias bomb or a cycle), expected a document without deep alias nesting' }]);
    }
    throw error;
  }
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
