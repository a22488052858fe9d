/**
 * `fleetplan benchmark`'s flags turned into a BenchmarkSpec: each mistake one line (flag, what was found, what was
 * expected), exit 2. Token lengths take a whole number (`--isl 1024`) or a distribution in the project's one syntax
 * (`--isl "{lognormal: {median: 1024, sigma: 0.5}, max: 8192}"`).
 */
import { parse } from 'yaml';
import { checkLimit, distributionValidator, inputError, suggestId, toDistribution } from '../../../catalogs/index.js';
import { backendScheduling } from '../../../models/serving/backend-policy.js';
import { gpuPrecisions, layoutProblem, scaleUpProblem, unsupportedPrecisionMessage, widerDegree } from '../../../catalogs/precision.js';
import type { Catalog, Distribution, GpuSpec, KvDtype, LlmSpec, Precision } from '../../../catalogs/types.js';
import { backendDefaultLimits, defaultDisaggLink, type BenchmarkLoad, type BenchmarkSpec, type EngineLimits, type InstanceSet } from '../../benchmark/index.js';

export interface BenchmarkArgs {
  readonly gpu: string;
  readonly llm: string;
  readonly tp?: number;
  readonly ep?: number;
  readonly precision?: string;
  readonly kvDtype?: string;
  readonly concurrency?: number;
  readonly rate?: number;
  readonly isl?: string;
  readonly osl?: string;
  readonly mode?: string;
  readonly prefill?: string;
  readonly decode?: string;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly prefillMaxNumSeqs?: number;
  readonly prefillMaxNumBatchedTokens?: number;
  readonly powerCapW?: number;
  readonly seed?: number;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
  /** `--calibration FILE` and `--backend B` (vllm, sglang, trtllm). */
  readonly calibration?: string;
  readonly backend?: 'vllm' | 'sglang' | 'trtllm';
  /** `--request-count N`: send exactly N requests and measure all of them. */
  readonly requestCount?: number;
}

const DISTRIBUTION_EXAMPLE = 'a whole number of tokens ≥ 1 or a distribution such as "{lognormal: {median: 1024, sigma: 0.5}, max: 8192}"';

