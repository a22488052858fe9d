/**
 * The "Which runs miss the TTFT targets, and why (computed)" section of docs/accuracy.md: renders the attribution of
 * ttft-miss-attribution.ts for each protocol. Mechanisms cite the bullets of "Why the misses miss" that measured them
 * by their bold titles, resolved against the bullets the doc renders: a title that changes or disappears throws, so
 * the doc cannot cite a bullet it no longer has. Pure.
 */
import { pct, signed } from './doc-format.js';
import type { FittedScope } from './fit.js';
import type { HeldOutPrediction, HoldoutProtocol } from './holdout.js';
import { STEP_TERMS, type StepTermName } from './step-terms.js';
import { COMPLETION_WAIT_SLOPE, CUT_STEP, MIN_ATTRIBUTION_RUNS, MIN_COMPLETION_WAIT_CELLS, MIN_BUCKET_RUNS, UNDECIDED_RATIO, ttftMissReport, type AxisSlices, type Bucket, type GroupAttribution, type GroupKey, type MechanismId, type TtftMissReport } from './ttft-miss-attribution.js';

/** The section's heading (README links to its anchor). */
export const TTFT_MISS_HEADING = 'Which runs miss the TTFT targets, and why (computed)';

/** Title prefixes of the "Why the misses miss" bullets each mechanism was measured in. */
const CITES = {
  whichTerm: 'Which term makes TensorRT-LLM B200 Llama-3.1-70B fp8 slow',
  promptMultiplier: 'A TTFT-only price for the prompt',
  allReduce: 'The all-reduce at the kernel tables',
  schedule: 'The TTFT miss by concurrency',
  oslWait: 'TensorRT-LLM Llama-3.1-8B (predicted too fast)',
  queueProtocol: 'TTFT misses are the benchmark',
} as const;

const TERM_CITES: Partial<Record<StepTermName, readonly string[]>> = {
  excess_compute: [CITES.whichTerm, CITES.promptMultiplier],
  prefill_attention: [CITES.promptMultiplier],
  request_overhead: [CITES.whichTerm],
  all_reduce: [CITES.allReduce],
};
const MECHANISM_CITES: Readonly<Record<Exclude<MechanismId, 'overpriced-term'>, readonly string[]>> = {
  'too-few-runs': [],
  // No one coefficient carries it: the bullets that measured one term's price and one prompt factor, and found a shape.
  'overpriced-unresolved': [CITES.whichTerm, CITES.promptMultiplier],
  'missing-completion-wait': [CITES.oslWait],
  'missing-by-concurrency': [CITES.schedule],
  'missing-by-osl': [CITES.oslWait],
  'missing-by-tp': [CITES.allReduce],
  // The prompt multiplier measured that the prompt price TTFT wants depends on the prompt's length.
  'missing-by-isl': [CITES.promptMultiplier, CITES.whichTerm],
  'missing-unsliced': [CITES.queueProtocol],
};

/** A concurrency band missing more than this many inter-completion intervals holds more than one completion wait. */
const FURTHER_WAIT_INTERVALS = 3;

/** What a term's seconds are, for the mechanism sentence. */
const TERM_MEANING: Readonly<Record<StepTermName, string>> = {
  memory: 'the weight and KV reads',
  excess_compute: 'the GEMM time beyond the weight read, at the excess-compute coefficient the TPOT equations fit (whole prompts pay the price fitted for prompt chunks riding decode steps)',
  prefill_attention: 'the prompts\' attention',
  all_reduce: 'the all-reduces, at the coefficient the TPOT equations fit',
  layer_kernels: 'the per-layer kernel floor',
  step_cpu: 'CPU time per step',
  sequence_cpu: 'CPU time per scheduled sequence',
  request_overhead: 'the per-request overhead the fold fitted on the other runs',
};

const pts = (x: number) => `${(x * 100).toFixed(0)} pts`;
const int = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const groupLabel = (k: GroupKey) => `${k.gpu} ${k.llm} ${k.precision} ${k.backend}`;

const AXIS_PREFIX: Readonly<Record<AxisSlices['axis'], string>> = { ISL: 'ISL ', concurrency: 'c ', OSL: 'OSL ', TP: 'TP' };
const bucketLabel = (axis: AxisSlices['axis'], b: Bucket) => `${AXIS_PREFIX[axis]}${b.lo === b.hi ? int(b.lo) : `${int(b.lo)}–${int(b.hi)}`}`;
const runsWord = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
const bucketCell = (axis: AxisSlices['axis'], b: Bucket) => `${bucketLabel(axis, b)}: ${runsWord(b.n)}, ${signed(b.signedMedian)}, ${b.above} above${b.counted ? '' : '†'}`;

