/**
 * The PerfModel of an MoE or MLA instance: step times from step-time.ts, KV capacity and power as for any instance
 * (computeKvCapacity with the layout's resident weights, max(tp, ep) GPUs of power). The provenance names every part's
 * source and the held-out error each was checked at.
 */
import { nodesSpanned, type ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { CoefficientSet } from '../coefficients.js';
import { prefillPieceTotals } from '../features.js';
import { capComputeSlowdown, cappedGpuWatts } from '../power.js';
import { computeKvCapacity, kvBytesPerToken, weightBytes, type KvCapacityOptions } from '../specs.js';
import { perfModelIdentity, type PerfModel, type PowerState } from '../types.js';
import type { MoeCalibration } from './calibration.js';
import type { MoeDispatch } from './dispatch.js';
import { buildMoeStepModel } from './step-time.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');

/** `kvCapacity`: the serving stack's KV pool rule (memory.ts moeBackendKvCapacityOptions); default computeKvCapacity's. */
export function buildMoePerfModel(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, set: CoefficientSet, cal: MoeCalibration, powerCapWatts?: number, kvCapacity: KvCapacityOptions = {}, dispatch: MoeDispatch = 'all-gather'): PerfModel {
  const step = buildMoeStepModel(gpu, llm, layout, cal, set.roofline, dispatch);
  // As for dense instances: a cap stretches prefill compute by the fitted cap exponent; decode is memory-bound.
  const slowdown = capComputeSlowdown(gpu, set.power, powerCapWatts);
  const capacity = computeKvCapacity(gpu, llm, layout, kvCapacity);
  const s = step.sources;
  const measured = s.groupedGemm.measured && (s.mla?.measured ?? true);
  const errors = [s.groupedGemm.heldOutMape, s.mla?.heldOutMape ?? 0, set.roofline.heldOutMape.decode].filter(Number.isFinite);
  const nodes = nodesSpanned(gpu, layout.gpus);
  const notes = [
    llm.moe ? `routed experts: ${s.groupedGemm.measured ? 'grouped-GEMM fit' : 'fallback'} from ${s.groupedGemm.from}, held out ${pct(s.groupedGemm.heldOutMape)} (${s.groupedGemm.heldOut ?? (s.groupedGemm.measured ? 'leave-one-shape-out' : 'leave-one-GPU-out')})` : '',
    s.mla ? `MLA: ${s.mla.measured ? 'module fit' : 'fallback'} from ${s.mla.from}, held out ${pct(s.mla.heldOutMape)}` : '',
    // TensorRT-LLM's gather under attention DP moves its bytes through the same NCCL table (step-time.ts).
    s.allToAll ? `ep ${layout.ep} dispatch/combine ${dispatch === 'gather-local' && layout.attentionDp > 1 ? 'all-gather + reduce-scatter, priced on the all-to-all table' : 'all-to-all'} ${s.allToAll.measured ? `from ${s.allToAll.from}` : `estimated (${s.allToAll.from})`}` : '',
    `rest of the model: dense roofline (${set.roofline.from}), decode held out ${pct(set.roofline.heldOutMape.decode)}`,
    layout.attentionDp > 1 ? `attention data-parallel ${layout.attentionDp} × tp ${layout.tp}${layout.ep > 1 ? `, routed tokens by ${dispatch}` : ''}` : '',
    nodes > 1 ? `spans ${nodes} nodes of ${gpu.gpusPerNode}: traffic beyond the scale-up domain at ${(gpu.interNodeBandwidthBytesPerSecond / 1e9).toFixed(0)} GB/s per GPU` : '',
    'kernel-table parts carry no serving-overhead multiplier',
    capacity.fits ? '' : capacity.reason,
  ].filter((x) => x !== '');
  return {
    ...perfModelIdentity(gpu, llm, layout, powerCapWatts),
    prefillSeconds: (n, c, b) => step.prefillSeconds(n, c, b) * slowdown,
    chunkedPrefillSeconds: (n, c) => step.chunkedPrefillSeconds(n, c) * slowdown,
    // The MoE step prices a batch by its per-sequence averages: heterogeneous pieces enter as their totals (attention
    // pairs then come from the average piece, a small under-count when sizes differ); one floor per iteration.
    prefillBatchSeconds: (pieces, options) => {
      const { tokens, cached, sequences } = prefillPieceTotals(pieces);
      if (sequences === 0) return 0;
      const whole = step.prefillSeconds(tokens, cached, sequences) * slowdown;
      const floor = (step.prefillSeconds(1, 0, 1) - step.chunkedPrefillSeconds(1, 0)) * slowdown;
      return options?.ridesDecodeStep ? Math.max(0, whole - floor) : whole;
    },
    decodeStepSeconds(batch: number, totalContextTokens: number, prefillChunkTokens = 0): number {
      const a = step.decodeStepAffine(batch, prefillChunkTokens);
      return a.baseSeconds + a.perContextTokenSeconds * totalContextTokens;
    },
    decodeStepAffine: (batch, chunk) => step.decodeStepAffine(batch, chunk),
    weightBytes: weightBytes(llm, layout.precision),
    kvBytesPerToken: kvBytesPerToken(llm, layout.kvDtype),
    kvCapacityTokens: capacity.kvCapacityTokens,
    powerWatts(state: PowerState, batch = 1): number {
      return layout.gpus * cappedGpuWatts(gpu, set.power, state, batch, powerCapWatts);
    },
    provenance: {
      kind: measured ? 'fitted' : 'roofline',
      from: `${gpu.id} and ${llm.id} spec sheets; ${cal.from}; ${set.roofline.from}`,
      rows: set.roofline.rows,
      heldOutMape: Math.max(...errors),
      note: notes.join('; '),
    },
  };
}
