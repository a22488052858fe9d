/**
 * The kernel's inputs and options. A workload is any iterable of conversations in non-decreasing arrival order, so
 * mixes and traces stream: the kernel pulls one conversation at a time and never holds the whole stream.
 */
import type { InstancePool, SloSet } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/types.js';

/** One turn as the workload knows it; the policy observes only what a real scheduler could (see policies/). */
export interface TurnSpec {
  /** New input tokens: the whole first prompt on turn 1, appended tool output + user text on later turns. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Tool latency before this turn starts (0 for the first turn). */
  readonly toolLatencySeconds: number;
}

export interface ConversationSpec {
  readonly id: string;
  readonly classId: string;
  readonly arrivalSeconds: number;
  readonly turns: readonly TurnSpec[];
  /** Which turns the user sees (TTFET measures to the first token of the last one either way). */
  readonly userVisibleTurns?: 'last' | 'all';
}

/** A finished conversation as a reactive workload sees it (times in simulated seconds). */
export interface FinishedConversation {
  readonly spec: ConversationSpec;
  /** Arrived after the warm-up: counted in the kernel's statistics. */
  readonly measured: boolean;
  /** When its last output token came out. */
  readonly finishSeconds: number;
  /** Arrival → first output token of its last turn (a single-turn request's TTFT). */
  readonly ttfetSeconds: number;
  /** Sum and number of the gaps between consecutive output tokens, over all its turns. */
  readonly tbtSumSeconds: number;
  readonly tbtCount: number;
  /**
   * A single-turn request served by an engine with step accounting: its TTFT and its sum of token gaps as term
   * vectors (arrival → first token, first → last token), in the model's `stepAccounting.terms` order, and the TTFT
   * seconds no step charges (a disaggregated request's KV transfer; 0 otherwise).
   */
  readonly stepTerms?: { readonly ttft: Float64Array; readonly tbtSum: Float64Array; readonly ttftFixedSeconds?: number };
}

/** What a reactive workload may do to the run it feeds, at the instant it is told of a finish. */
export interface RunControl {
  readonly nowSeconds: number;
  /** Conversations arrived and not finished (queued ones included). */
  readonly inFlight: number;
  /**
   * Ends the warm-up now: conversations arriving from now on are measured, and energy and busy time count from now.
   * Only for a run started with `warmupSeconds: Infinity` (the workload decides), and only once.
   */
  endWarmup(): void;
  /**
   * Ends the measurement now: conversations arriving from now on are served (they hold the load) but not measured.
   * Energy and busy time still count until the run stops.
   */
  endMeasurement(): void;
  /** Ends the run once this finish is handled; what is in flight stays in flight, busy iterations count up to now. */
  stop(): void;
}

/**
 * A workload that reacts to the run: benchmark clients that replace each finished request (a closed loop). The kernel
 * pulls its iterator lazily like any workload's, and tells it of every finished conversation; the conversations it
 * returns then arrive at that instant or later. Finishes reach it in the kernel's total event order, at instants both
 * modes agree on, so a run stays deterministic and fast and reference still agree.
 */
export interface ReactiveWorkload extends Iterable<ConversationSpec> {
  onFinished(finished: FinishedConversation, control: RunControl): Iterable<ConversationSpec> | undefined;
}

/** Whether a workload reacts to completions. */
export function isReactive(workload: Iterable<ConversationSpec>): workload is ReactiveWorkload {
  return typeof (workload as Partial<ReactiveWorkload>).onFinished === 'function';
}

export type PolicyName = 'conserve' | 'per-turn-predict' | 'per-turn-disagg' | 'colocated';
export const POLICY_NAMES: readonly PolicyName[] = ['conserve', 'per-turn-predict', 'per-turn-disagg', 'colocated'];

/**
 * Most sequences one engine decodes at once unless told otherwise (vLLM's default max_num_seqs is 256). The planner
 * sizes decode batches against this same figure (options.ts): it used to offer batch 512, which the kernel would
 * never run (the catalog-wide bench plan chose 512 for multi-turn-chat on gaudi3 TP8).
 */
export const DEFAULT_MAX_DECODE_BATCH = 256;

/**
 * A prefiller's iteration limits (vLLM-like max_num_batched_tokens / max_num_seqs) and a decode/colocated engine's
 * per-step token budget. The planner's prefill queueing (planner/demand/batch-service.ts) prices the same limits.
 */
export const DEFAULT_PREFILL_TOKEN_BUDGET = 16384;
export const DEFAULT_PREFILL_MAX_BATCH = 64;
export const DEFAULT_ENGINE_TOKEN_BUDGET = 2048;

