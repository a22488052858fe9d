/**
 * The vLLM engine flags of one pool, as planned: parallel layout, the engine limits the plan's check ran with,
 * quantisation and KV-cache dtype, and the prefill→decode KV transfer over NIXL.
 *
 * Flag names are vLLM's engine arguments (docs.vllm.ai "Engine Arguments"; the pinned image is DEFAULT_VLLM_IMAGE).
 * The KV-transfer JSON is the NixlConnector's (vLLM docs/features/nixl_connector_usage.md): `kv_connector`
 * "NixlConnector", `kv_role` kv_producer on prefill and kv_consumer on decode instances; `kv_load_failure_policy`
 * "fail" so a lost transfer is an error, not a silent re-prefill on the decoder the plan did not size for.
 */
import { nativePrecision } from '../../catalogs/precision.js';
import type { DeployPool } from './pools.js';

/** vLLM's OpenAI server image the kubernetes and llm-d exports run (vLLM v0.16.0, the engine of Dynamo 1.0.0). */
export const DEFAULT_VLLM_IMAGE = 'vllm/vllm-openai:v0.16.0';
/** Dynamo's vLLM runtime (Dynamo 1.0.0 release artifacts: vllm-runtime:1.0.0 ships vLLM v0.16.0). */
export const DEFAULT_DYNAMO_IMAGE = 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.0';

export const VLLM_PORT = 8000;

/** The `--kv-transfer-config` JSON of a disaggregated pool; undefined for colocated pools. */
export function kvTransferConfig(pool: DeployPool): string | undefined {
  if (pool.role === 'colocated') return undefined;
  return JSON.stringify({ kv_connector: 'NixlConnector', kv_role: pool.role === 'prefill' ? 'kv_producer' : 'kv_consumer', kv_load_failure_policy: 'fail' });
}

/** Engine flags shared by every target (no model, port or launcher: each target adds its own). */
export function engineFlags(pool: DeployPool, warnings: string[], options: { parallelSizes?: boolean; kvTransfer?: boolean } = {}): string[] {
  // llm-d's modelservice writes the parallel sizes itself from `parallelism` (parallelSizes: false there); Dynamo's
  // vLLM worker sets up the NIXL connector itself from --disaggregation-mode (kvTransfer: false there).
  const sizes = options.parallelSizes ?? true;
  const flags = sizes ? ['--tensor-parallel-size', String(pool.tp)] : [];
  if (pool.ep > 1) {
    // vLLM spreads experts over every tp × dp rank when expert parallelism is on, so EP = GPUs per instance.
    if (pool.ep !== pool.gpus) warnings.push(`pool ${pool.name}: ep ${pool.ep} < ${pool.gpus} GPUs (MoE tensor parallel ${pool.gpus / pool.ep}) has no vLLM flag; exported with --enable-expert-parallel, i.e. EP = ${pool.gpus}`);
    flags.push('--enable-expert-parallel');
    if (sizes && pool.dataParallel > 1) flags.push('--data-parallel-size', String(pool.dataParallel));
  }
  flags.push('--max-num-seqs', String(pool.maxNumSeqs), '--max-num-batched-tokens', String(pool.maxNumBatchedTokens));
  // Checkpoints published in FP8/FP4 carry their quantisation config; a BF16 checkpoint served at FP8 is quantised
  // on load with `--quantization fp8`. FP4 needs a pre-quantised (ModelOpt NVFP4) checkpoint: say so.
  if (pool.precision === 'fp8' && nativePrecision(pool.llm) === 'bf16') flags.push('--quantization', 'fp8');
  if (pool.precision === 'fp4' && nativePrecision(pool.llm) !== 'fp4') {
    warnings.push(`pool ${pool.name}: FP4 needs an NVFP4-quantised checkpoint of ${pool.llm.id}; set its repository with --mapping (hf_models) — vLLM cannot quantise BF16 weights to FP4 on load`);
  }
  if (pool.kvDtype === 'fp8') flags.push('--kv-cache-dtype', 'fp8');
  const kv = (options.kvTransfer ?? true) ? kvTransferConfig(pool) : undefined;
  if (kv !== undefined) flags.push('--kv-transfer-config', kv);
  return flags;
}

/** `vllm serve` arguments of a pool's (leader) container. */
export function vllmServeArgs(pool: DeployPool, warnings: string[]): string[] {
  const args = [pool.hfRepo, '--port', String(VLLM_PORT), ...engineFlags(pool, warnings)];
  if (pool.nodes > 1) args.push('--distributed-executor-backend', 'ray');
  return args;
}