/** `--isl 1024` or `--isl "{uniform: {min: 512, max: 1536}}"`. */
export function parseTokenLengths(flag: string, text: string | undefined): Distribution {
  if (text === undefined) throw inputError('usage', '', flag, `found nothing, expected ${DISTRIBUTION_EXAMPLE}`);
  const trimmed = text.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    if (!(Number.isInteger(n) && n >= 1)) throw inputError('usage', '', flag, `found ${trimmed}, expected ${DISTRIBUTION_EXAMPLE}`);
    return { kind: 'fixed', value: n };
  }
  let raw: unknown;
  try {
    raw = parse(trimmed);
  } catch {
    throw inputError('usage', '', flag, `found ${JSON.stringify(text)} (not YAML), expected ${DISTRIBUTION_EXAMPLE}`);
  }
  const validate = distributionValidator();
  if (raw === null || typeof raw !== 'object' || !validate(raw)) {
    const first = validate.errors?.[0];
    const detail = first !== undefined ? ` (${first.instancePath === '' ? '' : `${first.instancePath.slice(1).replace(/\//g, '.')} `}${first.message ?? ''})` : '';
    throw inputError('usage', '', flag, `found ${JSON.stringify(text)}${detail}, expected ${DISTRIBUTION_EXAMPLE}`);
  }
  return toDistribution(raw as Record<string, unknown>);
}

/** `--prefill 2x4`: 2 instances of TP4; `--decode 2x1ep8`: 2 instances of TP1 × EP8 (8 GPUs, attention data-parallel). */
function parseSet(flag: string, text: string, ep: number | undefined): InstanceSet {
  const m = /^(\d+)x(\d+)(?:ep(\d+))?$/i.exec(text.trim());
  const count = m ? Number(m[1]) : NaN;
  const tp = m ? Number(m[2]) : NaN;
  const setEp = m?.[3] !== undefined ? Number(m[3]) : ep;
  if (!(count >= 1 && tp >= 1 && (setEp === undefined || setEp >= 1))) throw inputError('usage', '', flag, `found ${JSON.stringify(text)}, expected COUNTxTP or COUNTxTPepEP with whole numbers ≥ 1, e.g. 2x4 (two instances of TP4) or 2x1ep8`);
  return { count, tp, ...(setEp !== undefined ? { ep: setEp } : {}) };
}

/** tp and ep must nest; ep > 1 only on an MoE LLM, dividing its experts. */
function checkLayout(flag: string, gpu: GpuSpec, llm: LlmSpec, tp: number, ep: number | undefined): void {
  const span = scaleUpProblem(gpu, tp, ep ?? 1);
  // Agg names its layout with --tp/--ep; a disagg set with --prefill/--decode.
  if (span !== undefined) throw inputError('usage', '', flag === '--ep' ? `--${widerDegree(tp, ep ?? 1)}` : flag, span);
  if (ep === undefined || ep === 1) return;
  const problem = layoutProblem(tp, ep);
  if (problem !== undefined) throw inputError('usage', '', flag, problem);
  if (!llm.moe) throw inputError('usage', '', flag, `found ep ${ep}, expected ep 1 (or none): ${llm.id} is a dense LLM (no experts to spread)`);
  if (llm.moe.experts % ep !== 0) throw inputError('usage', '', flag, `found ep ${ep}, expected a divisor of ${llm.id}'s ${llm.moe.experts} experts`);
}

function limits(maxNumSeqs: number | undefined, maxNumBatchedTokens: number | undefined, defaults: EngineLimits): EngineLimits {
  return { maxNumSeqs: maxNumSeqs ?? defaults.maxNumSeqs, maxNumBatchedTokens: maxNumBatchedTokens ?? defaults.maxNumBatchedTokens };
}

/** The spec the flags describe, checked against the catalog. */
export function benchmarkSpecFromArgs(args: BenchmarkArgs, catalog: Catalog): BenchmarkSpec {
  const gpu = catalog.gpus.get(args.gpu);
  if (!gpu) throw inputError('unknown_reference', '', '--gpu', `found ${JSON.stringify(args.gpu)}, expected a known GPU id${suggestId(args.gpu, catalog.gpus.keys())}`);
  if (!catalog.llms.has(args.llm)) throw inputError('unknown_reference', '', '--llm', `found ${JSON.stringify(args.llm)}, expected a known LLM id${suggestId(args.llm, catalog.llms.keys())}`);
  const llm = catalog.llms.get(args.llm)!;
  if (args.precision !== undefined && !(gpuPrecisions(gpu) as string[]).includes(args.precision)) {
    throw inputError('invalid_value', '--precision', 'precision', unsupportedPrecisionMessage(gpu, args.precision));
  }
  const precision = args.precision as Precision | undefined;
  const kvDtype = args.kvDtype as KvDtype | undefined;
  if ((args.concurrency === undefined) === (args.rate === undefined)) {
    throw inputError('usage', '', '--concurrency/--rate', `found ${args.concurrency === undefined ? 'neither' : 'both'}, expected exactly one: --concurrency N (closed loop) or --rate R (Poisson requests/s)`);
  }
  // Every closed-loop client holds a request from the start: a count no benchmark uses (2^31) is refused up front.
  if (args.concurrency !== undefined) checkLimit('conversations', args.concurrency, { path: '--concurrency', describe: (v) => `${v.toLocaleString('en-US')} clients (each one request in flight)` });
  // Every request is one simulated conversation: 0x7fffffff requests ran for minutes before this check.
  if (args.requestCount !== undefined) checkLimit('conversations', args.requestCount, { path: '--request-count', describe: (v) => `${v.toLocaleString('en-US')} requests (each one simulated conversation)` });
  const load: BenchmarkLoad = args.concurrency !== undefined ? { kind: 'concurrency', concurrency: args.concurrency } : { kind: 'rate', ratePerSecond: args.rate! };
  const cap = args.powerCapW;
  if (cap !== undefined && (cap < gpu.powerCap.minWatts || cap > gpu.powerCap.maxWatts)) {
    throw inputError('usage', '', '--power-cap-w', `found ${cap}, expected ${gpu.powerCap.minWatts}–${gpu.powerCap.maxWatts} W for ${gpu.id}`);
  }
  const common = {
    gpu: gpu.id,
    llm: args.llm,
    load,
    isl: parseTokenLengths('--isl', args.isl),
    osl: parseTokenLengths('--osl', args.osl),
    ...(precision !== undefined ? { precision } : {}),
    ...(kvDtype !== undefined ? { kvDtype } : {}),
    ...(cap !== undefined ? { powerCapWatts: cap } : {}),
  };
  const defaults = backendDefaultLimits(gpu, args.backend);
  const mode = args.mode ?? 'agg';
  if (mode === 'agg') {
    for (const flag of ['prefill', 'decode', 'prefillMaxNumSeqs', 'prefillMaxNumBatchedTokens'] as const) {
      if (args[flag] !== undefined) throw inputError('usage', '', `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, 'found a disaggregated-mode flag, expected it only with --mode disagg');
    }
    const tp = args.tp ?? 1;
    checkLayout('--ep', gpu, llm, tp, args.ep);
    return { ...common, mode: 'agg', tp, ...(args.ep !== undefined ? { ep: args.ep } : {}), limits: limits(args.maxNumSeqs, args.maxNumBatchedTokens, defaults), ...backendScheduling(args.backend) };
  }
  // Disagg moves each prompt's KV over the prefill instance's inter-node share (defaultDisaggLink): none, no run.
  if (gpu.interNodeBandwidthBytesPerSecond === 0) {
    throw inputError('usage', '', '--mode', `found disagg on ${gpu.id}, expected agg: ${gpu.id} has no inter-node link (inter_node_bytes_per_s 0) to move KV from prefill to decode instances`);
  }
  if (args.prefill === undefined || args.decode === undefined) {
    throw inputError('usage', '', args.prefill === undefined ? '--prefill' : '--decode', 'found nothing, expected --prefill COUNTxTP and --decode COUNTxTP with --mode disagg (e.g. --prefill 1x4 --decode 1x4)');
  }
  if (args.tp !== undefined) throw inputError('usage', '', '--tp', 'found --tp with --mode disagg, expected the TP of each set in --prefill COUNTxTP and --decode COUNTxTP');
  const prefill = parseSet('--prefill', args.prefill, args.ep);
  const decode = parseSet('--decode', args.decode, args.ep);
  checkLayout('--prefill', gpu, llm, prefill.tp, prefill.ep);
  checkLayout('--decode', gpu, llm, decode.tp, decode.ep);
  // 100000000x1: a set no cluster has, each instance kernel state — the instances limit, before the run.
  checkLimit('instances', prefill.count + decode.count, { path: '--prefill + --decode', describe: (v) => `${v.toLocaleString('en-US')} instances` });
  return {
    ...common,
    mode: 'disagg',
    prefill,
    decode,
    prefillLimits: limits(args.prefillMaxNumSeqs, args.prefillMaxNumBatchedTokens, defaults),
    decodeLimits: limits(args.maxNumSeqs, args.maxNumBatchedTokens, defaults),
    link: defaultDisaggLink(gpu, Math.max(prefill.tp, prefill.ep ?? 1)),
  };
}
