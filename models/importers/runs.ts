/** Measured serving-run formats `fleetplan calibrate` reads, each text → MeasuredRuns (models/serving/runs.ts). */
import { inputError } from '../../catalogs/issues.js';
import { RUN_FORMATS, type ImportedRuns, type RunFormat } from '../serving/runs.js';
import { importAiperfExport } from './aiperf.js';
import { importGenaiPerfExport } from './genai-perf.js';
import type { RunContext } from './run-json.js';
import { importSiliconRuns, type CatalogIds } from './silicon.js';
import { importVllmBenchResult } from './vllm-bench.js';

/** Guesses the format from the content: a CSV header with silicon columns, or the JSON's characteristic keys. */
export function detectRunFormat(text: string): RunFormat | undefined {
  const head = text.trimStart();
  if (!head.startsWith('{')) return /silicon_ttft_ms/.test(head.split(/\r?\n/, 1)[0] ?? '') ? 'aiconfigurator' : undefined;
  if (/"mean_ttft_ms"\s*:/.test(text)) return 'vllm-bench';
  if (/"aiperf_version"\s*:|"model_names"\s*:/.test(text)) return 'aiperf';
  if (/"time_to_first_token"\s*:/.test(text)) return 'genai-perf';
  return undefined;
}

export function importRunsText(text: string, file: string, format: string | undefined, context: RunContext, ids: CatalogIds): ImportedRuns {
  const f = format ?? detectRunFormat(text);
  if (f === undefined) throw inputError('usage', file, '--format', `found a file of unknown shape, expected one of ${RUN_FORMATS.join(', ')} (say which with --format)`);
  switch (f) {
    case 'aiconfigurator': return importSiliconRuns(text, file, ids);
    case 'vllm-bench': return importVllmBenchResult(text, file, context, ids);
    case 'aiperf': return importAiperfExport(text, file, context, ids);
    case 'genai-perf': return importGenaiPerfExport(text, file, context, ids);
    default: throw inputError('usage', file, '--format', `found ${JSON.stringify(f)}, expected one of ${RUN_FORMATS.join(', ')}`);
  }
}
