/**
 * Splitwise `perf_model.csv` (github.com/Mutinifni/splitwise-sim, MIT): prompt/token phase latencies of Llama2-70B and
 * BLOOM-176B on DGX-A100 / DGX-H100. Times are ms; repeated configurations are merged by their median (as SplitwiseSim
 * does); `e2e_time` and the power columns are ignored (SOURCE.md: e2e disagrees with the phases, power is 0 on H100).
 */
import { inputError } from '../../catalogs/issues.js';
import { medianOf, type ExcludedRows, type ImportedProfile, type ProfileRow } from '../profile.js';
import { parseCsvTable, readPositive, requireColumns } from './csv.js';

/** Splitwise hardware names → catalog GPU ids and the per-GPU cap the `-pcap` SKU implies. */
const HARDWARE: Readonly<Record<string, { gpu: string; powerCapWatts?: number }>> = {
  'a100-80gb': { gpu: 'a100-80gb-sxm' },
  'h100-80gb': { gpu: 'h100-sxm' },
  // DGX-H100 power-capped SKU: node TDP 7,140 W instead of 10,200 W (70%), read here as a 0.7 × 700 W GPU cap.
  'h100-80gb-pcap': { gpu: 'h100-sxm', powerCapWatts: 490 },
};
const MODELS: Readonly<Record<string, string>> = { 'llama2-70b': 'llama-2-70b', 'bloom-176b': 'bloom-176b' };

const COLUMNS = ['model', 'hardware', 'prompt_size', 'batch_size', 'token_size', 'prompt_time', 'token_time', 'tensor_parallel'];

/** Parses perf_model.csv text into prefill and decode rows (seconds), one per distinct configuration. */
export function importSplitwise(text: string, file = 'perf_model.csv'): ImportedProfile {
  const table = parseCsvTable(text, file);
  requireColumns(table, COLUMNS, file);
  interface Group { model: string; hardware: string; tp: number; prompt: number; batch: number; tokens: number; line: number; prompt_s: number[]; token_s: number[] }
  const groups = new Map<string, Group>();
  for (const { line, cells } of table.records) {
    const hardware = cells.hardware;
    if (!(hardware in HARDWARE)) throw inputError('invalid_value', file, 'hardware', `found ${JSON.stringify(hardware)}, expected one of ${Object.keys(HARDWARE).join(', ')}`, line);
    const model = cells.model;
    const tp = readPositive(cells, 'tensor_parallel', file, line);
    const prompt = readPositive(cells, 'prompt_size', file, line);
    const batch = readPositive(cells, 'batch_size', file, line);
    const tokens = readPositive(cells, 'token_size', file, line);
    const key = [model, hardware, tp, prompt, batch, tokens].join('|');
    const g = groups.get(key) ?? { model, hardware, tp, prompt, batch, tokens, line, prompt_s: [], token_s: [] };
    g.prompt_s.push(readPositive(cells, 'prompt_time', file, line) / 1000);
    g.token_s.push(readPositive(cells, 'token_time', file, line) / 1000);
    groups.set(key, g);
  }
  const merged = [...groups.values()].map((g) => ({ ...g, prefill: medianOf(g.prompt_s), decode: medianOf(g.token_s) }));
  // A configuration whose prefill got faster when the batch doubled did not run as recorded (the TP-2 batch-64
  // runs take 1/8 of the batch-32 time): set aside, counted, not fitted.
  const bad = new Set<(typeof merged)[number]>();
  for (const m of merged) {
    const half = merged.find((o) => o.model === m.model && o.hardware === m.hardware && o.tp === m.tp && o.prompt === m.prompt && o.tokens === m.tokens && o.batch * 2 === m.batch);
    if (half && m.prefill < half.prefill) bad.add(m);
  }
  const rows: ProfileRow[] = [];
  for (const m of merged) {
    if (bad.has(m)) continue;
    const { gpu, powerCapWatts } = HARDWARE[m.hardware];
    const llm = MODELS[m.model] ?? m.model;
    const common = { gpu, llm, tp: m.tp, batch: m.batch, repeats: m.prompt_s.length, line: m.line, ...(powerCapWatts !== undefined ? { powerCapWatts } : {}) };
    rows.push({ ...common, phase: 'prefill', inputTokens: m.prompt, contextTokens: 0, latencySeconds: m.prefill });
    // token_time is the mean TBT over the decode, whose context grows from prompt to prompt + tokens.
    rows.push({ ...common, phase: 'decode', inputTokens: 0, contextTokens: m.prompt + m.tokens / 2, latencySeconds: m.decode });
  }
  const excluded: ExcludedRows[] = bad.size === 0 ? [] : [{
    count: [...bad].reduce((s, b) => s + b.prompt_s.length, 0),
    reason: 'prefill time fell when the batch doubled (run did not complete as recorded)',
    lines: [...bad].map((b) => b.line),
  }];
  return { format: 'splitwise', rows, excluded, notes: [`${table.records.length} raw rows merged into ${merged.length} configurations by median`] };
}
