/**
 * `fleetplan validate PLAN [--mix M] [--slo S] [--junit FILE] [--duration-s N] [--seed N] [--json]`: runs the plan's
 * fleet through the kernel under `conserve` on its mix and says, per SLO target, whether it holds and by how much.
 * Exit 0 when every target and the attainment hold, 1 when one does not, 2 on bad input (InputError, main).
 */
import { resolve } from 'node:path';
import { loadCatalog, loadPlanFile, resolveMix, resolveSloSet } from '../../../catalogs/index.js';
import type { SimulationResult } from '../../kernel/index.js';
import { simulateForCheckInterruptible, throwIfInterrupted } from '../interruptible.js';
import { createPerfModelFor } from '../../demand/perf-adapter.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { saturatedPoolLabel, saturatedPrefillPools } from '../../check/saturation.js';
import { writeFileAtomic } from '../write-atomic.js';
import { prepareOutputFile } from '../output-set.js';
import { withFleetFile } from '../setup-errors.js';
import { DEFAULT_CHECK_SECONDS, kernelPerfModels } from './plan.js';
import { runProvenance } from '../provenance.js';
import { referenceRoots, referencedFrom } from '../input-roots.js';
import { checkFleetInstances, checkMixConversations } from '../work-bounds.js';
import { servingFromFlags } from '../calibration.js';
import { backendScheduling } from '../../../models/serving/backend-policy.js';
import type { Backend } from '../../../models/serving/runs.js';

export interface ValidateArgs {
  readonly plan: string;
  readonly mix?: string;
  readonly slo?: string;
  readonly junit?: string;
  readonly durationS?: number;
  readonly seed?: number;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
  /** `--calibration FILE` and `--backend B`. */
  readonly calibration?: string;
  readonly backend?: Backend;
}

/** One SLO's verdict (the reports' ValidationResult shape). */
export interface Verdict {
  readonly name: string;
  readonly metric: string;
  readonly percentile?: number;
  readonly value: number;
  readonly target: number;
  readonly pass: boolean;
  /** (target − value) / target: positive is headroom, negative is how far over. */
  readonly margin: number;
}

/** Per-target verdicts plus attainment, from a simulation. */
export function verdictsOf(sim: SimulationResult): Verdict[] {
  const out: Verdict[] = (sim.slo?.targets ?? []).map((t) => ({
    name: `p${t.percentile} ${t.metric}${t.kind === 'slowdown' ? ' slowdown' : ''}`,
    metric: t.metric,
    percentile: t.percentile,
    value: t.value,
    target: t.bound,
    pass: t.met,
    margin: (t.bound - t.value) / t.bound,
  }));
  if (sim.slo && sim.slo_attainment !== null) {
    const required = sim.slo.required_attainment;
    out.push({ name: 'slo_attainment', metric: 'slo_attainment', value: sim.slo_attainment, target: required, pass: sim.slo_attainment >= required, margin: (sim.slo_attainment - required) / required });
  }
  // A prefiller past the planner's utilisation limit has no steady state (check/saturation.ts): `plan` refuses such a
  // fleet, so validate does too, however the SLOs read over this run.
  for (const p of saturatedPrefillPools(sim)) {
    out.push({ name: `prefill_utilization ${saturatedPoolLabel(p)}`, metric: 'prefill_utilization', value: p.utilization, target: p.limit, pass: false, margin: (p.limit - p.utilization) / p.limit });
  }
  return out;
}

function describe(v: Verdict): string {
  const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));
  if (v.metric === 'slo_attainment') return `${v.pass ? 'PASS' : 'FAIL'} ${v.name} ${fmt(v.value)} ${v.pass ? '≥' : '<'} ${v.target}${v.pass ? '' : ` (${fmt(v.target - v.value)} short)`}`;
  return `${v.pass ? 'PASS' : 'FAIL'} ${v.name} ${fmt(v.value)} ${v.pass ? '≤' : '>'} ${v.target}${v.pass ? '' : ` (${(-v.margin * 100).toFixed(1)}% over)`}`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one test case per SLO target (and attainment). */
