/**
 * How the staged silicon runs' engines were deployed, where that differs from the engine's own defaults: the engine
 * limits NVIDIA's aiconfigurator generator writes for the aggregated benchmark deployments it runs (the silicon CSV is
 * aiconfigurator's own measurement set, and its runs are named by its own parameters: `batch_size` is the worker's
 * max batch size the generator's benchmark sweeps concurrency around).
 *
 * Source: github.com/ai-dynamo/aiconfigurator, src/aiconfigurator/generator/rule_plugin/benchmark/{vllm,trtllm}.rule:
 * `agg max_num_tokens = max_batch_size + SlaConfig.isl + 1500` (vLLM's `--max-num-batched-tokens`, TensorRT-LLM's
 * `max_num_tokens`: the templates backend_templates/vllm/cli_args.j2 and trtllm/extra_engine_args.<version>.yaml.j2
 * pass them), `max_batch_size` the run's batch size (vLLM `--max-num-seqs`, TensorRT-LLM `max_batch_size`), and the
 * benchmark (backend_templates/benchmark/bench_run.sh.j2) runs aiperf at `--concurrency` of that batch size.
 *
 * Why it matters for TTFT: a budget of one prompt plus headroom (rather than the engine default 8192) lets a
 * synchronized first wave of C prompts into the engine one or two per iteration, so they finish prefill, decode and
 * their whole request at different iterations; in a closed loop each client's next request then arrives on its own
 * and is prefilled nearly alone. Under the default budget the same wave is prefilled in one or two big iterations and
 * the clients stay in lockstep, every request of every round waiting for the whole wave's prefill
 * (test/unit/benchmark/benchmark-deployment.test.ts reproduces both on a small case).
 *
 * SGLang (rule_plugin/benchmark/sglang.rule, lines 2–6 at ai-dynamo/aiconfigurator 043c66c: `agg_decode max_batch_size
 * = (max_batch_size if max_batch_size else 128)`, `agg_prefill_decode max_prefill_tokens = SlaConfig.isl + 1500`,
 * `agg enable_mixed_chunk = true`; backend_config_mapping.yaml maps max_batch_size to `--max-running-requests` and the
 * template backend_templates/sglang/cli_args.0.5.6.post2.j2 passes `--max-prefill-tokens`, `--enable-mixed-chunk`,
 * `--max-running-requests`; `chunked_prefill_size` is not set, so the engine default stays): the running requests
 * are capped at the run's batch size, and with mixed chunk a prefill batch rides the running decoders' iteration
 * (scheduler.py get_new_batch_prefill: `new_batch.mix_with_running(self.running_batch)`) instead of pausing them; the
 * PrefillAdder then admits prompt tokens up to max_prefill_tokens − running decoders and chunks at
 * chunked_prefill_size − running decoders (schedule_policy.py `mixed_with_decode_tokens`), so one iteration carries
 * at most min(ISL + 1500, chunked_prefill_size) tokens, decoders included. The rule's `cuda_graph_batch_sizes`
 * (1…batch) only pads decode graphs, which the step model does not price. The generator's KV fraction (TensorRT-LLM
 * free_gpu_memory_fraction 0.80 in its templates, against the engine's 0.9) is not applied: the KV pool stays the
 * backend policy's.
 */
import { BACKEND_POLICIES, backendScheduling } from './backend-policy.js';
import type { Backend, MeasuredRun } from './runs.js';

/** Tokens of headroom above one prompt and one decode token per sequence that the generator's rule adds. */
export const AICONFIGURATOR_TOKEN_HEADROOM = 1500;

/** Backends whose aggregated benchmark deployments the rule above describes. */
export const AICONFIGURATOR_DEPLOYED_BACKENDS: readonly Backend[] = ['vllm', 'trtllm', 'sglang'];

export interface DeploymentLimits {
  /** Sequences one iteration may hold (`max_batch_size` / `--max-num-seqs`). */
  readonly maxNumSeqs: number;
  /** Tokens one iteration may carry (`max_num_tokens` / `--max-num-batched-tokens`). */
  readonly maxNumBatchedTokens: number;
}