export interface KernelOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  /** 'fast' advances decode iterations in closed form between membership changes; 'reference' one at a time. */
  readonly mode?: 'fast' | 'reference';
  /**
   * Conversations arriving before this are served but excluded from every statistic (default 0). Infinity with a
   * ReactiveWorkload: the workload ends the warm-up when it sees fit (RunControl.endWarmup).
   */
  readonly warmupSeconds?: number;
  /** Arrivals at or after this time are not admitted into the run (default: the whole workload). */
  readonly durationSeconds?: number;
  /** Hard stop of simulated time; what is still in flight then is counted as in flight (default: drain). */
  readonly horizonSeconds?: number;
  /** conserve's KV reservation: 'grow' (observed, default) or 'peak' (oracle from the trace). */
  readonly reservation?: 'grow' | 'peak';
  /** per-turn-predict's share of later turns wrongly sent to a prefiller (default 0.10). */
  readonly mispredictionRate?: number;
  /** What a decoder does when it runs out of KV: drop and recompute (default) or swap to host memory. */
  readonly preemption?: 'recompute' | 'swap';
  /** Host link used by swap preemption (default 25e9 B/s, PCIe 4.0 x16). */
  readonly swapBandwidthBytesPerSecond?: number;
  /** Prefiller per-iteration token budget (default 16384) and sequences per iteration (default 64). */
  readonly prefillTokenBudget?: number;
  readonly prefillMaxBatch?: number;
  /** Decoder/colocated per-iteration token budget shared by decodes and prefill chunks (default 2048). */
  readonly engineTokenBudget?: number;
  /** Most sequences decoding at once on one engine (default 256). */
  readonly maxDecodeBatch?: number;
  /**
   * Decoder/colocated engines run prompt chunks in prefill-only iterations that pause decoding whenever a prompt
   * waits (SGLang's default scheduler, without --enable-mixed-chunk), instead of riding decode iterations (vLLM V1,
   * TensorRT-LLM). Default false.
   */
  readonly prefillPausesDecode?: boolean;
  /**
   * conserve and per-turn-predict, turn 1: where the client receives the first token. 'prefiller' (default): when the
   * prefill completes. 'decoder': as disaggregated servers stream it (SGLang's router and Dynamo's frontend stream from
   * the decode worker, which receives the prefill's first token with the KV and emits it when its scheduler takes the
   * request into a batch; TensorRT-LLM's disaggregated server is taken to do the same): after the KV transfer, when
   * the decoder admits the request at its next iteration boundary. `benchmark --mode disagg` uses 'decoder'; `simulate`
   * and `plan` keep 'prefiller' (the planner's TTFET model and the kernel goldens count it there).
   */
  readonly firstTokenAt?: 'prefiller' | 'decoder';
  /**
   * Decoder/colocated engines schedule each prompt whole in one iteration (chunked prefill off: TensorRT-LLM's PyTorch
   * backend default), a prompt that does not fit the iteration's remaining token budget waiting for the next one;
   * default false (prompts are chunked to the budget, vLLM V1).
   */
  readonly wholePrompts?: boolean;
  /**
   * Admission of waiting work on decoder/colocated engines: 'current-need' (default: while its prompt fits the free
   * KV, running work preempted later when decode growth runs out; vLLM) or 'guaranteed-no-evict' (only while its
   * whole life, prompt + remaining output, fits beside the remaining lives of everything admitted, so nothing
   * admitted is ever preempted; TensorRT-LLM's default capacity scheduler) or 'new-token-ratio' (SGLang: while its
   * prompt + clipped output fit beside a reserve of the running requests' remaining output × a decaying ratio;
   * planner/kernel/admission.ts).
   */
  readonly admission?: 'current-need' | 'guaranteed-no-evict' | 'new-token-ratio';
  /** KV occupancy sampling period (default 5 s). */
  readonly sampleIntervalSeconds?: number;
  /** SLOs to check per conversation (slo_attainment is omitted without one). */
  readonly slo?: SloSet;
  /** Called every `progressEveryConversations` arrivals with the simulated time and arrivals so far. */
  readonly onProgress?: (simSeconds: number, arrived: number) => void;
  readonly progressEveryConversations?: number;
  /**
   * Asked every `stopCheckEveryEvents` queue pops (default 10,000; stale iteration ends count too); true stops the run with a KernelStoppedError. The
   * kernel keeps no clock, so a caller that wants Ctrl-C to work passes e.g. `() => signal.aborted`.
   */
  readonly shouldStop?: () => boolean;
  readonly stopCheckEveryEvents?: number;
}