/** Display names the bullets use, for finding the bullets that name a group. */
const BACKEND_LABEL: Readonly<Record<string, string>> = { vllm: 'vLLM', sglang: 'SGLang', trtllm: 'TensorRT-LLM' };
const GPU_LABEL: Readonly<Record<string, string>> = { 'h100-sxm': 'H100', b200: 'B200' };
const llmLabel = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/(\d)b$/, '$1B');

/** The bold title of each bullet (`**Title.** text`), in order. */
export function bulletTitles(bullets: readonly string[]): string[] {
  return bullets.map((b) => /^\*\*(.+?)\*\*/.exec(b)?.[1]).filter((t): t is string => t !== undefined);
}

/** The bullets whose titles name a group: its backend and LLM, and its GPU and precision where the title names one. */
export function bulletsNaming(titles: readonly string[], k: GroupKey): string[] {
  const gpu = GPU_LABEL[k.gpu] ?? k.gpu;
  return titles.filter((t) => t.includes(BACKEND_LABEL[k.backend] ?? k.backend) && t.includes(llmLabel(k.llm))
    && (!Object.values(GPU_LABEL).some((g) => t.includes(g)) || t.includes(gpu))
    && (!/\b(bf16|fp8|fp4)\b/.test(t) || new RegExp(`\\b${k.precision}\\b`).test(t)));
}

function resolve(titles: readonly string[], prefix: string): string {
  const hits = titles.filter((t) => t.startsWith(prefix));
  if (hits.length !== 1) throw new Error(`docs/accuracy.md: the TTFT miss section cites the "Why the misses miss" bullet "${prefix}…", found ${hits.length} bullets with that title`);
  return hits[0];
}

/** Where the signed error moves most inside the group (the axis leader), with its worst slice in the group's direction. */
function axisClause(g: GroupAttribution): { text: string; worstIsLast: boolean } {
  const m = g.mechanism;
  const lead = g.slices.find((s) => s.axis === m.axis);
  if (!lead) return { text: 'no axis varies inside the group', worstIsLast: false };
  const counted = lead.buckets.filter((b) => b.counted);
  const worse = (a: Bucket, b: Bucket) => (g.signedMedian > 0 ? b.signedMedian > a.signedMedian : b.signedMedian < a.signedMedian);
  const worst = counted.reduce((a, b) => (worse(a, b) ? b : a), counted[0]);
  let text = `the signed error moves most with ${lead.axis} (spread ${pts(lead.spread)}, worst at ${bucketLabel(lead.axis, worst)}, ${signed(worst.signedMedian)})`;
  const undecided = m.undecidedAxes ?? [];
  if (undecided.length > 0) text += `, ${undecided.map((a) => `${a} nearly as much (spread ${pts(g.slices.find((x) => x.axis === a)!.spread)})`).join(', ')}: the rows cannot tell ${[lead.axis, ...undecided].join(' from ')} apart`;
  return { text, worstIsLast: worst === counted[counted.length - 1] };
}

