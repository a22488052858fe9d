/**
 * `createPerfModel`: fitted coefficients where the (gpu, llm, tp) was measured in the same formats, else a roofline
 * calibrated on the measured GPUs. The provenance says which, from what, and with which held-out error.
 */
import { nativePrecision, nodesSpanned, resolveLayout, type ResolvedLayout } from '../catalogs/precision.js';
import type { GpuSpec, InstanceLayout, LlmSpec } from '../catalogs/types.js';
import { BUILTIN_COEFFICIENTS } from './builtin.js';
import type { CoefficientSet, GpuEfficiency, PairFitRecord } from './coefficients.js';
import { buildPerfModel } from './perf-model.js';
import { BUILTIN_MOE_CALIBRATION } from './moe/builtin.js';
import type { MoeCalibration } from './moe/calibration.js';
import { moeBackendKvCapacityOptions } from './moe/memory.js';
import { buildMoePerfModel } from './moe/perf-model.js';
import { computeFractionFor, deriveRooflineCoefficients, efficiencyFor } from './roofline.js';
import type { PerfModel } from './types.js';
import { moeDispatchOf, type MoeDispatch } from './moe/dispatch.js';
import { backendKvCapacityOptions } from './serving/backend-policy.js';
import type { ServingCalibration } from './serving/calibration-file.js';
import { buildCalibratedPerfModel } from './serving/calibrated-model.js';
import { buildMoeServingModel } from './serving/moe-calibrated-model.js';
import type { Backend } from './serving/runs.js';

export interface CreatePerfModelOptions {
  /** Per-GPU power cap; undefined runs at TDP. */
  readonly powerCapWatts?: number;
  /** Coefficients to use instead of the built-in ones (e.g. from `fleetplan fit`). */
  readonly coefficients?: CoefficientSet;
  /** A serving calibration (`--calibration FILE`): step times from measured serving runs instead of the fitted pairs. */
  readonly calibration?: ServingCalibration;
  /** Which serving stack's fitted overheads apply (default: the calibration's `default_backend`); with or without a calibration, its KV pool rule. */
  readonly backend?: Backend;
  /** MoE/MLA kernel fits to use instead of the built-in ones (catalogs/coefficients/moe.json). */
  readonly moeCalibration?: MoeCalibration;
  /** How MoE pools move routed tokens (models/moe/dispatch.ts), calibrated or not; default: moeDispatchOf(`backend`, the GPU, the LLM, the layout) (all-gather without a backend). */
  readonly moeDispatch?: MoeDispatch;
}

/** Finds the fitted record for a pair: one measured at exactly this cap, else the uncapped one. */
export function findPairRecord(set: CoefficientSet, gpu: string, llm: string, tp: number, capWatts?: number): PairFitRecord | undefined {
  const same = set.pairs.filter((p) => p.gpu === gpu && p.llm === llm && p.tp === tp);
  return same.find((p) => p.powerCapWatts === capWatts) ?? same.find((p) => p.powerCapWatts === undefined);
}

/**
 * Fitted pairs come from bf16 runs (Splitwise, fleetplan fit on bf16 profiles) of dense instances: they describe an
 * instance only in bf16 weights and KV at ep 1.
 */
function fittedPairApplies(layout: ResolvedLayout): boolean {
  return layout.precision === 'bf16' && layout.kvDtype === 'bf16' && layout.ep === 1;
}

/** What a roofline's provenance says about formats and layout beyond the bf16, one-node case (empty when nothing). */
function layoutNotes(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, eff: GpuEfficiency): string[] {
  const notes: string[] = [];
  if (layout.precision !== 'bf16') {
    const f = computeFractionFor(eff, layout.precision);
    notes.push(f.measured
      ? `${layout.precision} GEMMs at ${f.fraction.toFixed(2)} of the ${layout.precision} peak (${eff.precisionFrom ?? eff.from})`
      : `${layout.precision} GEMMs at the bf16 fraction ${f.fraction.toFixed(2)} of the ${layout.precision} peak (no measured ${layout.precision} GEMMs for ${gpu.id})`);
    notes.push(`framework multipliers fitted on bf16 runs`);
  }
  if (layout.precision !== nativePrecision(llm)) notes.push(`weights quantised from the published ${nativePrecision(llm)}`);
  if (layout.kvDtype !== 'bf16') notes.push(`KV cache ${layout.kvDtype}`);
  if (layout.ep > 1) notes.push(`ep ${layout.ep} over ${layout.gpus} GPUs (attention data-parallel ${layout.attentionDp})`);
  const nodes = nodesSpanned(gpu, layout.gpus);
  if (nodes > 1) {
    notes.push(`spans ${nodes} nodes of ${gpu.gpusPerNode}: ` + (layout.tp > gpu.gpusPerNode
      ? `TP all-reduce crosses nodes at ${(gpu.interNodeBandwidthBytesPerSecond / 1e9).toFixed(0)} GB/s per GPU (hierarchical)`
      : `TP groups stay inside a node`));
  }
  return notes;
}

