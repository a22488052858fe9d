/**
 * The dense disagg rows of the staged silicon CSV as `benchmark --mode disagg` operating points, and the concurrency
 * rule the rows without `c{N}` in their id are read with (decode_batch_size × decode attention DP × decode workers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { parseCsvTable } from '../../../models/importers/csv.js';
import { denseSiliconDisaggRuns } from '../../../models/serving/disagg-rows.js';
import { concurrencyFromColumns, concurrencyFromId } from '../../../models/serving/silicon-run-record.js';
import { sharedData } from '../../helpers/paths.js';

const FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';
const text = readFileSync(join(sharedData, FILE), 'utf8');
const catalog = loadBuiltinCatalog();

describe('dense disagg silicon rows', () => {
  it('the concurrency rule holds on every disagg row that states both the id\'s c{N} and the decode columns', () => {
    const both = parseCsvTable(text, FILE).records.map((r) => r.cells).filter((r) => r.mode === 'disagg' && Number.isFinite(concurrencyFromId(r.id)) && Number.isFinite(concurrencyFromColumns(r)));
    expect(both.length).toBeGreaterThanOrEqual(60);
    for (const r of both) expect(concurrencyFromColumns(r)).toBe(concurrencyFromId(r.id));
  });

  it('reads the six dense xPyD runs with their sets, concurrency from the id or the columns', () => {
    const { runs, unexpressible } = denseSiliconDisaggRuns(text, FILE, catalog.gpus, catalog.llms);
    expect(unexpressible.size).toBe(0);
    expect(runs.map((r) => [r.run.backend, r.run.gpu, r.run.llm, r.run.precision, `${r.prefill.count}x${r.prefill.tp}`, `${r.decode.count}x${r.decode.tp}`, r.run.concurrency])).toEqual([
      ['trtllm', 'b200', 'qwen3-32b', 'fp4', '40x1', '6x4', 480],
      ['sglang', 'h100-sxm', 'qwen3-32b', 'fp8', '5x1', '11x1', 528],
      ['sglang', 'h100-sxm', 'qwen3-32b', 'fp8', '8x1', '2x4', 512],
      ['sglang', 'h100-sxm', 'qwen3-32b', 'fp8', '8x1', '1x8', 424],
      ['sglang', 'h100-sxm', 'qwen3-32b', 'fp8', '6x1', '5x2', 640],
      ['vllm', 'h100-sxm', 'qwen3-32b', 'fp8', '8x1', '2x4', 448],
    ]);
    expect(runs.every((r) => r.run.mode === 'disagg' && r.run.tp === r.decode.tp)).toBe(true);
  });

  it('counts a row without worker counts, or whose id and columns disagree, by reason', () => {
    const header = 'id,backend,model_path,system,precision,mode,isl,osl,gemm_quant_mode,prefill_num_workers,prefill_tp_size,decode_batch_size,decode_num_workers,decode_tp_size,silicon_ttft_ms,silicon_tpot_ms';
    const csv = [header,
      'q_disagg_1000x100_c64_x,vllm,Qwen/Qwen3-32B,h100_sxm,fp8,disagg,1000,100,fp8,,1,8,,2,100,10',
      'q_disagg_1000x100_c64_y,vllm,Qwen/Qwen3-32B,h100_sxm,fp8,disagg,1000,100,fp8,1,1,8,2,2,100,10',
      'q_disagg_1000x100_z,vllm,Qwen/Qwen3-32B,h100_sxm,fp8,disagg,1000,100,fp8,1,1,8,2,2,100,10',
    ].join('\n');
    const { runs, unexpressible } = denseSiliconDisaggRuns(csv, 'x.csv', catalog.gpus, catalog.llms);
    expect(runs.map((r) => r.run.concurrency)).toEqual([16]);
    expect(Object.fromEntries(unexpressible)).toEqual({
      'prefill/decode worker counts (the x and y of xPyD) not recorded': 1,
      'the id\'s concurrency and decode_batch_size × attention DP × decode workers disagree': 1,
    });
  });
});
