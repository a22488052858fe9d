/**
 * ML.ENERGY leaderboard runs (`llm_runs_flat.csv`, Apache-2.0 data): one steady-state vLLM run per row. Power is
 * summed over `num_gpus` GPUs (kept as instance watts and also given per GPU); ITL converted from ms to seconds.
 */
import { parseCsvTable, readNumber, readPositive, requireColumns } from './csv.js';

export interface MlEnergyRun {
  readonly task: string;
  readonly modelId: string;
  readonly architecture: string;
  readonly totalParameters: number;
  readonly activeParameters: number;
  readonly weightPrecision: string;
  readonly gpuModel: string;
  readonly gpus: number;
  readonly tp: number;
  readonly maxBatch: number;
  readonly meanBatch: number;
  readonly meanOutputTokens: number;
  readonly outputTokensPerSecond: number;
  readonly totalPowerWatts: number;
  readonly perGpuPowerWatts: number;
  readonly energyPerTokenJoules: number;
  readonly medianItlSeconds: number;
  readonly line: number;
}

const COLUMNS = ['task', 'model_id', 'architecture', 'total_params_billions', 'activated_params_billions', 'weight_precision', 'gpu_model', 'num_gpus', 'tensor_parallel', 'max_num_seqs', 'avg_batch_size', 'avg_output_len', 'output_throughput_tokens_per_sec', 'avg_power_watts', 'energy_per_token_joules', 'median_itl_ms'];

/** Parses the flattened runs CSV. */
export function importMlEnergy(text: string, file = 'llm_runs_flat.csv'): MlEnergyRun[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, COLUMNS, file);
  return t.records.map(({ line, cells }) => {
    const gpus = readPositive(cells, 'num_gpus', file, line);
    const totalPowerWatts = readPositive(cells, 'avg_power_watts', file, line);
    return {
      task: cells.task,
      modelId: cells.model_id,
      architecture: cells.architecture,
      totalParameters: readPositive(cells, 'total_params_billions', file, line) * 1e9,
      activeParameters: readPositive(cells, 'activated_params_billions', file, line) * 1e9,
      weightPrecision: cells.weight_precision,
      gpuModel: cells.gpu_model,
      gpus,
      tp: readPositive(cells, 'tensor_parallel', file, line),
      maxBatch: readPositive(cells, 'max_num_seqs', file, line),
      meanBatch: readPositive(cells, 'avg_batch_size', file, line),
      meanOutputTokens: readNumber(cells, 'avg_output_len', file, line),
      outputTokensPerSecond: readPositive(cells, 'output_throughput_tokens_per_sec', file, line),
      totalPowerWatts,
      perGpuPowerWatts: totalPowerWatts / gpus,
      energyPerTokenJoules: readPositive(cells, 'energy_per_token_joules', file, line),
      medianItlSeconds: readPositive(cells, 'median_itl_ms', file, line) / 1000,
      line,
    };
  });
}
