/**
 * Command-line references → typed values: a catalog id or a file path for mixes and SLO sets; fleet and plan files
 * with every GPU and LLM they name checked against the catalog.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadDocumentFile, loadDocumentText } from './load.js';
import { readTextFile } from './read-file.js';
import { parseStructuredText } from './parse-document.js';
import { validatorFor } from './schemas.js';
import { schemaErrorsToIssues } from './schema-issues.js';
import { isInsideRoots } from './confine.js';
import { suggestId } from './catalog.js';
import { InputError, describeValue, inputError, type InputIssue } from './issues.js';
import { toDatacenter, toFleet, toMix, toSloSet } from './convert.js';
import type { Catalog, Datacenter, Fleet, Mix, Precision, SloSet } from './types.js';
import type { ParsedDocument } from './parse-document.js';
import { checkPoolsAgainstCatalog } from './check-pools.js';
import { checkKvLinks } from './check-kv-links.js';
import { withDefaultLinks } from './default-links.js';

/** True when the text names a file rather than an id. */
function looksLikePath(ref: string, cwd: string): boolean {
  return /[\\/]/.test(ref) || /\.(ya?ml|json)$/i.test(ref) || existsSync(resolve(cwd, ref));
}

/**
 * Where a reference was written when it came from inside a file: that file (as the user named it), the field and
 * its line, and the directories it may reach (see confine.ts). Absent for a reference given on the command line.
 */
export interface ReferencedFrom {
  readonly file: string;
  readonly path: string;
  readonly line?: number;
  readonly roots: readonly string[];
}

function resolveRef<T>(
  ref: string, flag: string, what: string, table: ReadonlyMap<string, T>, cwd: string, load: (path: string) => T, from?: ReferencedFrom,
): T {
  if (table.has(ref) && !/[\\/]/.test(ref)) return table.get(ref)!;
  if (looksLikePath(ref, cwd)) {
    const path = isAbsolute(ref) ? ref : resolve(cwd, ref);
    if (from !== undefined && !isInsideRoots(path, from.roots)) {
      throw inputError('unknown_reference', from.file, from.path, `found ${describeValue(ref)}, a file outside the directories named on the command line (${from.roots.join(', ')}), expected a ${what} id or a file under them (pass --allow-dir DIR to let references reach DIR)`, from.line);
    }
    return load(path);
  }
  if (from !== undefined) throw inputError('unknown_reference', from.file, from.path, `found ${describeValue(ref)}, expected a ${what} id${suggestId(ref, table.keys())} or a file path`, from.line);
  throw inputError('unknown_reference', '', flag, `found ${describeValue(ref)}, expected a ${what} id${suggestId(ref, table.keys())} or a file path`);
}

/** `--mix coding-agent` or `--mix ./my-mix.yaml`. */
export function resolveMix(ref: string, catalog: Catalog, options: { cwd?: string; flag?: string; from?: ReferencedFrom } = {}): Mix {
  const cwd = options.cwd ?? process.cwd();
  return resolveRef(ref, options.flag ?? '--mix', 'mix', catalog.mixes, cwd, (path) => {
    const loaded = loadDocumentFile(path, { displayName: ref, expectKinds: ['mix'] });
    const raw = loaded.raw as { llm?: string };
    if (raw.llm !== undefined && !catalog.llms.has(raw.llm)) {
      throw new InputError([referenceIssue(loaded.doc, ['llm'], raw.llm, 'LLM', catalog.llms.keys())]);
    }
    return toMix(loaded.raw);
  }, options.from);
}

/** `--slo standard` or `--slo ./slos.yaml`. */
export function resolveSloSet(ref: string, catalog: Catalog, options: { cwd?: string; flag?: string; from?: ReferencedFrom } = {}): SloSet {
  const cwd = options.cwd ?? process.cwd();
  return resolveRef(ref, options.flag ?? '--slo', 'SLO set', catalog.slos, cwd, (path) =>
    toSloSet(loadDocumentFile(path, { displayName: ref, expectKinds: ['slo'] }).raw),
  options.from);
}

