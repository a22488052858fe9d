/**
 * Seeded random small planning instances (≤ 4 GPU types, ≤ 3 classes) for the oracle and property tests.
 */
import type { GpuSpec, SloSet } from '../../../catalogs/types.js';
import { createStream } from '../../../models/random.js';
import type { PlanOptions, PlanRequest } from '../../../planner/types.js';
import { DATACENTER, LLAMA_8B, makeClass, makeGpu, makeMix, syntheticPerfFor } from './synthetic.js';

export interface RandomInstance {
  readonly request: PlanRequest;
  readonly options: PlanOptions;
}

const GPU_SHAPES: Array<Partial<GpuSpec>> = [
  {},
  { memoryBytes: 40e9, memoryBandwidthBytesPerSecond: 1.55e12, bf16FlopsPerSecond: 312e12, tdpWatts: 400, idleWatts: 60, capexUsd: 10_000 },
  { memoryBytes: 48e9, memoryBandwidthBytesPerSecond: 0.864e12, bf16FlopsPerSecond: 362e12, tdpWatts: 350, idleWatts: 40, capexUsd: 8_000 },
  { memoryBytes: 141e9, memoryBandwidthBytesPerSecond: 4.8e12, bf16FlopsPerSecond: 989e12, tdpWatts: 700, idleWatts: 100, capexUsd: 35_000 },
  { memoryBytes: 24e9, memoryBandwidthBytesPerSecond: 0.3e12, bf16FlopsPerSecond: 121e12, tdpWatts: 72, idleWatts: 15, capexUsd: 2_500 },
  { memoryBytes: 96e9, memoryBandwidthBytesPerSecond: 4.0e12, bf16FlopsPerSecond: 148e12, tdpWatts: 500, idleWatts: 70, capexUsd: undefined, rentUsdPerHour: 2.2 },
];

/** A random instance from a seed; `scale` multiplies every arrival rate (for monotonicity properties). */
export function randomInstance(seed: number, scale = 1): RandomInstance {
  const u = createStream(seed, 'planner-instance');
  const int = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
  const nGpus = int(1, 4);
  const gpus = Array.from({ length: nGpus }, (_, i) => makeGpu(`g${i}`, GPU_SHAPES[int(0, GPU_SHAPES.length - 1)]));
  const nClasses = int(1, 3);
  const classes = Array.from({ length: nClasses }, (_, i) =>
    makeClass(`c${i}`, {
      arrivalRatePerSecond: scale * (0.05 + 1.2 * u()),
      turns: { kind: 'uniform', min: 1, max: int(1, 6) },
      firstInputTokens: { kind: 'lognormal', median: int(500, 6000), sigma: 0.3 + 0.5 * u() },
      appendedInputTokens: { kind: 'fixed', value: int(50, 800) },
      outputTokens: { kind: 'fixed', value: int(20, 400) },
      toolLatencySeconds: { kind: 'exponential', mean: 3 * u() },
    }),
  );
  const slo: SloSet = {
    id: 'random',
    description: '',
    targets: [
      { metric: 'ttfet_s', percentile: 95, kind: 'absolute', maxValue: 30 + 60 * u() },
      { metric: 'tbt_ms', percentile: 95, kind: 'absolute', maxValue: 40 + 80 * u() },
    ],
    attainment: 0.95,
    sources: {},
  };
  const roleSets = [['prefill', 'decode'], ['colocated'], ['prefill', 'decode', 'colocated']] as const;
  const objective = (['tco', 'energy', 'gpus'] as const)[int(0, 2)];
  const options: PlanOptions = {
    objective,
    tpDegrees: u() < 0.7 ? [1] : [1, 2],
    roles: roleSets[int(0, 2)],
    powerCapFractions: { decode: u() < 0.5 ? [1] : [1, 0.7] },
    ...(u() < 0.2 ? { budgetUsd: 20_000 + 200_000 * u() } : {}),
    ...(u() < 0.2 ? { powerCapWatts: 1000 + 5000 * u() } : {}),
    ...(u() < 0.2 ? { availabilityGpus: { g0: int(0, 4) } } : {}),
    explain: false,
  };
  return { request: { mix: makeMix(classes), slo, datacenter: DATACENTER, gpus, llm: LLAMA_8B, perfModelFor: syntheticPerfFor }, options };
}