/** The engine limits aiconfigurator's generator deploys a measured aggregated run of its own with; undefined (another source): the engine's defaults apply. */
export function aiconfiguratorDeploymentLimits(run: Pick<MeasuredRun, 'backend' | 'concurrency' | 'inputTokens' | 'deployment'>): DeploymentLimits | undefined {
  if (run.deployment !== 'aiconfigurator' || !AICONFIGURATOR_DEPLOYED_BACKENDS.includes(run.backend)) return undefined;
  if (run.backend === 'sglang') {
    // max_prefill_tokens and chunked_prefill_size both count the mixed-in decoders: the step carries at most the smaller.
    return { maxNumSeqs: run.concurrency, maxNumBatchedTokens: Math.min(run.inputTokens + AICONFIGURATOR_TOKEN_HEADROOM, BACKEND_POLICIES.sglang.stepTokenBudget) };
  }
  return { maxNumSeqs: run.concurrency, maxNumBatchedTokens: run.concurrency + run.inputTokens + AICONFIGURATOR_TOKEN_HEADROOM };
}

/** Whether the run's deployment is SGLang with `--enable-mixed-chunk` (aiconfigurator's agg rule, above): prompts ride decode iterations. */
export function aiconfiguratorMixedChunk(run: Pick<MeasuredRun, 'backend' | 'deployment'>): boolean {
  return run.deployment === 'aiconfigurator' && run.backend === 'sglang';
}

/** The kernel scheduling a measured aggregated run was deployed with: the backend's defaults (backendScheduling), less SGLang's prefill-first pause under aiconfigurator's mixed-chunk rule. */
export function deployedScheduling(run: Pick<MeasuredRun, 'backend' | 'deployment'>): ReturnType<typeof backendScheduling> {
  const scheduling = backendScheduling(run.backend);
  if (!aiconfiguratorMixedChunk(run)) return scheduling;
  const { prefillPausesDecode: _paused, ...mixed } = scheduling;
  return mixed;
}

/** Backends whose disaggregated benchmark deployments the generator's rules below describe. */
export const AICONFIGURATOR_DISAGG_DEPLOYED_BACKENDS: readonly Backend[] = ['trtllm', 'sglang'];

/**
 * The per-rank engine limits aiconfigurator's generator deploys one side of a disaggregated (xPyD) benchmark with,
 * from its rule_plugin/benchmark/{trtllm,sglang}.rule: the prefill worker's `max_batch_size` is the run's prefill batch
 * size (1 when unset; the silicon file records 1 on every disagg row) — TensorRT-LLM's `build_config.max_batch_size`,
 * SGLang's `--max-running-requests` (config/backend_config_mapping.yaml) — and its token budget one prompt plus
 * headroom (TensorRT-LLM `prefill max_num_tokens = isl + 1500`, SGLang `max_prefill_tokens = isl + 1500`); the decode
 * worker's `max_batch_size` is the run's decode batch size and TensorRT-LLM's `decode max_num_tokens = max_batch_size`
 * (a decode step carries one token per sequence; SGLang's decode budget is again isl + 1500). A batch size is one
 * attention-data-parallel rank's (decode_batch_size × attention DP × workers = the id's concurrency on every disagg row
 * that states both, silicon-run-record.ts). Undefined (another source or backend, or no batch size): the engine's
 * defaults apply.
 *
 * Why it matters for TTFT: with one prompt per rank per prefill iteration, the prompts a closed loop sends together
 * (its first wave, and every wave fixed lengths keep together) queue on the prefiller one iteration each, rather than
 * sharing one or two big iterations.
 */
export function aiconfiguratorDisaggLimits(run: Pick<MeasuredRun, 'backend' | 'inputTokens' | 'deployment'>, side: 'prefill' | 'decode', batchPerRank: number | undefined): DeploymentLimits | undefined {
  if (run.deployment !== 'aiconfigurator' || !AICONFIGURATOR_DISAGG_DEPLOYED_BACKENDS.includes(run.backend)) return undefined;
  const promptBudget = run.inputTokens + AICONFIGURATOR_TOKEN_HEADROOM;
  if (side === 'prefill') return { maxNumSeqs: batchPerRank ?? 1, maxNumBatchedTokens: promptBudget };
  if (batchPerRank === undefined || !(batchPerRank >= 1)) return undefined;
  return { maxNumSeqs: batchPerRank, maxNumBatchedTokens: run.backend === 'trtllm' ? batchPerRank : promptBudget };
}
