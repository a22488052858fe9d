/**
 * aiperf `profile_export_aiperf.json` (docs.nvidia.com/aiperf, "profile_export_aiperf.json Schema"): top-level metric
 * blocks `{unit, avg, p50, …}` — `time_to_first_token`, `inter_token_latency` (aiperf's ITL is (latency − TTFT) /
 * (output tokens − 1), i.e. TPOT), `input_sequence_length`, `output_sequence_length` — and `input_config`, the resolved
 * user config (`endpoint.model_names`, `loadgen.concurrency`, `input.prompt.{input,output}_tokens.mean`).
 */
import type { ImportedRuns } from '../serving/runs.js';
import { JsonRunReader, type RunContext } from './run-json.js';
import type { CatalogIds } from './silicon.js';

export function importAiperfExport(text: string, file: string, context: RunContext, ids: CatalogIds): ImportedRuns {
  const r = new JsonRunReader(text, file);
  const run = r.finish({
    modelName: r.name(['input_config.endpoint.model_names']), modelPath: 'input_config.endpoint.model_names',
    concurrency: r.number(['input_config.loadgen.concurrency'], 'whole'),
    inputTokens: r.number(['input_sequence_length.avg', 'input_config.input.prompt.input_tokens.mean'], 'positive'),
    outputTokens: r.number(['output_sequence_length.avg', 'input_config.input.prompt.output_tokens.mean'], 'positive'),
    ttftSeconds: r.latencySeconds('time_to_first_token'),
    tpotSeconds: r.latencySeconds('inter_token_latency'),
  }, context, ids);
  return { format: 'aiperf', runs: [run], skipped: [] };
}
