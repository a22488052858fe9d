/** Kernel composition on small synthetic tables: what is counted, how often, and how tables are read past their ends. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../catalogs/issues.js';
import type { LlmSpec } from '../../../catalogs/types.js';
import {
  composeDecodeStepBreakdown, composePrefillBreakdown, cpuOverheadSeconds, gemmSeconds, interpolateWithin, roundTokens,
  VIDUR_NCCL_LAUNCH_SECONDS, type KernelTables,
} from '../../../models/compose.js';
import type { VidurOperatorRow } from '../../../models/importers/vidur.js';
import { importVidurCpuOverheads, VIDUR_LAYER_OPS } from '../../../models/importers/vidur.js';
import { LLAMA70B } from './fixtures.js';

const LLM: LlmSpec = { ...LLAMA70B, layers: 10, hiddenSize: 1024, attentionHeads: 8, kvHeads: 2, vocabSize: 2000 };

// Every layer op costs `tokens` µs (so the layer sum is 9 × tokens µs); `emb` costs 1 µs flat.
function operators(tp: number): VidurOperatorRow[] {
  return [1, 8, 16, 64].map((tokens) => ({ tokens, tp, opSeconds: { emb: 1e-6, ...Object.fromEntries(VIDUR_LAYER_OPS.map((op) => [op, tokens * 1e-6])) } }));
}
const tables = (tp: number): KernelTables => ({
  operators: operators(tp),
  contextAttention: [1, 2].flatMap((batch) => [8, 64].map((inputTokens) => ({ batch, inputTokens, heads: 8 / tp, kvHeads: Math.max(1, 2 / tp), kvDtype: 'bfloat16', latencySeconds: batch * inputTokens * 1e-7 }))),
  generationAttention: [1, 4].flatMap((batch) => [1, 1000].map((cachedTokens) => ({ batch, heads: 8 / tp, kvHeads: Math.max(1, 2 / tp), kvDtype: 'bfloat16', cachedTokens, latencySeconds: 5e-6 }))),
  // 10 µs + 1 µs per KiB over tp GPUs, measured 2 KiB … 1 MiB.
  allReduce: [2048, 1 << 20].map((messageBytes) => ({ collective: 'all_reduce', gpus: tp, devicesPerNode: tp, messageBytes, latencySeconds: 10e-6 + (messageBytes / 1024) * 1e-6 })),
});

describe('composition', () => {
  it('rounds tokens up to a multiple of 8 as Vidur does', () => {
    expect([1, 8, 9, 4095].map(roundTokens)).toEqual([8, 8, 16, 4096]);
  });

  it('reads a table linearly inside, scales the last point past the end, holds the first below the start', () => {
    const pts = [[10, 1], [20, 3], [30, 2.5]] as const;
    expect(interpolateWithin(pts, 15, 't')).toBeCloseTo(2, 12);
    expect(interpolateWithin(pts, 60, 't')).toBeCloseTo(5, 12); // not the falling last segment's 0
    expect(interpolateWithin(pts, 5, 't')).toBe(1);
  });

  it('at TP 1 counts no all-reduce and no NCCL launch; a decode step of batch 1 is read at 8 tokens', () => {
    const b = composeDecodeStepBreakdown(tables(1), LLM, 1, 1, 500);
    expect(b.allReduceSeconds).toBe(0);
    expect(b.ncclLaunchSeconds).toBe(0);
    expect(b.layerOpsSeconds).toBeCloseTo(10 * 9 * 8e-6, 12);
    expect(b.attentionSeconds).toBeCloseTo(10 * 5e-6, 12);
    expect(b.perPassSeconds).toBeCloseTo(1e-6 + 8e-6, 12); // embedding + final norm; no GEMM table, no LM head
    expect(b.cpuOverheadSeconds).toBe(0);
    expect(b.totalSeconds).toBeCloseTo(b.layerOpsSeconds + b.attentionSeconds + b.perPassSeconds, 12);
  });

  it('at TP 2 counts two all-reduces per layer plus the embedding\'s, each with the launch cost, of tokens × hidden × 2 bytes', () => {
    const b = composePrefillBreakdown(tables(2), LLM, 2, 2, 30);
    const bytes = 64 * 1024 * 2; // 60 tokens round to 64
    expect(b.allReduceSeconds).toBeCloseTo(21 * (10e-6 + (bytes / 1024) * 1e-6), 12);
    expect(b.ncclLaunchSeconds).toBeCloseTo(21 * VIDUR_NCCL_LAUNCH_SECONDS, 12);
    expect(composePrefillBreakdown(tables(2), LLM, 2, 2, 30, { ncclLaunchSeconds: 0 }).ncclLaunchSeconds).toBe(0);
    expect(b.attentionSeconds).toBeCloseTo(10 * 2 * 30 * 1e-7, 12);
  });

  it('adds the LM head on the last token of each sequence from a GEMM table, interpolated over n', () => {
    const gemm = [1, 8].flatMap((m) => [500, 2000].map((n) => ({ dtype: 'bfloat16', m, n, k: 1024, latencySeconds: n * 1e-8 * (m === 8 ? 2 : 1) })));
    expect(gemmSeconds(gemm, 1, 1000, 1024)).toBeCloseTo(1000e-8, 14);
    expect(gemmSeconds(gemm, 8, 2000, 1024)).toBeCloseTo(4000e-8, 14);
    const withHead = composeDecodeStepBreakdown({ ...tables(2), gemm }, LLM, 2, 1, 500);
    const without = composeDecodeStepBreakdown(tables(2), LLM, 2, 1, 500);
    expect(withHead.perPassSeconds - without.perPassSeconds).toBeCloseTo(1000e-8, 14); // vocab 2000 / tp 2, m = 1
  });
});

describe('Vidur CPU overheads', () => {
  const upper = 'model_name,batch_size,tensor_parallel_degree,SCHEDULE_MEDIAN,SAMPLER_E2E_MEDIAN,PREPARE_INPUTS_E2E_MEDIAN,PROCESS_MODEL_OUTPUTS_MEDIAN,RAY_COMM_TIME_MEDIAN\n' +
    'm,8,4,0.1,1,0.3,0.6,3\nm,64,4,1,2,1,4,8\n';
  it('parses either header case, ms → s, prefers ray_comm_time_mean as Vidur does', () => {
    const rows = importVidurCpuOverheads(upper, 'cpu.csv');
    expect(rows[0]).toMatchObject({ model: 'm', tp: 4, batch: 8 });
    expect(rows[0].componentSeconds.ray_comm_time).toBeCloseTo(0.003, 12);
    const lower = importVidurCpuOverheads('model_name,batch_size,tensor_parallel_degree,schedule_median,sampler_e2e_median,prepare_inputs_e2e_median,process_model_outputs_median,ray_comm_time_median,ray_comm_time_mean\nm,8,4,0,0,0,0,9,2\n');
    expect(lower[0].componentSeconds.ray_comm_time).toBeCloseTo(0.002, 12);
  });
  it('sums the five components per step and holds them flat outside the measured batches', () => {
    const rows = importVidurCpuOverheads(upper);
    expect(cpuOverheadSeconds(rows, 4, 1)).toBeCloseTo(0.005, 12);
    expect(cpuOverheadSeconds(rows, 4, 36)).toBeCloseTo(0.0105, 12);
    expect(cpuOverheadSeconds(rows, 4, 128)).toBeCloseTo(0.016, 12);
    expect(() => cpuOverheadSeconds(rows, 8, 1)).toThrow(/tp 8/);
    const b = composeDecodeStepBreakdown({ ...tables(4), cpuOverhead: rows }, LLM, 4, 8, 500);
    expect(b.cpuOverheadSeconds).toBeCloseTo(0.005, 12);
  });
  it('names a missing column', () => {
    expect(() => importVidurCpuOverheads('model_name,batch_size\nm,8\n', 'cpu.csv')).toThrow(InputError);
  });
});
