/**
 * `fleetplan export PLAN --to kubernetes|llm-d|dynamo [--out DIR] [--mapping FILE] [--image REF] [--namespace NS]`:
 * the shell around planner/export. Reads and validates the plan (plan.yaml or plan.json) and an optional mapping
 * file, writes the manifests into a temporary directory beside DIR and renames it into place (nothing half-written),
 * or prints them on stdout. Warnings (placeholders to fill in, caps not applied) go to stderr. Exit 0, or 2 on bad
 * input (InputError, handled by main).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, describeValue, inputError, loadCatalog, loadPlanFile, packageVersion, readTextFile, type InputIssue } from '../../../catalogs/index.js';
import { parseStructuredText } from '../../../catalogs/parse-document.js';
import { dnsLabel, exportPlan, renderManifestFile, type ExportOptions, type ExportPool, type ExportTarget } from '../../export/index.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { digestFile } from '../file-digest.js';

export interface ExportArgs {
  readonly plan: string;
  readonly to: ExportTarget;
  readonly out?: string;
  readonly mapping?: string;
  readonly image?: string;
  readonly namespace?: string;
  readonly catalogFiles?: readonly string[];
}

/** Marks a directory export wrote, so a rerun may replace it (and nothing else is ever replaced). */
export const EXPORT_MARKER = '.fleetplan-export';

/** `--mapping FILE`: `node_labels: {gpu-id: label value}` and `hf_models: {llm-id: org/repo}`, both optional. */
function readMapping(path: string, displayName: string): Pick<ExportOptions, 'nodeLabels' | 'hfModels'> {
  const doc = parseStructuredText(readTextFile(path, { displayName }), displayName);
  const value = doc.value as Record<string, unknown> | null;
  const issues: InputIssue[] = [];
  const issue = (segments: Array<string>, message: string) => {
    const line = doc.lineOf(segments);
    issues.push({ code: 'invalid_value', file: displayName, path: segments.join('.'), message, ...(line !== undefined ? { line } : {}) });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issue([], `found ${describeValue(value)}, expected a map with node_labels and/or hf_models`);
    throw new InputError(issues);
  }
  const out: Record<string, Record<string, string>> = {};
  for (const [key, section] of Object.entries(value)) {
    if (key !== 'node_labels' && key !== 'hf_models') {
      issue([key], `found an unknown key, expected node_labels or hf_models`);
      continue;
    }
    if (section === null || typeof section !== 'object' || Array.isArray(section)) {
      issue([key], `found ${describeValue(section)}, expected a map of id: ${key === 'node_labels' ? 'label value' : 'org/repo'}`);
      continue;
    }
    out[key] = {};
    for (const [id, v] of Object.entries(section as Record<string, unknown>)) {
      const ok = typeof v === 'string' && (key === 'node_labels' ? /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/.test(v) : /^[\w.-]+\/[\w.-]+$/.test(v));
      if (!ok) issue([key, id], `found ${describeValue(v)}, expected ${key === 'node_labels' ? 'a Kubernetes label value (≤ 63 letters, digits, - _ .)' : 'a Hugging Face repository "org/name"'}`);
      else out[key][id] = v;
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  return { ...(out.node_labels ? { nodeLabels: out.node_labels } : {}), ...(out.hf_models ? { hfModels: out.hf_models } : {}) };
}

/** Checks --out before any work: a file there, or a foreign non-empty directory, is bad input. */
function checkOutDir(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw inputError('usage', '', '--out', `found a file at ${shown}, expected a directory (new, empty, or one an earlier export wrote)`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(EXPORT_MARKER)) {
    throw inputError('usage', '', '--out', `found a non-empty directory ${shown} that fleetplan export did not write, expected a new or empty directory (or an earlier export's)`);
  }
}

/** Writes every file into a sibling temporary directory, then swaps it in: a crash leaves the old export or none. */
function writeDirAtomic(dir: string, files: ReadonlyArray<{ path: string; text: string }>): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const temporary = join(parent, `.${basename(dir)}.${process.pid}.tmp`);
  const previous = join(parent, `.${basename(dir)}.${process.pid}.old`);
  rmSync(temporary, { recursive: true, force: true });
  try {
    mkdirSync(temporary);
    for (const f of files) writeFileSync(join(temporary, f.path), f.text);
    if (existsSync(dir)) renameSync(dir, previous);
    renameSync(temporary, dir);
    rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(previous)) renameSync(previous, dir);
    throw error;
  }
}

/** `fleetplan export`. */
export async function runExport(args: ExportArgs, ctx: CommandContext): Promise<number> {
  const outDir = args.out !== undefined ? resolve(ctx.cwd, args.out) : undefined;
  if (outDir !== undefined) checkOutDir(outDir, args.out!);
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  const planPath = resolve(ctx.cwd, args.plan);
  const plan = loadPlanFile(planPath, catalog, { displayName: args.plan });
  const mapping = args.mapping !== undefined ? readMapping(resolve(ctx.cwd, args.mapping), args.mapping) : {};
  const identity = { planSha256: digestFile(planPath), planFile: args.plan, fleetplanVersion: packageVersion(), ...(plan.name !== undefined ? { planName: plan.name } : {}) };
  // Short: Dynamo prefixes it to every service's object names (63-character limit).
  const name = dnsLabel(plan.name ?? basename(dirname(planPath)), 24);
  const options: ExportOptions = { ...mapping, ...(args.image !== undefined ? { image: args.image } : {}), ...(args.namespace !== undefined ? { namespace: args.namespace } : {}) };
  const result = exportPlan({ pools: plan.fleet.instances as readonly ExportPool[], gpus: catalog.gpus, llms: catalog.llms, identity, name }, args.to, options);
  const identityLines = [`generated by fleetplan ${identity.fleetplanVersion} export --to ${args.to} from ${args.plan}`, `plan ${identity.planSha256}`];
  const rendered = result.files.map((f) => ({ path: f.path, text: renderManifestFile(f, identityLines) }));
  const warnings = [
    ...(plan.summaryHolds === false ? [`${args.plan} records that this plan did not hold its SLOs in the simulator check (summary.holds false): the export deploys it as written`] : []),
    ...result.warnings,
  ];
  for (const w of warnings) ctx.stderr(`fleetplan: warning: ${w}\n`);
  if (outDir === undefined) {
    ctx.stdout(rendered.map((f) => f.text).join('---\n'));
    return EXIT_OK;
  }
  writeDirAtomic(outDir, [...rendered, { path: EXPORT_MARKER, text: `${identityLines.join('\n')}\n${rendered.map((f) => f.path).join('\n')}\n` }]);
  const apply = args.to === 'llm-d' ? `helm install … -f ${join(args.out!, '<file>.values.yaml')} (see each file's header)` : `kubectl apply -f ${args.out}`;
  ctx.stdout(`wrote ${rendered.length} file(s) to ${args.out} — next: ${apply}\n`);
  return EXIT_OK;
}