/**
 * How an MoE pool built with `options` moves routed tokens: the override, else the stack's dispatch on this GPU and
 * layout (moe/dispatch.ts), the stack being the calibrated model's (`backend`, else the calibration's default) or, without a
 * calibration, `backend` (none: all-gather). Both createPerfModel paths and the inter-node counterfactual use it.
 */
export function moeDispatchFor(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, options: CreatePerfModelOptions): MoeDispatch {
  const backend = options.calibration ? (options.backend ?? options.calibration.defaultBackend) : options.backend;
  return options.moeDispatch ?? moeDispatchOf(backend, gpu, llm, layout);
}

/** The performance and power model of one instance laid out as `layout` (tp, ep, precision, KV dtype). */
export function createPerfModel(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, options: CreatePerfModelOptions = {}): PerfModel {
  const l = resolveLayout(llm, layout);
  const set = options.coefficients ?? BUILTIN_COEFFICIENTS;
  if (options.calibration) {
    const calibrated = buildCalibratedPerfModel(gpu, llm, l, {
      calibration: options.calibration, efficiency: efficiencyFor(set.roofline, gpu.id), power: set.power,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.powerCapWatts !== undefined ? { powerCapWatts: options.powerCapWatts } : {}),
    });
    if (calibrated) return calibrated;
    // MoE/MLA pools: the MoE step terms (dense slots and meanings) × the same scope's coefficients.
    if (llm.moe || llm.attention?.kind === 'mla') return buildMoeServingModel(gpu, llm, l, set, options.moeCalibration ?? BUILTIN_MOE_CALIBRATION, options.calibration, options.backend, moeDispatchFor(gpu, llm, l, options));
  }
  // A named backend without a calibration still sizes the KV pool by its memory default, as the calibrated models do
  // (models/serving/calibrated-model.ts, moe-calibrated-model.ts); without one, computeKvCapacity's (vLLM's) rule.
  const b = options.backend;
  const kvRule = b === undefined ? '' : `; KV capacity by ${b}'s memory rule`;
  // MoE and MLA models: per-layer composition of the kernel fits (models/moe/) and the dense roofline for the rest.
  if (llm.moe || llm.attention?.kind === 'mla') {
    const m = buildMoePerfModel(gpu, llm, l, set, options.moeCalibration ?? BUILTIN_MOE_CALIBRATION, options.powerCapWatts, b === undefined ? {} : moeBackendKvCapacityOptions(b, l), moeDispatchFor(gpu, llm, l, options));
    return b === undefined ? m : { ...m, provenance: { ...m.provenance, note: `${m.provenance.note ?? ''}${kvRule}` } };
  }
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
  const record = fittedPairApplies(l) ? findPairRecord(set, gpu.id, llm.id, l.tp, options.powerCapWatts) : undefined;
  const cap = options.powerCapWatts !== undefined ? { powerCapWatts: options.powerCapWatts } : {};
  const kv = b === undefined ? {} : { kvCapacity: backendKvCapacityOptions(b, l.tp) };
  if (record) {
    return buildPerfModel({
      gpu, llm, layout: l, latency: record, power: set.power, ...cap, ...kv,
      ...(record.powerCapWatts !== undefined ? { measuredAtCapWatts: record.powerCapWatts } : {}),
      provenance: {
        kind: options.coefficients ? 'fitted' : 'builtin',
        from: record.from,
        rows: record.rows,
        heldOutMape: Math.max(record.heldOutMape.prefill, record.heldOutMape.decode),
        note: `held-out MAPE prefill ${pct(record.heldOutMape.prefill)}, decode ${pct(record.heldOutMape.decode)}` +
          (record.powerCapWatts !== undefined ? `; measured at a ${record.powerCapWatts} W cap` : '') + kvRule,
      },
    });
  }
  const eff = efficiencyFor(set.roofline, gpu.id);
  const extra = layoutNotes(gpu, llm, l, eff);
  return buildPerfModel({
    gpu, llm, layout: l, latency: deriveRooflineCoefficients(gpu, llm, l, set.roofline), power: set.power, ...cap, ...kv,
    provenance: {
      kind: 'roofline',
      from: `${gpu.id} and ${llm.id} spec sheets; ${set.roofline.from}`,
      rows: set.roofline.rows,
      heldOutMape: Math.max(set.roofline.heldOutMape.prefill, set.roofline.heldOutMape.decode),
      note: `kernel fractions compute ${eff.computeFraction.toFixed(2)}, memory ${eff.memoryFraction.toFixed(2)} (${eff.from}); ` +
        `roofline held-out MAPE on measured GPUs prefill ${pct(set.roofline.heldOutMape.prefill)}, decode ${pct(set.roofline.heldOutMape.decode)}` +
        (extra.length > 0 ? `; ${extra.join('; ')}` : '') + kvRule,
    },
  });
}
