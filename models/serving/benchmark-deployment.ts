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
 * SGLang is not covered: its aggregated rule sets `max_prefill_tokens = isl + 1500` and `enable_mixed_chunk = true`,
 * a mixed prefill/decode scheduler the SGLang policy here (prefill pauses decode, backend-policy.ts) does not model;
 * its staged runs keep the engine defaults. Applying that rule (max_running_requests = batch, mixed chunk, a step of
 * min(ISL + 1500, 8192) tokens) was tried once and not adopted (commit aba4cc5, reverted; docs/accuracy.md "aiconfigurator's
 * own SGLang deployment"): the dense SGLang runs' TTFT is a whole wave's prefill, as prefill-first keeps it. The generator's KV fraction (TensorRT-LLM free_gpu_memory_fraction 0.80
 * in its templates, against the engine's 0.9) is not applied either: the KV pool stays the backend policy's.
 */
import type { Backend, MeasuredRun } from './runs.js';

/** Tokens of headroom above one prompt and one decode token per sequence that the generator's rule adds. */
export const AICONFIGURATOR_TOKEN_HEADROOM = 1500;

/** Backends whose aggregated benchmark deployments the rule above describes. */
export const AICONFIGURATOR_DEPLOYED_BACKENDS: readonly Backend[] = ['vllm', 'trtllm'];

export interface DeploymentLimits {
  /** Sequences one iteration may hold (`max_batch_size` / `--max-num-seqs`). */
  readonly maxNumSeqs: number;
  /** Tokens one iteration may carry (`max_num_tokens` / `--max-num-batched-tokens`). */
  readonly maxNumBatchedTokens: number;
}

/** The engine limits aiconfigurator's generator deploys a measured aggregated run of its own with; undefined (another source, or SGLang): the engine's defaults apply. */
export function aiconfiguratorDeploymentLimits(run: Pick<MeasuredRun, 'backend' | 'concurrency' | 'inputTokens' | 'deployment'>): DeploymentLimits | undefined {
  if (run.deployment !== 'aiconfigurator' || !AICONFIGURATOR_DEPLOYED_BACKENDS.includes(run.backend)) return undefined;
  return { maxNumSeqs: run.concurrency, maxNumBatchedTokens: run.concurrency + run.inputTokens + AICONFIGURATOR_TOKEN_HEADROOM };
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