function mechanismSentence(g: GroupAttribution, target: number): string {
  const m = g.mechanism;
  if (m.id === 'too-few-runs') return `fewer than ${MIN_ATTRIBUTION_RUNS} runs: no mechanism is read from them, only the sign (${signed(g.signedMedian)}; ${g.above} of ${g.n} above the target).`;
  const axis = axisClause(g);
  const levelClause = m.level ? `. Every counted slice misses the target (${pct(target)}) with the same sign: a level across the group (what the fold transfers to it), not only a shape` : '';
  if (m.id === 'overpriced-term' || m.id === 'overpriced-unresolved') {
    const j = STEP_TERMS.indexOf(m.term!);
    const cut = g.commonCut.byTerm[j];
    const cutText = `cutting it by ${pct(cut.cut)} in every run (one coefficient ${pct(cut.cut)} lower) leaves ${cut.within} of the ${g.n} runs within the target (${g.commonCut.within} now; the median needs ${Math.floor(g.n / 2) + 1})`;
    if (m.id === 'overpriced-unresolved') {
      return `predicted too slow, but no one term's price carries the miss: the best common cut of any single term is \`${m.term}\`'s (${TERM_MEANING[m.term!]}; a median ${pct(g.medianShares[j])} of the predicted TTFT) — ${cutText}, not enough for the group's median; the miss has a shape no one coefficient fits — ${axis.text}${levelClause}.`;
    }
    let s = `predicted too slow; \`${m.term}\` — ${TERM_MEANING[m.term!]} — carries a median ${pct(g.medianShares[j])} of the predicted TTFT, and ${cutText}`;
    const undecided = m.undecidedTerms ?? [];
    if (undecided.length > 0) s += `; ${undecided.map((t) => { const c = g.commonCut.byTerm[STEP_TERMS.indexOf(t)]; return `\`${t}\` cut ${pct(c.cut)}: ${c.within}`; }).join(', ')}: the rows cannot tell which of these is overpriced`;
    return `${s}. That fits one overpriced coefficient; it does not measure one — ${axis.text}${levelClause}.`;
  }
  let s = `predicted too fast: nothing in the prediction is too big, so the missing time is read from where it grows — ${axis.text}`;
  const w = g.completionWait;
  if (w.cells > 0) s += `; across OSL at fixed TP, concurrency and ISL the missing time grows by ${w.slope.toFixed(2)} inter-completion intervals (OSL × TPOT / c) per interval (median of ${w.cells} cells; ${COMPLETION_WAIT_SLOPE[0].toFixed(2)}–${COMPLETION_WAIT_SLOPE[1].toFixed(2)} over at least ${MIN_COMPLETION_WAIT_CELLS} cells reads as a completion wait)`;
  if (m.id === 'missing-completion-wait') {
    s += `. Reads as (the rows fit it; the cited bullet lists engine- and client-side candidates): each request waits about one more completion of another request than the benchmark charges, as if the engine held one request fewer than the clients send; no documented setting gives it. The slope is the evidence, not the level: missing time in intervals by concurrency is ${g.missingIntervalsByConcurrency.filter((b) => b.counted).map((b) => `${b.intervals.toFixed(2)} at c ${b.lo === b.hi ? int(b.lo) : `${int(b.lo)}–${int(b.hi)}`}`).join(', ')}`;
    // Bands missing far more than one completion hold a further wait, which these rows cannot separate from it.
    const beyond = g.missingIntervalsByConcurrency.filter((b) => b.counted && b.intervals > FURTHER_WAIT_INTERVALS);
    if (beyond.length > 0) s += `. At ${beyond.map((b) => `c ${b.lo === b.hi ? int(b.lo) : `${int(b.lo)}–${int(b.hi)}`} (${b.intervals.toFixed(1)} intervals)`).join(', ')} the missing time is more than ${FURTHER_WAIT_INTERVALS} intervals: a further wait there that the benchmark does not produce, on top of it`;
  }
  // Candidates, not findings: the slices locate the missing time, they do not measure its cause.
  if (m.id === 'missing-by-concurrency') s += `. Candidate (not measured): ${axis.worstIsLast ? 'a wait growing with concurrency that the benchmark does not produce' : 'a wait the benchmark lacks, worst below the highest concurrency'}`;
  if (m.id === 'missing-by-osl') s += '. Candidate (not measured): a wait that grows with the decode length, but not by one completion per completion';
  const times = (x: number) => `${x.toFixed(1)}×`;
  if (m.id === 'missing-by-tp') s += `. Candidate (not measured): the per-TP terms (all-reduce and per-layer floor, whose coefficients the TPOT equations cannot tell apart) price multi-GPU prompts too cheap — but the missing time is ${times(g.tooFast.missingOverPerTpTerms)} what those terms charge (median over the runs beyond the target; ${times(g.tooFast.missingOverPromptTerms)} the prompt's compute terms), so alone they would have to cost ${times(1 + g.tooFast.missingOverPerTpTerms)} their price`;
  if (m.id === 'missing-by-isl') s += `. Candidate (not measured): the prompt's price on this GPU × backend × precision, or a per-token host cost; both grow with the prompt, and the rows cannot tell them apart (the missing time is ${times(g.tooFast.missingOverPromptTerms)} the prompt's compute terms, ${times(g.tooFast.missingOverPerTpTerms)} the per-TP terms, median over the runs beyond the target)`;
  return `${s}${levelClause}.`;
}

function citedTitles(g: GroupAttribution, titles: readonly string[]): string[] {
  const m = g.mechanism;
  const own = m.id === 'overpriced-term' || m.id === 'overpriced-unresolved' ? [m.term!, ...(m.undecidedTerms ?? [])].flatMap((t) => TERM_CITES[t] ?? [CITES.queueProtocol]) : MECHANISM_CITES[m.id];
  return [...new Set([...own.map((p) => resolve(titles, p)), ...bulletsNaming(titles, g.key)])];
}

