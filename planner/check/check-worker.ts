/**
 * The worker-thread entry for kernel checks (piscina, threaded-check.ts): the same pure kernel check the main thread
 * runs (kernel-check.ts), on plain data cloned from it — the fleet, the seed, the mix, the SLOs and the catalog specs
 * the fleet uses; it reads no file. Performance models are built and remembered per worker.
 */
import type { Fleet, GpuSpec, InstancePool, LlmSpec, Mix, SloSet } from '../../catalogs/types.js';
import { createPerfModelFor, type ServingChoice } from '../demand/perf-adapter.js';
import { checkFleet, checkFleetUnlessDropped, type KernelCheckOutcome } from './kernel-check.js';
import { backendScheduling } from '../../models/serving/backend-policy.js';
import type { PerfModelFor } from '../types.js';

/** What every check of one plan shares (sent with each task: small next to a kernel run). */
export interface CheckSpec {
  readonly mix: Mix;
  readonly slo: SloSet;
  readonly durationSeconds: number;
  readonly gpus: readonly GpuSpec[];
  readonly llms: readonly LlmSpec[];
  readonly serving?: ServingChoice;
}

export interface CheckTask {
  readonly spec: CheckSpec;
  readonly fleet: Fleet;
  readonly seed: number;
  /** Stop once the miss is certain (only the fleet's refutation is needed: check-result.ts, CheckOptions). */
  readonly mayStopAtMiss?: boolean;
  /**
   * Set to 1 by the main thread when the run is no longer wanted (a speculative seed after a miss): the run stops at
   * its next slice, or does not start, and the thread takes the next task. (Aborting a running piscina task instead
   * tears the thread down, and its replacement loads and warms up the kernel again.)
   */
  readonly dropFlag?: Int32Array;
}

/** What a worker returns for a run dropped before it finished. */
export const DROPPED = 'dropped';

const perfModels = new Map<string, PerfModelFor>();

/** Runs one kernel check on this thread. */
export default function runCheckTask(task: CheckTask): KernelCheckOutcome | typeof DROPPED {
  const { spec, fleet, seed, dropFlag } = task;
  const dropped = dropFlag ? () => Atomics.load(dropFlag, 0) !== 0 : undefined;
  if (dropped?.()) return DROPPED;
  const servingKey = JSON.stringify(spec.serving ?? null);
  let perfModelFor = perfModels.get(servingKey);
  if (!perfModelFor) perfModels.set(servingKey, (perfModelFor = createPerfModelFor(undefined, spec.serving)));
  const gpus = new Map(spec.gpus.map((g) => [g.id, g]));
  const llms = new Map(spec.llms.map((l) => [l.id, l]));
  const kernelPerf = (pool: InstancePool) => {
    const model = perfModelFor!(gpus.get(pool.gpu)!, llms.get(pool.llm)!, pool, pool.powerCapWatts);
    if (!model) throw new Error(`no performance model for ${pool.llm} on ${pool.gpu} at TP${pool.tp}`);
    return model;
  };
  // The backend's scheduler (admission, prefill pausing, whole prompts) on the engines, as on the main thread.
  const options = { mix: spec.mix, slo: spec.slo, perfModelFor: kernelPerf, seed, durationSeconds: spec.durationSeconds, kernel: backendScheduling(spec.serving?.backend) };
  const check = { mayStopAtMiss: task.mayStopAtMiss === true };
  return dropped ? (checkFleetUnlessDropped(fleet, options, check, dropped) ?? DROPPED) : checkFleet(fleet, options, check);
}