/** What the caller provides: the perf model of each pool (createPerfModel in production, a synthetic one in tests). */
export type PerfModelFor = (pool: InstancePool) => PerfModel;

/** The options with defaults applied. */
export interface ResolvedOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly mode: 'fast' | 'reference';
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly horizonSeconds: number;
  readonly reservation: 'grow' | 'peak';
  readonly mispredictionRate: number;
  readonly preemption: 'recompute' | 'swap';
  readonly swapBandwidthBytesPerSecond: number;
  readonly prefillTokenBudget: number;
  readonly prefillMaxBatch: number;
  readonly engineTokenBudget: number;
  readonly maxDecodeBatch: number;
  readonly prefillPausesDecode: boolean;
  readonly firstTokenAt: 'prefiller' | 'decoder';
  readonly wholePrompts: boolean;
  readonly admission: 'current-need' | 'guaranteed-no-evict' | 'new-token-ratio';
  readonly sampleIntervalSeconds: number;
  readonly slo?: SloSet;
  readonly onProgress?: (simSeconds: number, arrived: number) => void;
  readonly progressEveryConversations: number;
  readonly shouldStop?: () => boolean;
  readonly stopCheckEveryEvents: number;
}

/**
 * A run stopped by `shouldStop`: a distinct outcome, not a failure. Its name is 'AbortError', the name the CLI maps
 * to "interrupted" (exit 130), like a DOM AbortError.
 */
export class KernelStoppedError extends Error {
  override readonly name = 'AbortError';
  constructor(
    /** Simulated time reached when the stop was seen. */
    readonly simSeconds: number,
    /** Events processed by then. */
    readonly events: number,
  ) {
    super(`Simulation stopped at ${simSeconds} s of simulated time after ${events} events`);
  }
}

/** Applies defaults and checks ranges (a bad option is a bug in the caller: RangeError). */
export function resolveOptions(o: KernelOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    policy: o.policy,
    seed: o.seed,
    mode: o.mode ?? 'fast',
    warmupSeconds: o.warmupSeconds ?? 0,
    durationSeconds: o.durationSeconds ?? Infinity,
    horizonSeconds: o.horizonSeconds ?? Infinity,
    reservation: o.reservation ?? 'grow',
    mispredictionRate: o.mispredictionRate ?? 0.1,
    preemption: o.preemption ?? 'recompute',
    swapBandwidthBytesPerSecond: o.swapBandwidthBytesPerSecond ?? 25e9,
    prefillTokenBudget: o.prefillTokenBudget ?? DEFAULT_PREFILL_TOKEN_BUDGET,
    prefillMaxBatch: o.prefillMaxBatch ?? DEFAULT_PREFILL_MAX_BATCH,
    engineTokenBudget: o.engineTokenBudget ?? DEFAULT_ENGINE_TOKEN_BUDGET,
    maxDecodeBatch: o.maxDecodeBatch ?? DEFAULT_MAX_DECODE_BATCH,
    prefillPausesDecode: o.prefillPausesDecode ?? false,
    firstTokenAt: o.firstTokenAt ?? 'prefiller',
    wholePrompts: o.wholePrompts ?? false,
    admission: o.admission ?? 'current-need',
    sampleIntervalSeconds: o.sampleIntervalSeconds ?? 5,
    slo: o.slo,
    onProgress: o.onProgress,
    progressEveryConversations: o.progressEveryConversations ?? 10_000,
    shouldStop: o.shouldStop,
    stopCheckEveryEvents: o.stopCheckEveryEvents ?? 10_000,
  };
  if (!Number.isInteger(r.seed)) throw new RangeError(`seed must be an integer, received ${r.seed}`);
  if (!(r.mispredictionRate >= 0 && r.mispredictionRate <= 1)) throw new RangeError(`mispredictionRate must be in [0, 1], received ${r.mispredictionRate}`);
  if (!(r.warmupSeconds >= 0)) throw new RangeError(`warmupSeconds must be ≥ 0, received ${r.warmupSeconds}`);
  for (const [name, v] of [['stopCheckEveryEvents', r.stopCheckEveryEvents], ['prefillTokenBudget', r.prefillTokenBudget], ['prefillMaxBatch', r.prefillMaxBatch], ['engineTokenBudget', r.engineTokenBudget], ['maxDecodeBatch', r.maxDecodeBatch]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${name} must be an integer ≥ 1, received ${v}`);
  }
  if (!(r.sampleIntervalSeconds > 0)) throw new RangeError(`sampleIntervalSeconds must be > 0, received ${r.sampleIntervalSeconds}`);
  return r;
}