function renderGroup(g: GroupAttribution, target: number, titles: readonly string[]): string {
  const shares = STEP_TERMS.map((t, j) => ({ t, s: g.medianShares[j] })).filter((x) => x.s >= 0.01).sort((a, b) => b.s - a.s).map((x) => `${x.t} ${pct(x.s)}`).join(', ');
  let md = `- **${groupLabel(g.key)}** (n ${g.n}; ${g.above} above the target; signed median ${signed(g.signedMedian)}, median abs ${pct(g.medianAbs)}; ${g.runsToMeetMedian} of its runs must move under ${pct(target)} for its own median to meet it${g.n % 2 === 0 ? ' (both middle runs; one fewer can do when the other middle run is far enough below)' : ''}). `;
  md += `Predicted TTFT by term (median share, terms under 1% left out): ${shares}; ${g.medianIterations.toFixed(1)} iterations in the TTFT window (median; Σ coefficient × term / printed ${g.linearisedOverPrinted.toFixed(3)}). `;
  md += `Signed error by slice — ${g.slices.map((s) => `${s.axis} (spread ${Number.isFinite(s.spread) ? pts(s.spread) : '—'}): ${s.buckets.map((b) => bucketCell(s.axis, b)).join('; ')}`).join(' · ')}. `;
  if (g.tooSlow.runs > 0) {
    const fixes = STEP_TERMS.map((t, j) => ({ t, k: g.tooSlow.fixedByTerm[j] })).filter((x) => x.k > 0).sort((a, b) => b.k - a.k).map((x) => `${x.t} ${x.k}`).join(', ');
    md += `Too slow above the target: ${runsWord(g.tooSlow.runs)}; a term large enough to bring them under it if cut alone (by at most all of it, run by run): ${fixes || 'none'}${g.tooSlow.fixedByNone > 0 ? `; no single term: ${g.tooSlow.fixedByNone}` : ''}. `;
    const cuts = STEP_TERMS.map((t, j) => ({ t, ...g.commonCut.byTerm[j] })).filter((x) => x.within > g.commonCut.within).sort((a, b) => b.within - a.within || a.cut - b.cut).map((x) => `${x.t} −${pct(x.cut)} → ${x.within}`).join(', ');
    md += `One common cut of a term in every run, runs within the target after it (${g.commonCut.within} now): ${cuts || 'no term\'s cut gains any'}. `;
  }
  if (g.tooFast.runs > 0) {
    md += `Too fast beyond the target: ${runsWord(g.tooFast.runs)}; median missing time ${int(g.tooFast.missingSeconds * 1000)} ms = ${g.tooFast.missingTpots.toFixed(1)} measured TPOTs = ${g.tooFast.missingInterCompletions.toFixed(2)} inter-completion intervals (OSL × TPOT / c)${g.signedMedian < 0 ? '; ' : '. '}`;
    if (g.signedMedian < 0) md += `missing time in intervals by concurrency (all runs): ${g.missingIntervalsByConcurrency.map((b) => `c ${b.lo === b.hi ? int(b.lo) : `${int(b.lo)}–${int(b.hi)}`} ${b.intervals.toFixed(2)}${b.counted ? '' : '†'}`).join(', ')}. `;
  }
  md += `**Attribution:** ${mechanismSentence(g, target)} Measured in: ${citedTitles(g, titles).map((t) => `«${t}»`).join(', ') || '—'}.\n`;
  return md;
}

function renderGap(r: TtftMissReport): string {
  const g = r.gap;
  const median = Math.floor(g.n / 2) + 1;
  let md = `${g.n} runs, ${g.within} within ${pct(r.target)}; the median meets the target once ${median} are${g.n % 2 === 0 ? ' (both middle runs)' : ''}, so **${g.needed} more** must move under it. `;
  if (g.needed > 0) md += `The ${g.needed} runs above the target nearest to it (|error| ${pct(g.nearestRange[0])}–${pct(g.nearestRange[1])}) are in: ${g.nearestByGroup.map((x) => `${groupLabel(x.key)} ${x.runs}`).join(', ')}. `;
  md += `Every run above the target, by group: ${g.aboveByGroup.map((x) => `${groupLabel(x.key)} ${x.above} of ${x.n}`).join(', ')}.\n\n`;
  md += '| group | n | above target | TTFT signed | runs to move for its median | largest term (median share) | mechanism |\n|---|---:|---:|---:|---:|---|---|\n';
  for (const a of r.groups) {
    const top = STEP_TERMS.map((t, j) => ({ t, s: a.medianShares[j] })).sort((x, y) => y.s - x.s)[0];
    const m = a.mechanism;
    const what = m.id === 'overpriced-term' ? `too slow: ${m.term} (error moves most with ${m.axis ?? '—'})` : m.id === 'overpriced-unresolved' ? `too slow: no one term (best cut ${m.term}; error moves most with ${m.axis ?? '—'})` : m.id === 'too-few-runs' ? 'too few runs' : m.id === 'missing-unsliced' ? 'too fast' : m.id === 'missing-completion-wait' ? `too fast: a completion wait (error moves most with ${m.axis})` : `too fast, moves most with ${m.axis} (a location, not a cause)`;
    md += `| ${groupLabel(a.key)} | ${a.n} | ${a.above} | ${signed(a.signedMedian)} | ${a.runsToMeetMedian} | ${top.t} ${pct(top.s)} | ${what}${m.undecidedTerms ? ` (or ${m.undecidedTerms.join(', ')})` : ''}${m.level ? ', level' : ''} |\n`;
  }
  return `${md}\n`;
}