function referenceIssue(doc: ParsedDocument, segments: Array<string | number>, found: string, what: string, known: Iterable<string>): InputIssue {
  const line = doc.lineOf(segments);
  const path = segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  return { code: 'unknown_reference', file: doc.file, path, message: `found ${describeValue(found)}, expected a known ${what} id${suggestId(found, known)}`, ...(line !== undefined ? { line } : {}) };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- schema-valid data */
function checkFleetReferences(raw: any, doc: ParsedDocument, catalog: Catalog): { issues: InputIssue[]; datacenter?: Datacenter } {
  const issues: InputIssue[] = [];
  if (raw.llm !== undefined && !catalog.llms.has(raw.llm)) issues.push(referenceIssue(doc, ['llm'], raw.llm, 'LLM', catalog.llms.keys()));
  raw.instances.forEach((pool: any, i: number) => {
    if (!catalog.gpus.has(pool.gpu)) issues.push(referenceIssue(doc, ['instances', i, 'gpu'], pool.gpu, 'GPU', catalog.gpus.keys()));
    const llm = pool.llm ?? raw.llm;
    if (llm === undefined) {
      const line = doc.lineOf(['instances', i]);
      issues.push({ code: 'invalid_value', file: doc.file, path: `instances[${i}].llm`, message: 'found nothing, expected an LLM id here or a fleet-level `llm`', ...(line !== undefined ? { line } : {}) });
    } else if (pool.llm !== undefined && !catalog.llms.has(pool.llm)) {
      issues.push(referenceIssue(doc, ['instances', i, 'llm'], pool.llm, 'LLM', catalog.llms.keys()));
    }
    const gpu = catalog.gpus.get(pool.gpu);
    if (gpu && pool.power_cap_w !== undefined && (pool.power_cap_w < gpu.powerCap.minWatts || pool.power_cap_w > gpu.powerCap.maxWatts)) {
      const line = doc.lineOf(['instances', i, 'power_cap_w']);
      issues.push({
        code: 'invalid_value', file: doc.file, path: `instances[${i}].power_cap_w`,
        message: `found ${pool.power_cap_w}, expected a cap between ${gpu.powerCap.minWatts} and ${gpu.powerCap.maxWatts} W for ${gpu.id}`,
        ...(line !== undefined ? { line } : {}),
      });
    }
  });
  issues.push(...checkPoolsAgainstCatalog(raw, doc, catalog), ...checkKvLinks(raw, doc, catalog));
  let datacenter: Datacenter | undefined;
  if (typeof raw.datacenter === 'string') {
    datacenter = catalog.datacenters.get(raw.datacenter);
    if (!datacenter) issues.push(referenceIssue(doc, ['datacenter'], raw.datacenter, 'datacenter', catalog.datacenters.keys()));
  } else if (raw.datacenter !== undefined) {
    datacenter = toDatacenter(raw.datacenter);
  } else {
    datacenter = catalog.datacenters.get('default');
  }
  return { issues, ...(datacenter ? { datacenter } : {}) };
}

/** A fleet file (or a plan file, read as its fleet). */
export function loadFleetFile(path: string, catalog: Catalog, options: { displayName?: string } = {}): Fleet {
  const loaded = loadDocumentFile(path, { displayName: options.displayName ?? path, expectKinds: ['fleet', 'plan'] });
  const { issues, datacenter } = checkFleetReferences(loaded.raw, loaded.doc, catalog);
  if (issues.length > 0) throw new InputError(issues);
  return withDefaultLinks(toFleet(loaded.raw, datacenter), catalog);
}

export interface PlanFile {
  readonly fleet: Fleet;
  /** The plan's `name`, for people. */
  readonly name?: string;
  /** What `plan` recorded about its own check (`summary.holds`; plan.json `holds`), when present. */
  readonly summaryHolds?: boolean;
  /** Mix and SLO references as written; relative paths resolve against `baseDir`. */
  readonly mix: string;
  readonly slo: string;
  readonly baseDir: string;
  /** The plan file as the user named it, and the lines of its `mix` and `slo` (for messages about them). */
  readonly file: string;
  readonly refLines: { readonly mix?: number; readonly slo?: number };
  readonly seed?: number;
  readonly durationSeconds?: number;
  readonly objective?: 'tco' | 'energy' | 'gpus';
  /**
   * The layout search's restriction the plan was made under (`plan --tp/--ep`; plan.yaml `tp`/`ep`, plan.json
   * `inputs.tp`/`inputs.ep`), with the lines that hold them; undefined = every layout was searched.
   */
  readonly tpDegrees?: readonly number[];
  readonly epDegrees?: readonly number[];
  /** Where each is written (`tp` in plan.yaml, `inputs.tp` in plan.json) and its line, for messages about them. */
  readonly layoutAt?: { readonly tp: FieldAt; readonly ep: FieldAt };
  /**
   * The weight formats the search was restricted to (`plan --precisions`; plan.yaml `precisions`, plan.json
   * `inputs.precisions`), and where that is written; undefined = every format each GPU has was searched.
   */
  readonly precisions?: readonly Precision[];
  readonly precisionsAt?: FieldAt;
}

/**
 * plan.json (the result `plan --json` / `plan --out` writes) read as the plan file it describes: its instances, and
 * mix, SLO set, LLM, seed and duration from `inputs`. The instance paths are the same in both documents, so a
 * problem in one is reported at its line in plan.json. Undefined when the document is not a plan result.
 */
function planResultAsPlanFile(value: unknown): object | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, any>;
  if (v.kind !== 'plan' || v.inputs === null || typeof v.inputs !== 'object') return undefined;
  const inputs = v.inputs as Record<string, unknown>;
  const gpus = Array.isArray(v.instances) ? [...new Set(v.instances.map((i: { gpu?: unknown }) => i?.gpu))] : [];
  return {
    kind: 'plan',
    format_version: v.format_version,
    // The name plan.yaml gets beside it (planner/cli/commands/plan.ts planYaml): "<mix> on <gpu> + <gpu>".
    ...(typeof inputs.mix === 'string' && gpus.length > 0 ? { name: `${inputs.mix} on ${gpus.join(' + ')}` } : {}),
    mix: inputs.mix,
    slo: inputs.slo,
    ...(inputs.llm !== undefined ? { llm: inputs.llm } : {}),
    ...(inputs.seed !== undefined ? { seed: inputs.seed } : {}),
    ...(inputs.duration_s !== undefined ? { duration_s: inputs.duration_s } : {}),
    ...(v.objective !== undefined ? { objective: v.objective } : {}),
    ...(inputs.precisions !== undefined ? { precisions: inputs.precisions } : {}),
    ...(inputs.tp !== undefined ? { tp: inputs.tp } : {}),
    ...(inputs.ep !== undefined ? { ep: inputs.ep } : {}),
    ...(typeof v.holds === 'boolean' ? { summary: { holds: v.holds } } : {}),
    // A result without a plan (no instances) fails the schema's `required: instances` below, with its reason.
    ...(v.instances !== undefined ? { instances: v.instances } : {}),
  };
}

