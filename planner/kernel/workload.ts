/**
 * Workloads as lazy streams of conversations in arrival order: from a mix (each class an arrival process; every
 * random consumer its own seeded stream, so adding one never shifts another), or from trace conversations that
 * carry no timestamps (Poisson arrivals laid over them, as the paper replays the SWE-agent trace).
 */
import type { ConversationClass, Distribution, Mix } from '../../catalogs/types.js';
import { sampleUnbounded } from '../../models/distribution.js';
import { createStream, sampleExponential, type Uniform01 } from '../../models/random.js';
import type { ConversationSpec, TurnSpec } from './types.js';

export interface GenerateOptions {
  readonly seed: number;
  /** Stop after this many conversations (default: unbounded, so bound it with the kernel's durationSeconds). */
  readonly maxConversations?: number;
  /** Stop at this arrival time (default Infinity). */
  readonly durationSeconds?: number;
  /** Counts draws that a distribution bound or the ≥ 1 token floor changed (never cut silently). */
  readonly cuts?: { count: number };
}

/** A draw with bounds applied and whether a bound cut it (sampleDistribution's contract). */
type Sampler = (u: Uniform01) => { value: number; cut: boolean };

/**
 * A sampler equal draw for draw to models/distribution.ts's sampleDistribution, with empirical distributions
 * sorted and accumulated once instead of on every draw (the shared helper re-sorts per call).
 */
function createSampler(d: Distribution): Sampler {
  const bound = (raw: number) => {
    if (d.min !== undefined && raw < d.min) return { value: d.min, cut: true };
    if (d.max !== undefined && raw > d.max) return { value: d.max, cut: true };
    return { value: raw, cut: false };
  };
  if (d.kind !== 'empirical') return (u) => bound(sampleUnbounded(d, u));
  const sorted = [...d.points].sort((a, b) => a[0] - b[0]);
  const values = sorted.map((p) => p[0]);
  const cumulative: number[] = [];
  let total = 0;
  for (const [, w] of sorted) total += w;
  let acc = 0;
  for (const [, w] of sorted) {
    acc += w;
    cumulative.push(acc);
  }
  return (u) => {
    const target = u() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    if (!(target < cumulative[hi])) return bound(values[hi]);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (target < cumulative[mid]) hi = mid;
      else lo = mid + 1;
    }
    return bound(values[lo]);
  };
}

interface ClassSamplers {
  readonly turns: Sampler;
  readonly firstInput: Sampler;
  readonly appended: Sampler;
  readonly output: Sampler;
  readonly outputByTurn: readonly Sampler[];
  readonly tool: Sampler;
}

interface ClassStreams {
  readonly samplers: ClassSamplers;
  readonly cls: ConversationClass;
  readonly arrivals: Uniform01;
  readonly thinning: Uniform01;
  readonly turns: Uniform01;
  readonly firstInput: Uniform01;
  readonly appended: Uniform01;
  readonly output: Uniform01;
  readonly tool: Uniform01;
  readonly peakFactor: number;
  next: number;
  made: number;
}

function nextArrival(s: ClassStreams, after: number): number {
  const rate = s.cls.arrivalRatePerSecond;
  if (!(rate > 0)) return Infinity;
  const arrival = s.cls.arrival;
  if (arrival.kind === 'poisson') return after + sampleExponential(s.arrivals, 1 / rate);
  if (arrival.kind === 'diurnal') {
    // Thinning (Lewis–Shedler): candidates at the peak rate, each kept with probability factor(hour) / peak.
    let t = after;
    for (;;) {
      t += sampleExponential(s.arrivals, 1 / (rate * s.peakFactor));
      const hour = Math.floor(t / 3600) % 24;
      if (s.thinning() * s.peakFactor < arrival.hourlyFactors[hour]) return t;
    }
  }
  throw new RangeError(`Class "${s.cls.id}" replays arrivals from a trace: pass the trace's conversations instead of generating them`);
}

function drawCount(d: Sampler, u: Uniform01, cuts: { count: number } | undefined, floor: number): number {
  const s = d(u);
  const rounded = Math.round(s.value);
  if ((s.cut || rounded < floor) && cuts !== undefined) cuts.count++;
  return Math.max(floor, rounded);
}

function drawSeconds(d: Sampler, u: Uniform01, cuts: { count: number } | undefined): number {
  const s = d(u);
  if ((s.cut || s.value < 0) && cuts !== undefined) cuts.count++;
  return Math.max(0, s.value);
}

