/**
 * genai-perf `profile_export_genai_perf.json` (triton-inference-server/perf_analyzer genai-perf, JsonExporter): metric
 * blocks `{unit, avg, p50, …}` — `time_to_first_token`, `inter_token_latency`, and the token counts
 * (`input_sequence_length`/`output_sequence_length`, older releases `num_input_token`/`num_output_token`; values may be
 * numeric strings and times in ns) — plus `input_config` with the CLI arguments (`model`, `concurrency`,
 * `synthetic_input_tokens_mean`, `output_tokens_mean`).
 */
import type { ImportedRuns } from '../serving/runs.js';
import { JsonRunReader, type RunContext } from './run-json.js';
import type { CatalogIds } from './silicon.js';

export function importGenaiPerfExport(text: string, file: string, context: RunContext, ids: CatalogIds): ImportedRuns {
  const r = new JsonRunReader(text, file);
  const run = r.finish({
    modelName: r.name(['input_config.model']), modelPath: 'input_config.model',
    concurrency: r.number(['input_config.concurrency'], 'whole'),
    inputTokens: r.number(['input_sequence_length.avg', 'num_input_token.avg', 'input_config.synthetic_input_tokens_mean'], 'positive'),
    outputTokens: r.number(['output_sequence_length.avg', 'num_output_token.avg', 'input_config.output_tokens_mean'], 'positive'),
    ttftSeconds: r.latencySeconds('time_to_first_token'),
    tpotSeconds: r.latencySeconds('inter_token_latency'),
  }, context, ids);
  return { format: 'genai-perf', runs: [run], skipped: [] };
}