/** The plan-file fields planResultAsPlanFile takes from plan.json's `inputs`. */
const PROJECTED_INPUTS: readonly string[] = ['mix', 'slo', 'llm', 'seed', 'duration_s', 'precisions', 'tp', 'ep'];

/** `inputsPath`: where the plan's inputs (precisions, tp, ep) sit in the file as written: top level in plan.yaml, `inputs` in plan.json. */
function loadPlanDocument(path: string, displayName: string): { raw: unknown; doc: ParsedDocument; inputsPath: readonly string[] } {
  const text = readTextFile(path, { displayName });
  const doc = parseStructuredText(text, displayName);
  const projected = planResultAsPlanFile(doc.value);
  if (projected === undefined) return { ...loadDocumentText(text, displayName, ['plan']), inputsPath: [] };
  const validate = validatorFor('plan');
  if (!validate(projected)) {
    const reason = (doc.value as { reason?: unknown }).reason;
    // A problem in a field taken from plan.json's `inputs` is said where it is written (inputs.ep[0] at its line),
    // not at the projected path (ep[0], line 1).
    const fromInputs = (segments: ReadonlyArray<string | number>) => typeof segments[0] === 'string' && PROJECTED_INPUTS.includes(segments[0]);
    const asWritten: ParsedDocument = { file: doc.file, value: projected, lineOf: (segments) => doc.lineOf(fromInputs(segments) ? ['inputs', ...segments] : segments) };
    const issues = schemaErrorsToIssues(validate.errors ?? [], asWritten).map((issue) =>
      issue.path === '' && /instances/.test(issue.message) && typeof reason === 'string'
        ? { ...issue, message: `found a plan result with no plan (${reason}), expected one whose plan exists` }
        : fromInputs([issue.path.split(/[.[]/)[0]!]) ? { ...issue, path: `inputs.${issue.path}` } : issue,
    );
    throw new InputError(issues);
  }
  return { raw: projected, doc, inputsPath: ['inputs'] };
}

/** A field's dot path and line in a file, for a one-line message about its value. */
export interface FieldAt {
  readonly path: string;
  readonly line?: number;
}

function fieldAt(loaded: { doc: ParsedDocument; inputsPath: readonly string[] }, field: string): FieldAt {
  const path = [...loaded.inputsPath, field];
  const line = loaded.doc.lineOf(path);
  return { path: path.join('.'), ...(line !== undefined ? { line } : {}) };
}

/** A plan file written by `fleetplan plan --out` (plan.yaml, or the plan.json result), or edited by hand: validated as given. */
export function loadPlanFile(path: string, catalog: Catalog, options: { displayName?: string } = {}): PlanFile {
  const loaded = loadPlanDocument(path, options.displayName ?? path);
  const raw = loaded.raw as any;
  const { issues, datacenter } = checkFleetReferences(raw, loaded.doc, catalog);
  if (issues.length > 0) throw new InputError(issues);
  return {
    fleet: withDefaultLinks(toFleet(raw, datacenter), catalog),
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    ...(typeof raw.summary?.holds === 'boolean' ? { summaryHolds: raw.summary.holds } : {}),
    mix: raw.mix,
    slo: raw.slo,
    baseDir: dirname(path),
    file: loaded.doc.file,
    refLines: { mix: loaded.doc.lineOf(['mix']), slo: loaded.doc.lineOf(['slo']) },
    ...(raw.seed !== undefined ? { seed: raw.seed } : {}),
    ...(raw.duration_s !== undefined ? { durationSeconds: raw.duration_s } : {}),
    ...(raw.objective !== undefined ? { objective: raw.objective } : {}),
    ...(raw.tp !== undefined ? { tpDegrees: raw.tp } : {}),
    ...(raw.ep !== undefined ? { epDegrees: raw.ep } : {}),
    ...(raw.tp !== undefined || raw.ep !== undefined ? { layoutAt: { tp: fieldAt(loaded, 'tp'), ep: fieldAt(loaded, 'ep') } } : {}),
    ...(raw.precisions !== undefined ? { precisions: raw.precisions, precisionsAt: fieldAt(loaded, 'precisions') } : {}),
  };
}
