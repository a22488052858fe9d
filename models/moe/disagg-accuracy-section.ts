/**
 * The MoE disagg section of docs/accuracy.md: the DeepSeek xPyD runs benchmarked through their architecture's held-out
 * serving calibration and on the uncalibrated kernel-table model (stored in docs/accuracy-moe-rows.json by
 * bench/moe-accuracy.ts), with the signed TTFT error broken down by ISL, concurrency and the prefill side's layout,
 * read from the stored rows so the text cannot drift from them.
 */
import { renderGroupTable } from '../serving/accuracy-doc.js';
import { MEASURED_RUN_REQUESTS_PER_CLIENT } from '../serving/backend-policy.js';
import { groupErrors, overallErrors, type ErrorSummary, type HeldOutPrediction } from '../serving/holdout.js';
import type { StoredMoeAccuracy } from './accuracy-section.js';
import { asHeldOut, moeDisaggRunCommand, type MoeRowPrediction } from './serving-accuracy.js';
import { renderBuiltinDisagg } from './builtin-disagg-section.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%` : '—');
const verdict = (s: ErrorSummary, target: number) => (s.medianAbs <= target ? 'yes' : '**no**');

/** The MoE targets (median abs error), as the agg section's. */
const TARGETS = { ttft: 0.3, tpot: 0.2 } as const;

/** One slice of the runs for the TTFT breakdown. */
interface Slice {
  readonly label: string;
  readonly keep: (r: MoeRowPrediction) => boolean;
}

const SLICES: readonly { readonly by: string; readonly slices: readonly Slice[] }[] = [
  { by: 'ISL', slices: [{ label: '1024', keep: (r) => r.isl <= 1024 }, { label: '8192', keep: (r) => r.isl > 1024 }] },
  { by: 'concurrency', slices: [{ label: '1–32', keep: (r) => r.concurrency <= 32 }, { label: '33–256', keep: (r) => r.concurrency > 32 && r.concurrency <= 256 }, { label: '> 256', keep: (r) => r.concurrency > 256 }] },
  {
    by: 'prefill side',
    slices: [
      { label: 'attention data-parallel (ep > tp)', keep: (r) => (r.prefill?.ep ?? 1) > (r.prefill?.tp ?? 1) },
      { label: 'attention tensor-parallel', keep: (r) => (r.prefill?.ep ?? 1) <= (r.prefill?.tp ?? 1) },
    ],
  },
  { by: 'GPU', slices: [{ label: 'B200', keep: (r) => r.gpu === 'b200' }, { label: 'H100 (TP16 decode over two nodes)', keep: (r) => r.gpu === 'h100-sxm' }] },
];

