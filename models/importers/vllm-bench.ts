/**
 * vLLM `vllm bench serve --save-result` (formerly benchmarks/benchmark_serving.py) result JSON: one run, with
 * `model_id`, `max_concurrency` (closed loop; null when the run was open-loop only), `completed`,
 * `total_input_tokens`, `total_output_tokens`, and latency summaries `mean_ttft_ms`, `mean_tpot_ms`. The file does
 * not say which GPU, TP or engine served it: those come from the command line (`RunContext`).
 */
import type { ImportedRuns } from '../serving/runs.js';
import { JsonRunReader, type RunContext } from './run-json.js';
import type { CatalogIds } from './silicon.js';

export function importVllmBenchResult(text: string, file: string, context: RunContext, ids: CatalogIds): ImportedRuns {
  const r = new JsonRunReader(text, file);
  const completed = r.number(['completed'], 'whole');
  const totalIn = r.number(['total_input_tokens'], 'whole');
  const totalOut = r.number(['total_output_tokens'], 'whole');
  const maxConcurrency = r.get('max_concurrency');
  const concurrency = maxConcurrency === null || maxConcurrency === undefined
    ? r.problem('max_concurrency', `found ${maxConcurrency === null ? 'null' : 'nothing'}, expected a closed-loop run's concurrency (run vllm bench serve with --max-concurrency N)`)
    : r.number(['max_concurrency'], 'whole');
  const run = r.finish({
    modelName: r.name(['model_id']), modelPath: 'model_id', concurrency,
    inputTokens: completed !== undefined && totalIn !== undefined ? totalIn / completed : undefined,
    outputTokens: completed !== undefined && totalOut !== undefined ? totalOut / completed : undefined,
    ttftSeconds: seconds(r.number(['mean_ttft_ms'], 'positive')),
    tpotSeconds: seconds(r.number(['mean_tpot_ms'], 'positive')),
  }, context, ids);
  return { format: 'vllm-bench', runs: [run], skipped: [] };
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