export interface TtftMissSectionInput {
  readonly protocols: readonly { readonly protocol: HoldoutProtocol; readonly title: string; readonly target: number; readonly predictions: readonly HeldOutPrediction[]; readonly foldScopes: (heldOut: string) => readonly FittedScope[] }[];
  /** The "Why the misses miss" bullets as rendered (the citations resolve against their titles). */
  readonly whyBullets: readonly string[];
}

export function renderTtftMissSection({ protocols, whyBullets }: TtftMissSectionInput): string {
  const titles = bulletTitles(whyBullets);
  let md = `## ${TTFT_MISS_HEADING}\n\n`;
  md += 'For every group above a TTFT target, from the same held-out rows as the tables above (docs/accuracy-rows.csv, with each fold\'s coefficients from docs/accuracy-folds.json), by one rule (models/serving/ttft-miss-attribution.ts), not by hand: \`npm run accuracy -- --rerender\` recomputes it from those two files in seconds, and test/data/ttft-miss-section.test.ts recounts its counts and cuts from them. ';
  md += 'A term\'s share is its coefficient × term over Σ coefficient × term of the run\'s predicted TTFT (the sum is the fit\'s linearisation; its ratio to what was printed is given). The TTFT terms sum every iteration from arrival to the first token, so a share does not separate a prompt\'s own iterations from those it waited through; the iteration count (the step-CPU term, one unit per iteration) says how many the window holds, and `npx tsx bench/prefill-schedule.ts` splits the wait from the prompt\'s own iterations. ';
  md += `Slices: signed median per bucket (runs, signed median, runs above the target); a bucket counts toward its axis's spread (max − min of the signed medians) when it holds at least ${MIN_BUCKET_RUNS} runs and a tenth of the group († otherwise). `;
  md += `The rule: fewer than ${MIN_ATTRIBUTION_RUNS} runs, none. Predicted too slow (signed median > 0): the term whose one common cut (the same fraction of its contribution cut from every run of the group, searched in ${pct(CUT_STEP)} steps: one overpriced coefficient) gains the most runs within the target; when even that cut leaves the group's median above the target, no one term carries the miss. (Counting, run by run, the terms large enough to absorb a run's excess is no test: the largest term always wins; it is listed per group, not used.) Predicted too fast: nothing in the prediction is too big, so the mechanism is where the missing time grows — first a completion wait (across OSL at fixed TP, concurrency and ISL, the missing time grows by ${COMPLETION_WAIT_SLOPE[0].toFixed(2)}–${COMPLETION_WAIT_SLOPE[1].toFixed(2)} inter-completion intervals OSL × TPOT / c per interval, over at least ${MIN_COMPLETION_WAIT_CELLS} such cells: the measure of «${resolve(titles, CITES.oslWait)}» applied to the missing time), else the axis whose slices spread the signed error most, with a candidate for it (concurrency: a wait growing with load; OSL: a wait per decode length; TP: the per-TP terms; ISL: the prompt's price) that the slices locate but do not measure. The slices are marginal: where two axes both move the error, the leader is the larger spread, not a cause. A runner-up within ${UNDECIDED_RATIO} of the leader (runs its cut gains, or spread) is reported as not told apart. "Level": every counted slice misses with the group's sign. Each attribution names the bullets above that measured its mechanism, and those whose titles name the group.\n\n`;
  for (const p of protocols) {
    md += `### ${p.title} (TTFT ≤ ${pct(p.target)})\n\n`;
    const report = ttftMissReport(p.predictions, p.foldScopes, p.target);
    md += renderGap(report);
    for (const g of report.groups) md += renderGroup(g, p.target, titles);
    md += '\n';
  }
  return md;
}