export function toJunit(planName: string, verdicts: readonly Verdict[], wallSeconds = 0): string {
  const failures = verdicts.filter((v) => !v.pass).length;
  const cases = verdicts.map((v) => {
    const head = `    <testcase classname="fleetplan.validate.${xml(planName)}" name="${xml(v.name)}" time="0">`;
    return v.pass ? `${head}</testcase>` : `${head}\n      <failure message="${xml(describe(v))}" type="slo">${xml(describe(v))}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${verdicts.length}" failures="${failures}">`,
    `  <testsuite name="fleetplan validate ${xml(planName)}" tests="${verdicts.length}" failures="${failures}" errors="0" time="${wallSeconds}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** `fleetplan validate`. */
export async function runValidate(args: ValidateArgs, ctx: CommandContext): Promise<number> {
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  const planPath = resolve(ctx.cwd, args.plan);
  const inputs = [planPath, ...[args.mix, args.slo, ...(args.catalogFiles ?? [])].filter((f): f is string => f !== undefined).map((f) => resolve(ctx.cwd, f))];
  const junitPath = args.junit !== undefined ? prepareOutputFile(args.junit, { cwd: ctx.cwd, inputs, flag: '--junit' }) : undefined;
  const plan = loadPlanFile(planPath, catalog, { displayName: args.plan });
  // The plan's own references resolve against its folder; flags against the working directory.
  const roots = referenceRoots(ctx, [args.plan, ...(args.catalogFiles ?? [])]);
  const mix = args.mix !== undefined ? resolveMix(args.mix, catalog, { cwd: ctx.cwd }) : resolveMix(plan.mix, catalog, { cwd: plan.baseDir, from: referencedFrom(plan.file, 'mix', plan.refLines.mix, roots) });
  const slo = args.slo !== undefined ? resolveSloSet(args.slo, catalog, { cwd: ctx.cwd }) : resolveSloSet(plan.slo, catalog, { cwd: plan.baseDir, from: referencedFrom(plan.file, 'slo', plan.refLines.slo, roots) });
  const seed = args.seed ?? plan.seed ?? 1;
  const durationS = args.durationS ?? plan.durationSeconds ?? DEFAULT_CHECK_SECONDS;
  checkMixConversations(mix, durationS, `mix ${mix.id} rates × ${args.durationS !== undefined ? '--duration-s' : 'the plan\'s duration_s'}`);
  checkFleetInstances(plan.fleet, args.plan);
  const { serving, loaded } = servingFromFlags(args.calibration, args.backend, ctx.cwd, catalog);
  const simulation = await withFleetFile(args.plan, planPath, () => simulateForCheckInterruptible(plan.fleet, { mix, slo, perfModelFor: kernelPerfModels(catalog, createPerfModelFor(undefined, serving)), seed, durationSeconds: durationS, kernel: backendScheduling(args.backend) }, ctx));
  throwIfInterrupted(ctx);
  const verdicts = verdictsOf(simulation);
  const holds = (simulation.slo?.met ?? true) && verdicts.every((v) => v.pass);
  if (junitPath !== undefined) writeFileAtomic(junitPath, toJunit(args.plan, verdicts), { inputs, shown: args.junit });
  const document = { kind: 'validation' as const, format_version: 1, holds, slos: verdicts, check: simulation, inputs: { plan: args.plan, mix: mix.id, slo: slo.id, seed, duration_s: durationS, ...runProvenance(catalog, [JSON.stringify(mix), JSON.stringify(slo)], loaded, args.backend) } };
  if (args.json) ctx.stdout(`${JSON.stringify(document, null, 2)}\n`);
  else ctx.stdout(`${verdicts.map(describe).join('\n')}\n${holds ? 'the plan holds' : 'the plan does not hold'}\n`);
  return holds ? EXIT_OK : EXIT_FAILS;
}
