/**
 * ajv errors → one readable issue per problem: `field.path: found X, expected Y`. Branch errors under a failed
 * `oneOf` are folded into one message that states the alternatives (the schema's `description`).
 */
import type { ErrorObject } from 'ajv';
import { closest } from 'fastest-levenshtein';
import { describeValue, toDotPath, type InputIssue } from './issues.js';
import type { ParsedDocument } from './parse-document.js';

function pointerToSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, segments: ReadonlyArray<string | number>): unknown {
  let node: unknown = root;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
}

function describeType(type: string | string[]): string {
  const one = (t: string) => (t === 'integer' ? 'an integer' : t === 'object' ? 'an object (a map of fields)' : t === 'array' ? 'a list' : `a ${t}`);
  return Array.isArray(type) ? type.map(one).join(' or ') : one(type);
}

function expectedFor(error: ErrorObject, segments: Array<string | number>): { segments: Array<string | number>; found: unknown; expected: string } | null {
  const p = error.params as Record<string, unknown>;
  const withUnit = (text: string) => {
    const last = segments[segments.length - 1];
    const unit = typeof last === 'string' ? unitOf(last) : '';
    return unit === '' ? text : `${text} (${unit})`;
  };
  switch (error.keyword) {
    case 'required':
      return { segments: [...segments, p.missingProperty as string], found: undefined, expected: 'a value for this required field' };
    case 'type':
      return { segments, found: error.data, expected: withUnit(describeType(p.type as string)) };
    case 'exclusiveMinimum':
      return { segments, found: error.data, expected: withUnit(`a number > ${p.limit}`) };
    case 'minimum':
      return { segments, found: error.data, expected: withUnit(`a number ≥ ${p.limit}`) };
    case 'exclusiveMaximum':
      return { segments, found: error.data, expected: withUnit(`a number < ${p.limit}`) };
    case 'maximum':
      return { segments, found: error.data, expected: withUnit(`a number ≤ ${p.limit}`) };
    case 'enum':
      return { segments, found: error.data, expected: `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { segments, found: error.data, expected: JSON.stringify(p.allowedValue) };
    case 'pattern':
      return { segments, found: error.data, expected: `text matching ${p.pattern}` };
    case 'minItems':
      return { segments, found: error.data, expected: `at least ${p.limit} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { segments, found: error.data, expected: `at most ${p.limit} item${p.limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { segments, found: error.data, expected: `text of at least ${p.limit} character${p.limit === 1 ? '' : 's'}` };
    case 'additionalProperties': {
      const extra = p.additionalProperty as string;
      const allowed = Object.keys((error.parentSchema as { properties?: Record<string, unknown> })?.properties ?? {}).filter((k) => k !== '$schema');
      const hint = allowed.length > 0 ? ` (did you mean "${closest(extra, allowed)}"?)` : '';
      return { segments: [...segments, extra], found: 'an unknown field', expected: `one of the known fields${hint}` };
    }
    case 'oneOf':
    case 'anyOf': {
      const schema = error.parentSchema as { $id?: string; description?: string } | undefined;
      const short = schema?.$id ? SHORT_FORMS[schema.$id] : undefined;
      return { segments, found: error.data, expected: short ?? schema?.description ?? 'one of the allowed forms' };
    }
    default:
      return { segments, found: error.data, expected: error.message ?? 'a valid value' };
  }
}

/** Schemas whose alternatives deserve a shorter statement than their description. */
const SHORT_FORMS: Record<string, string> = {
  'https://fleetplan.dev/schemas/distribution.schema.json':
    'a distribution: {fixed: N}, {uniform: {min, max}}, {exponential: {mean}}, {lognormal: {median, sigma}} or {empirical: [[value, weight], …]}, optionally with min/max',
};

/** `_bytes` → "bytes", `_per_s` → "per second": the unit a field's name promises, for messages. */
export function unitOf(field: string): string {
  const table: Array<[RegExp, string]> = [
    [/_bytes_per_s$/, 'bytes per second'],
    [/_flops_per_s$/, 'FLOP per second'],
    [/_per_s$/, 'per second'],
    [/_usd_per_h$/, 'USD per hour'],
    [/_usd_per_kwh$/, 'USD per kWh'],
    [/_bytes$/, 'bytes'],
    [/_ms$/, 'milliseconds'],
    [/_s$/, 'seconds'],
    [/_kw$/, 'kilowatts'],
    [/_w$/, 'watts'],
    [/_j$/, 'joules'],
    [/_usd$/, 'USD'],
    [/_tokens$/, 'tokens'],
  ];
  for (const [re, unit] of table) if (re.test(field)) return unit;
  return '';
}

/** The branch of a oneOf an error came from: `…/$defs/lognormal` or `…/oneOf/2`. */
function branchOf(error: ErrorObject): string {
  return /^(.*?(?:\/(?:oneOf|anyOf)\/\d+|\$defs\/[^/]+))/.exec(error.schemaPath)?.[1] ?? error.schemaPath;
}

/**
 * Under a failed oneOf at path P: when exactly one branch recognises the value (its required fields are present),
 * keep that branch's errors — the user meant that form; otherwise fold everything into one message listing the forms.
 */
function foldAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  for (const alt of errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')) {
    const p = alt.instancePath;
    const under = kept.filter((e) => e !== alt && (e.instancePath === p || e.instancePath.startsWith(p + '/')));
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of under) byBranch.set(branchOf(e), [...(byBranch.get(branchOf(e)) ?? []), e]);
    const recognised = [...byBranch.values()].filter((list) => !list.some((e) => e.keyword === 'required' && e.instancePath === p));
    const keep = recognised.length === 1 ? new Set([...recognised[0]]) : new Set<ErrorObject>([alt]);
    kept = kept.filter((e) => (e !== alt && !under.includes(e)) || keep.has(e));
  }
  return kept;
}

/** Every ajv error as an issue, oneOf branches folded, duplicates removed, in document order. */
/** Schema problems listed one per line before the rest are only counted. */
export const MAX_SCHEMA_ISSUES = 20;

export function schemaErrorsToIssues(errors: readonly ErrorObject[], doc: ParsedDocument): InputIssue[] {
  const kept = foldAlternatives(errors.filter((e) => e.keyword !== 'if'));
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  let more = 0;
  for (const error of kept) {
    // A hostile file can break the schema 60,000 times; each line lookup walks the document, so past the first
    // MAX_SCHEMA_ISSUES only a count is kept (one line per problem would be 60,000 lines nobody reads).
    if (issues.length >= MAX_SCHEMA_ISSUES) {
      more++;
      continue;
    }
    const described = expectedFor(error, pointerToSegments(error.instancePath));
    if (!described) continue;
    const path = toDotPath(described.segments);
    const found = typeof described.found === 'string' && described.found === 'an unknown field' ? described.found : describeValue(described.found ?? valueAt(doc.value, described.segments));
    const message = `found ${found}, expected ${described.expected}`;
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = doc.lineOf(described.segments);
    issues.push({ code: 'schema', file: doc.file, path, message, ...(line !== undefined ? { line } : {}) });
  }
  const sorted = issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (more > 0) sorted.push({ code: 'schema', file: doc.file, path: '', message: `found about ${more.toLocaleString('en-US')} more schema problems, expected a file close to its schema (only the first ${MAX_SCHEMA_ISSUES} are listed)` });
  return sorted;
}