/** The TTFT breakdown table: per slice, n, the calibrated median abs and signed median, the uncalibrated signed median. */
export function renderTtftBreakdown(rows: readonly MoeRowPrediction[]): string {
  const fitted = asHeldOut(rows);
  const plain = asHeldOut(rows, 'uncalibrated');
  let md = '| by | slice | runs | TTFT median abs | TTFT signed | uncalibrated TTFT signed |\n|---|---|---:|---:|---:|---:|\n';
  for (const { by, slices } of SLICES) {
    for (const s of slices) {
      const idx = rows.map((r, i) => (s.keep(r) ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) continue;
      const f = overallErrors(idx.map((i) => fitted[i]));
      const u = overallErrors(idx.map((i) => plain[i]));
      md += `| ${by} | ${s.label} | ${idx.length} | ${pct(f.ttft.medianAbs)} | ${signed(f.ttft.signedMedian)} | ${signed(u.ttft.signedMedian)} |\n`;
    }
  }
  return md + '\n';
}

const headline = (label: string, ps: readonly HeldOutPrediction[]) => {
  const o = overallErrors(ps);
  return `| ${label} | ${o.tpot.n} | ${pct(o.ttft.medianAbs)} | ${pct(o.ttft.p90Abs)} | ≤ ${pct(TARGETS.ttft)} | ${pct(o.tpot.medianAbs)} | ${pct(o.tpot.p90Abs)} | ≤ ${pct(TARGETS.tpot)} | TTFT ${verdict(o.ttft, TARGETS.ttft)}, TPOT ${verdict(o.tpot, TARGETS.tpot)} |\n`;
};

/** The row whose command the section prints (and test/data/accuracy-moe.test.ts runs through the CLI): small, so quick. */
export function moeDisaggExampleRow(rows: readonly MoeRowPrediction[]): MoeRowPrediction {
  return rows.find((r) => r.backend === 'trtllm' && r.gpu === 'b200' && r.precision === 'fp4' && r.concurrency <= 32) ?? rows[0];
}

export function renderMoeDisaggSection(stored: StoredMoeAccuracy): string {
  const rows = stored.disagg_rows;
  const fitted = asHeldOut(rows);
  const plain = asHeldOut(rows, 'uncalibrated');
  const example = moeDisaggExampleRow(rows);
  let md = '## MoE models, disagg mode (DeepSeek-V3/R1 xPyD), leave-one-model-out\n\n';
  md += `The disaggregated DeepSeek runs whose xPyD set the file states (${rows.length} runs), each benchmarked as \`fleetplan benchmark --mode disagg --prefill XxTP[epEP] --decode YxTP[epEP]\` does (runServingBenchmark: conserve on single-turn requests, the planner's default KV link), under the measured-run protocol of every other row (${MEASURED_RUN_REQUESTS_PER_CLIENT} requests per client, all measured, clients starting together), each side with the per-rank limits aiconfigurator's generator deploys it with, summed over its attention-data-parallel ranks (models/serving/benchmark-deployment.ts \`aiconfiguratorDisaggLimits\`, from rule_plugin/benchmark/{trtllm,sglang}.rule: a prefill worker takes the file's prefill batch size — 1 on every row — per rank and a token budget of ISL + 1500; a decode worker the file's decode batch size per rank). `;
  md += '**Calibrated**: each run goes through the held-out serving calibration of its architecture — the scope (backend × GPU × precision, else the nearest parent) fitted on every dense agg run and the agg runs of the other MoE architectures, the same fold that predicts DeepSeek-R1/V3\'s agg rows above; no disagg run is in any fit and DeepSeek is never in its own — exactly as `fleetplan benchmark --mode disagg --calibration FILE` applies a calibration to an MoE pool (the scope\'s coefficients on the MoE step terms of both sides, its per-request overhead on every TTFT). ';
  md += `Reproduce a row: \`${moeDisaggRunCommand(example, 'held-out-deepseek.json')}\` with a calibration file holding that fold's scopes (test/data/accuracy-moe.test.ts writes one and checks the CLI prints the stored figure). **Uncalibrated**: the kernel-table step model (what \`plan\`, \`predict\` and \`simulate\` use for MoE pools without \`--calibration\`). `;
  md += 'TTFT is what the measured proxies report: the first token reaches the client from the decoder, after the prefill, the KV transfer over the link model and the decoder taking the request into a batch at its next iteration boundary (planner/benchmark/disagg-ttft.ts). ';
  md += 'The file labels these runs DeepSeek-V3; their ids say `dsr1_…` and the same measurements appear again under DeepSeek-R1 without worker counts (counted below). Most DeepSeek-R1 disagg rows do not record how many prefill and decode workers ran, and an xPyD set without x and y cannot be simulated.\n\n';
  md += '| model | runs | TTFT median abs | TTFT p90 abs | TTFT target | TPOT median abs | TPOT p90 abs | TPOT target | met |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n';
  md += headline('held-out calibration (leave-one-model-out)', fitted);
  md += headline('uncalibrated kernel-table model', plain);
  md += '\nHeld-out calibration, per group:\n\n';
  md += renderGroupTable(groupErrors(fitted), TARGETS);
  md += 'Uncalibrated kernel-table model, per group:\n\n';
  md += renderGroupTable(groupErrors(plain));
  md += '\n' + renderBuiltinDisagg(rows, example);
  md += '\nWhere TTFT misses (signed = predicted / measured − 1, median over the slice):\n\n';
  md += renderTtftBreakdown(rows);
  md += whyDisaggMisses(rows, fitted, plain);
  md += 'Not scored (disagg runs of catalog MoE models, counted by reason):\n\n' + (stored.disagg_unexpressible.length === 0 ? '- none\n' : stored.disagg_unexpressible.map((u) => `- ${u.count}: ${u.reason}`).join('\n') + '\n') + '\n';
  return md;
}

const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
const runOf = (rows: readonly MoeRowPrediction[], keep: (r: MoeRowPrediction) => boolean) => rows.filter(keep).sort((a, b) => a.concurrency - b.concurrency);
const measuredVsPredicted = (rs: readonly MoeRowPrediction[]) => rs.map((r) => `c${r.concurrency}: ${ms(r.measured_ttft_ms)} measured, ${ms(r.predicted_ttft_ms)} predicted`).join('; ');
const linesMeasuredVsHeldOut = (rs: readonly MoeRowPrediction[]) => rs.map((r) => `line ${r.line}, c${r.concurrency}: ${ms(r.measured_ttft_ms)} measured, ${ms(r.predicted_ttft_ms)} held out`).join('; ');

/** Why the disagg rows miss, each figure read from the stored rows (history figures are the commits' own measurements). */
function whyDisaggMisses(rows: readonly MoeRowPrediction[], fitted: readonly HeldOutPrediction[], plain: readonly HeldOutPrediction[]): string {
  const groupSigned = (ps: readonly HeldOutPrediction[], gpu: string, precision: string, backend: string, metric: 'ttft' | 'tpot') => {
    const g = groupErrors(ps).find((x) => x.key.gpu === gpu && x.key.precision === precision && x.key.backend === backend);
    return g ? signed(g[metric].signedMedian) : '—';
  };
  const fp4Queue = runOf(rows, (r) => r.gpu === 'b200' && r.precision === 'fp4' && r.backend === 'trtllm' && r.isl === 1024 && r.prefill?.count === 1 && r.prefill.ep === 4 && (r.decode?.tp ?? 0) === 8 && r.concurrency >= 90);
  const wave = runOf(rows, (r) => r.concurrency >= 1000 && r.predicted_ttft_ms > 2 * r.measured_ttft_ms);
  return [
    'Why the disagg rows miss:\n',
    `- **The calibration moves TPOT away from the measurements on two groups.** The held-out scopes that predict DeepSeek's agg rows put its disagg decoders at ${groupSigned(fitted, 'b200', 'fp4', 'sglang', 'tpot')} signed on B200 fp4 SGLang (the \`sglang/b200/fp4\` scope, fitted on Qwen3.5-397B-A17B's fp4 agg runs; uncalibrated ${groupSigned(plain, 'b200', 'fp4', 'sglang', 'tpot')}) and ${groupSigned(fitted, 'b200', 'fp8', 'trtllm', 'tpot')} on B200 fp8 TensorRT-LLM (uncalibrated ${groupSigned(plain, 'b200', 'fp8', 'trtllm', 'tpot')}): those decoders run 16–512 sequences per attention rank at 1–9K tokens of context, outside what the agg runs the scopes were fitted on cover. The scopes are the agg fit's; nothing here is refitted toward a disagg row.`,
    '- **How the runs were deployed and measured.** aiconfigurator\'s generator deploys a disagg benchmark\'s prefill workers with `max_batch_size` = the prefill batch size the file records (1 on every row) and `max_num_tokens` / `max_prefill_tokens` = ISL + 1500, its decode workers with the recorded decode batch, and aiperf measures after a warm-up, clients starting together (the convention every other row is benchmarked under). Before, these rows ran the engines\' defaults in a steady-state run: held-out calibration TTFT 69.1%, TPOT 22.9% median abs; uncalibrated 60.1% / 13.1%. The measured-run protocol alone moved them to 54.6% / 23.7% and 32.4% / 11.1%; the deployment\'s limits on top to the figures above (the decode limits alone change nothing: no decoder queues at its batch). One prompt per prefill rank spreads a synchronized wave over one iteration per prompt, after which the clients stay apart; it improves both calibrated figures and uncalibrated TPOT but raises uncalibrated TTFT from 32.4%, and it is kept because it is what these deployments ran.',
    `- **Near a single prefiller's saturation, TTFT carries the prompt-time error many times over.** B200 fp4 TensorRT-LLM with one TP1 × EP4 prefiller and 5–6 TP8 decoders at ISL 1024 (${measuredVsPredicted(fp4Queue)}): the measured TTFT grows 5× from c90 to c180 while the decoders' TPOT stays at 10–14 ms, the shape of a prefiller approaching saturation; the step model prefills four 1,024-token prompts in about 100 ms uncalibrated (40 prompts/s, against the ~15 prompts/s these clients ask at c180; about 80 ms before NVFP4 experts were priced from B200's bf16 fit × its dense NVFP4 : bf16 ratio, agg section), so it queues only the first wave. The agg section still finds the same prompts too fast at low load (a per-request cost the fold cannot transfer); a queue near saturation multiplies that error.`,
    `- **The first wave of a very large closed loop.** ${wave.length > 0 ? measuredVsPredicted(wave) : 'no run'} (B200 TensorRT-LLM, ISL 1024, the runs above 1,000 clients predicted more than 2× too slow): a synchronized wave of that many prompts through one prompt per prefill rank takes hundreds of iterations in the benchmark, where the measured runs did not queue like that (the c4096 runs, with a decoder batch of 512 per rank, land within about 20%); the warm-up (2 requests per client) evidently leaves these clients apart, which the protocol does not model.`,
    `- **H100 (${groupSigned(fitted, 'h100-sxm', 'fp8', 'trtllm', 'ttft')} TTFT, ${groupSigned(fitted, 'h100-sxm', 'fp8', 'trtllm', 'tpot')} TPOT signed):** the runs measure 5–14 s TTFT at concurrency 6–60 with 14–30 ms TPOT, which no queue of the stated sets explains (a one-request prompt takes well under a second); no documented setting of these deployments accounts for it. Their decoders are attention TP16 × EP16 over two 8-GPU nodes, and what crossing the nodes costs a decode step **explains little of the TPOT miss**. A TP group spanning nodes runs its all-reduces through NCCL (TensorRT-LLM's custom all-reduce is single-node: \"Found inter-node TP group\" → NCCL), whose own latency model (src/graph/tuning.cc) prices a small all-reduce over 2 nodes of 8 at 25.2 µs (tree, 2 network hops of 5 µs) against 15.2 µs in one node (the staged 8-GPU table measured 15.5 µs): the step model now charges those hops at face value (models/roofline.ts \`allReduceLatencyAt\`; before, the TP16 all-reduce was priced at the 8-GPU floor, inside the per-layer term the dense decode fit sets), 64 all-reduces × 10 µs = 0.64 ms a step, which moved this group's TPOT from −52% to the figure above (uncalibrated −46% → −42%; no other row spans nodes, every other figure is unchanged). At batch 2–3 per decoder the step is 7.3–8.1 ms held out (8.2–9.2 ms uncalibrated) where 14.0–15.9 ms was measured, about 100 µs per layer missing; and the miss grows with the batch (measured 0.9 ms per added sequence from batch 2 to 20, predicted 0.37 ms), which no per-step communication latency does. Under tensor-parallel attention TensorRT-LLM on Hopper reduces the MoE output by a second all-reduce instead of dispatching by all-to-all (aiconfigurator's MoEDispatch prices an all-reduce before and after the experts; the all-to-all only under attention DP; fleetplan still prices dispatch and combine, 116 × ~8 µs = 0.94 ms a step): 122 all-reduces at NCCL's 25.5 µs would be 3.1 ms a step at face value, at most 1.5 ms more than charged now, leaving the step about 30% short. Priced that way on every layout with tensor-parallel attention (run once for sensitivity, not adopted: the MoE output summed by the TP all-reduce, no all-to-all), this group moved to −45% / −44% TPOT (held out / uncalibrated) while every other figure got worse — agg TTFT 38.4% → 39.3%, TPOT 12.7% → 13.7%; these disagg rows 50.8% / 20.1% → 54.8% / 22.6% held out, uncalibrated TPOT 8.9% → 16.0% — because in one node the dense decode fit carries the all-reduce latency inside its per-layer term (its all-reduce multiplier is 0), so the MoE layer's communication went from two all-to-alls at face value to nearly free; which share of an MoE layer's communication the per-layer term fitted on dense models already holds is the open question. aiconfigurator's own rule for a group beyond a node (the 8-GPU latency × (n−1)/n · 8/7 · intra/inter bandwidth, 9.6× on H100) would put each at about 150 µs and the all-reduces alone at 18 ms, more than the measured step: it scales a latency-bound message by a bandwidth ratio, not a mechanism to adopt.`,
    `- **SGLang TTFT** is predicted too fast on both precisions (${groupSigned(fitted, 'b200', 'fp4', 'sglang', 'ttft')} fp4, ${groupSigned(fitted, 'b200', 'fp8', 'sglang', 'ttft')} fp8 signed), and **SGLang's bootstrap queue is not why: modelled, tried, not adopted (every figure unchanged).** SGLang's prefill server keeps a request in its bootstrap queue until the decode server has pre-allocated it (python/sglang/srt/disaggregation/prefill.py PrefillBootstrapQueue.pop_bootstrapped), and the decode server pre-allocates first come, first served while it has a request row free — DecodeReqToTokenPool holds max_running_requests + disaggregation_decode_extra_slots rows per attention-data-parallel rank, the extra slots defaulting to twice the rank's max_running_requests when that is ≤ 32, else none — and KV room for the prompt plus 512 reserved tokens (decode.py DecodePreallocQueue.pop_preallocated). The KV half is what conserve already does: a request is given its decoder at arrival, which reserves its ISL + OSL, and its prompt enters a prefiller's queue only then (planner/kernel/policies/admit.ts). The request-row half was added as an explicit kernel option that \`benchmark --backend sglang --mode disagg\` turned on (KernelOptions.decoderSlots: a conversation also takes one of its decoder's rows at arrival and waits before its prefill while none is free; commit 626af7d, reverted by the next). One run of \`npx tsx bench/moe-accuracy.ts\` and one \`npm run accuracy -- --rerender\`: docs/accuracy-moe-rows.json and the dense disagg rows came out byte-identical — held-out calibration TTFT 47.4%, TPOT 23.3%; uncalibrated 60.5% / 11.0%; B200 fp4 SGLang TTFT −18%, fp8 −25% signed before and after. It cannot bind here: each run's concurrency is the decode batch × attention DP × decoders (the rows' own rule), conserve spreads the equal reservations evenly, so each decoder holds at most its max_running_requests — its rows, before any extra — and at most 72% of its KV (line 134, c2048: 1,024 requests × 9,216 tokens = 9.4M of 13.1M tokens per decoder, uncalibrated); no prompt waits for a decoder in the kernel, and by the same count none would wait in SGLang's bootstrap queue for lack of a row or KV (with DP attention SGLang counts both per rank, which these counts do not check). What holds these prompts back is not found; the largest misses are the ISL-1024 fp4 runs with one TP1 × EP4 prefiller at c512 (${linesMeasuredVsHeldOut(runOf(rows, (r) => r.backend === 'sglang' && r.precision === 'fp4' && r.isl === 1024))}) and the fp8 runs with one TP1 × EP8 or TP8 × EP8 decoder at c32–c256 (${linesMeasuredVsHeldOut(runOf(rows, (r) => r.backend === 'sglang' && r.precision === 'fp8' && r.isl === 8192 && r.decode?.count === 1 && r.concurrency >= 32))}).`,
  ].join('\n') + '\n\n';
}