function makeConversation(s: ClassStreams, arrivalSeconds: number, cuts: { count: number } | undefined): ConversationSpec {
  const c = s.cls;
  const d = s.samplers;
  const numTurns = drawCount(d.turns, s.turns, cuts, 1);
  const turns: TurnSpec[] = [];
  for (let i = 0; i < numTurns; i++) {
    const outputSampler = d.outputByTurn.length > 0 ? d.outputByTurn[Math.min(i, d.outputByTurn.length - 1)] : d.output;
    turns.push({
      inputTokens: drawCount(i === 0 ? d.firstInput : d.appended, i === 0 ? s.firstInput : s.appended, cuts, 1),
      outputTokens: drawCount(outputSampler, s.output, cuts, 1),
      toolLatencySeconds: i === 0 ? 0 : drawSeconds(d.tool, s.tool, cuts),
    });
  }
  return { id: `${c.id}-${s.made++}`, classId: c.id, arrivalSeconds, turns, userVisibleTurns: c.userVisibleTurns };
}

/**
 * Conversations of a mix in arrival order (classes merged by arrival time; ties to the earlier class).
 * @example [...generateConversations(mix, { seed: 1, maxConversations: 3 })].length // 3
 */
export function* generateConversations(mix: Mix, options: GenerateOptions): Generator<ConversationSpec> {
  const streams: ClassStreams[] = mix.classes.map((cls) => {
    const name = `workload/${cls.id}`;
    const peakFactor = cls.arrival.kind === 'diurnal' ? Math.max(...cls.arrival.hourlyFactors) : 1;
    const s: ClassStreams = {
      samplers: {
        turns: createSampler(cls.turns),
        firstInput: createSampler(cls.firstInputTokens),
        appended: createSampler(cls.appendedInputTokens),
        output: createSampler(cls.outputTokens),
        outputByTurn: (cls.outputTokensByTurn ?? []).map(createSampler),
        tool: createSampler(cls.toolLatencySeconds),
      },
      cls,
      arrivals: createStream(options.seed, `${name}/arrivals`),
      thinning: createStream(options.seed, `${name}/thinning`),
      turns: createStream(options.seed, `${name}/turns`),
      firstInput: createStream(options.seed, `${name}/first-input`),
      appended: createStream(options.seed, `${name}/appended`),
      output: createStream(options.seed, `${name}/output`),
      tool: createStream(options.seed, `${name}/tool`),
      peakFactor,
      next: 0,
      made: 0,
    };
    s.next = nextArrival(s, 0);
    return s;
  });
  const limit = options.maxConversations ?? Infinity;
  const until = options.durationSeconds ?? Infinity;
  for (let made = 0; made < limit; made++) {
    let best: ClassStreams | undefined;
    for (const s of streams) if (best === undefined || s.next < best.next) best = s;
    if (best === undefined || !(best.next < until)) return;
    const arrival = best.next;
    best.next = nextArrival(best, arrival);
    yield makeConversation(best, arrival, options.cuts);
  }
}

/** A conversation of a timestamp-free trace: its turns (turn 1's input is the whole first prompt). */
export interface UntimedConversation {
  readonly id: string;
  readonly turns: readonly TurnSpec[];
}

/**
 * Lays Poisson arrivals at `ratePerSecond` over trace conversations, cycling the trace when `cycle` is set (so a
 * 2,294-conversation trace can feed a long run); the stream is lazy either way.
 */
export function* withPoissonArrivals(conversations: readonly UntimedConversation[] | (() => Iterable<UntimedConversation>), ratePerSecond: number, options: { seed: number; cycle?: boolean; maxConversations?: number }): Generator<ConversationSpec> {
  if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, received ${ratePerSecond}`);
  const u = createStream(options.seed, 'workload/trace-arrivals');
  const limit = options.maxConversations ?? Infinity;
  // A factory is re-opened for every pass, so a streamed trace is never held whole, even when cycled.
  const open = typeof conversations === 'function' ? conversations : () => conversations;
  let t = 0;
  let i = 0;
  for (let pass = 0; i < limit; pass++) {
    let yielded = 0;
    for (const c of open()) {
      if (i >= limit) return;
      t += sampleExponential(u, 1 / ratePerSecond);
      yield { id: pass === 0 ? c.id : `${c.id}#${pass}`, classId: 'trace', arrivalSeconds: t, turns: c.turns, userVisibleTurns: 'last' };
      i++;
      yielded++;
    }
    if (yielded === 0 || !options.cycle) return;
  }
}
