/**
 * Test fixtures for the kernel: a synthetic PerfModel with the interface's shape (affine decode step, linear +
 * quadratic prefill whose intercept a batch pays once, power by state) and small fleets and mixes built inline.
 */
import type { ConversationClass, Distribution, Fleet, InstancePool, Mix, Role } from '../../../catalogs/types.js';
import type { PerfModel, PowerState, PrefillPiece } from '../../../models/types.js';

export interface SyntheticCoefficients {
  /** prefill_s(n, c) = intercept + perToken·n + attention·n·(c + n/2) */
  readonly prefillInterceptSeconds: number;
  readonly prefillPerTokenSeconds: number;
  readonly prefillAttentionSeconds: number;
  /** decode_step_s(B, C, k) = base + perSeq·B + perContext·C + perChunk·k */
  readonly decodeBaseSeconds: number;
  readonly decodePerSequenceSeconds: number;
  readonly decodePerContextTokenSeconds: number;
  readonly decodePerChunkTokenSeconds: number;
  readonly kvCapacityTokens: number;
  readonly kvBytesPerToken: number;
  readonly idleWatts: number;
  readonly prefillWatts: number;
  readonly decodeMinWatts: number;
  readonly decodeMaxWatts: number;
}

export const DEFAULT_COEFFICIENTS: SyntheticCoefficients = {
  prefillInterceptSeconds: 0.004,
  prefillPerTokenSeconds: 5e-5,
  prefillAttentionSeconds: 1e-9,
  decodeBaseSeconds: 0.008,
  decodePerSequenceSeconds: 5e-5,
  decodePerContextTokenSeconds: 2e-8,
  decodePerChunkTokenSeconds: 5e-5,
  kvCapacityTokens: 300_000,
  kvBytesPerToken: 114_688,
  idleWatts: 80,
  prefillWatts: 300,
  decodeMinWatts: 150,
  decodeMaxWatts: 280,
};

/** A synthetic perf model for `pool`; the power cap scales compute time like a ceiling (tests only). */
export function createSyntheticPerfModel(pool: InstancePool, overrides: Partial<SyntheticCoefficients> = {}): PerfModel {
  const c = { ...DEFAULT_COEFFICIENTS, ...overrides };
  return {
    gpu: pool.gpu,
    llm: pool.llm,
    tp: pool.tp,
    ep: pool.ep ?? 1,
    gpus: Math.max(pool.tp, pool.ep ?? 1),
    precision: pool.precision ?? 'bf16',
    kvDtype: pool.kvDtype ?? 'bf16',
    powerCapWatts: pool.powerCapWatts,
    prefillSeconds(newTokens: number, cachedTokens: number): number {
      return c.prefillInterceptSeconds + c.prefillPerTokenSeconds * newTokens + c.prefillAttentionSeconds * newTokens * (cachedTokens + newTokens / 2);
    },
    prefillBatchSeconds(pieces: readonly PrefillPiece[], options?: { readonly ridesDecodeStep?: boolean }): number {
      const computing = pieces.filter((p) => p.newTokens > 0);
      if (computing.length === 0) return 0;
      let compute = 0;
      for (const p of computing) compute += c.prefillPerTokenSeconds * p.newTokens + c.prefillAttentionSeconds * p.newTokens * (p.cachedTokens + p.newTokens / 2);
      return (options?.ridesDecodeStep ? 0 : c.prefillInterceptSeconds) + compute;
    },
    decodeStepSeconds(batch: number, totalContextTokens: number, prefillChunkTokens = 0): number {
      return c.decodeBaseSeconds + c.decodePerSequenceSeconds * batch + c.decodePerChunkTokenSeconds * prefillChunkTokens + c.decodePerContextTokenSeconds * totalContextTokens;
    },
    decodeStepAffine(batch: number, prefillChunkTokens = 0) {
      return { baseSeconds: c.decodeBaseSeconds + c.decodePerSequenceSeconds * batch + c.decodePerChunkTokenSeconds * prefillChunkTokens, perContextTokenSeconds: c.decodePerContextTokenSeconds };
    },
    chunkedPrefillSeconds(newTokens: number, cachedTokens: number): number {
      return newTokens > 0 ? c.prefillPerTokenSeconds * newTokens + c.prefillAttentionSeconds * newTokens * (cachedTokens + newTokens / 2) : 0;
    },
    weightBytes: 1.2e9,
    kvBytesPerToken: c.kvBytesPerToken,
    kvCapacityTokens: c.kvCapacityTokens,
    powerWatts(state: PowerState, batch = 1): number {
      if (state === 'idle') return c.idleWatts * pool.tp;
      if (state === 'prefill') return c.prefillWatts * pool.tp;
      return (c.decodeMinWatts + (c.decodeMaxWatts - c.decodeMinWatts) * Math.min(1, batch / 64)) * pool.tp;
    },
    provenance: { kind: 'builtin', from: 'test/unit/kernel/fixtures.ts', note: 'synthetic' },
  };
}

/** A fleet of `prefill` prefillers and `decode` decoders (and optional colocated engines) of one synthetic GPU. */
export function buildFleet(counts: { prefill?: number; decode?: number; colocated?: number }, gpu = 'a40'): Fleet {
  const instances: InstancePool[] = [];
  const add = (role: Role, count: number | undefined): void => {
    if (count !== undefined && count > 0) instances.push({ gpu, llm: 'qwen3-0.6b', tp: 1, role, count });
  };
  add('prefill', counts.prefill);
  add('decode', counts.decode);
  add('colocated', counts.colocated);
  return {
    instances,
    links: [
      { from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 12.5e9, latencySeconds: 0.0005 },
      { from: 'decode', to: 'prefill', bandwidthBytesPerSecond: 12.5e9, latencySeconds: 0.0005 },
      { from: 'prefill', to: 'colocated', bandwidthBytesPerSecond: 12.5e9, latencySeconds: 0.0005 },
    ],
  };
}

const fixed = (value: number): Distribution => ({ kind: 'fixed', value });

/** A one-class mix; distributions default to a small agent-like shape. */
export function buildMix(ratePerSecond: number, shape: Partial<Pick<ConversationClass, 'turns' | 'firstInputTokens' | 'appendedInputTokens' | 'outputTokens' | 'toolLatencySeconds'>> = {}): Mix {
  return {
    id: 'test-mix',
    name: 'test mix',
    description: 'inline test mix',
    classes: [
      {
        id: 'agent',
        description: 'agent-like',
        arrivalRatePerSecond: ratePerSecond,
        arrival: { kind: 'poisson' },
        turns: shape.turns ?? { kind: 'uniform', min: 1, max: 6 },
        firstInputTokens: shape.firstInputTokens ?? { kind: 'lognormal', median: 3000, sigma: 0.5, max: 20000 },
        appendedInputTokens: shape.appendedInputTokens ?? { kind: 'lognormal', median: 80, sigma: 0.8, max: 2000 },
        outputTokens: shape.outputTokens ?? { kind: 'lognormal', median: 120, sigma: 0.7, max: 1500 },
        toolLatencySeconds: shape.toolLatencySeconds ?? { kind: 'exponential', mean: 1.5 },
        userVisibleTurns: 'last',
        sources: {},
      },
    ],
    sources: {},
  };
}

export { fixed };
