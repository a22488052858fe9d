/**
 * `createPerfModel`: fitted coefficients where the (gpu, llm, tp) was measured, else a roofline calibrated on the
 * measured GPUs. The provenance says which, from what, and with which held-out error.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import { BUILTIN_COEFFICIENTS } from './builtin.js';
import type { CoefficientSet, PairFitRecord } from './coefficients.js';
import { buildPerfModel } from './perf-model.js';
import { deriveRooflineCoefficients, efficiencyFor } from './roofline.js';
import type { PerfModel } from './types.js';
import type { ServingCalibration } from './serving/calibration-file.js';
import { buildCalibratedPerfModel } from './serving/calibrated-model.js';
import type { Backend } from './serving/runs.js';

export interface CreatePerfModelOptions {
  /** Per-GPU power cap; undefined runs at TDP. */
  readonly powerCapWatts?: number;
  /** Coefficients to use instead of the built-in ones (e.g. from `fleetplan fit`). */
  readonly coefficients?: CoefficientSet;
  /** A serving calibration (`--calibration FILE`): step times from measured serving runs instead of the fitted pairs. */
  readonly calibration?: ServingCalibration;
  /** Which serving stack's fitted overheads apply (default: the calibration's `default_backend`). */
  readonly backend?: Backend;
}

/** Finds the fitted record for a pair: one measured at exactly this cap, else the uncapped one. */
export function findPairRecord(set: CoefficientSet, gpu: string, llm: string, tp: number, capWatts?: number): PairFitRecord | undefined {
  const same = set.pairs.filter((p) => p.gpu === gpu && p.llm === llm && p.tp === tp);
  return same.find((p) => p.powerCapWatts === capWatts) ?? same.find((p) => p.powerCapWatts === undefined);
}

/** The performance and power model of one instance. */
export function createPerfModel(gpu: GpuSpec, llm: LlmSpec, tp: number, options: CreatePerfModelOptions = {}): PerfModel {
  if (!Number.isInteger(tp) || tp < 1) throw new RangeError(`tp must be a positive whole number, found ${tp}`);
  const set = options.coefficients ?? BUILTIN_COEFFICIENTS;
  if (options.calibration) {
    const calibrated = buildCalibratedPerfModel(gpu, llm, tp, {
      calibration: options.calibration, efficiency: efficiencyFor(set.roofline, gpu.id), power: set.power,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.powerCapWatts !== undefined ? { powerCapWatts: options.powerCapWatts } : {}),
    });
    if (calibrated) return calibrated;
  }
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
  const record = findPairRecord(set, gpu.id, llm.id, tp, options.powerCapWatts);
  const cap = options.powerCapWatts !== undefined ? { powerCapWatts: options.powerCapWatts } : {};
  if (record) {
    return buildPerfModel({
      gpu, llm, tp, latency: record, power: set.power, ...cap,
      ...(record.powerCapWatts !== undefined ? { measuredAtCapWatts: record.powerCapWatts } : {}),
      provenance: {
        kind: options.coefficients ? 'fitted' : 'builtin',
        from: record.from,
        rows: record.rows,
        heldOutMape: Math.max(record.heldOutMape.prefill, record.heldOutMape.decode),
        note: `held-out MAPE prefill ${pct(record.heldOutMape.prefill)}, decode ${pct(record.heldOutMape.decode)}` +
          (record.powerCapWatts !== undefined ? `; measured at a ${record.powerCapWatts} W cap` : ''),
      },
    });
  }
  const eff = efficiencyFor(set.roofline, gpu.id);
  return buildPerfModel({
    gpu, llm, tp, latency: deriveRooflineCoefficients(gpu, llm, tp, set.roofline), power: set.power, ...cap,
    provenance: {
      kind: 'roofline',
      from: `${gpu.id} and ${llm.id} spec sheets; ${set.roofline.from}`,
      rows: set.roofline.rows,
      heldOutMape: Math.max(set.roofline.heldOutMape.prefill, set.roofline.heldOutMape.decode),
      note: `kernel fractions compute ${eff.computeFraction.toFixed(2)}, memory ${eff.memoryFraction.toFixed(2)} (${eff.from}); ` +
        `roofline held-out MAPE on measured GPUs prefill ${pct(set.roofline.heldOutMape.prefill)}, decode ${pct(set.roofline.heldOutMape.decode)}`,
    },
  });
}
