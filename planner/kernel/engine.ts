/**
 * A decode-capable engine (decoder or colocated): iteration-level continuous batching with a per-step token budget
 * shared by decodes and chunked prefill. In 'fast' mode, iterations with nothing but decodes are advanced in closed
 * form until the next membership change (a sequence finishes, KV runs out, or work arrives): with batch B fixed the
 * step time is base + perToken·C and C grows by B per step, so the end of step k is
 * T_k = t0 + k·base + perToken·(k·C0 + B·k(k−1)/2).
 */
import type { PerfModel } from '../../models/types.js';
import type { ConvState } from './conversation.js';
import { NewTokenRatio, sglangAdmissionTokens } from './admission.js';
import { makeRoom, planAdmission, prospectiveNeedTokens, type MemoryState, type WorkItem } from './engine-memory.js';
import { TermClock } from './step-accounting.js';
import { RunningBatch } from './running-batch.js';

/** What an engine reports back to the kernel while it runs. */
export interface EngineHooks {
  /** One output token of `conv` at `timeSeconds` (first of a turn or a later one), already counted in its state. */
  emitToken(conv: ConvState, timeSeconds: number, firstOfTurn: boolean, gapSeconds: number): void;
  /** Bulk TBT samples: the series first + k·delta, k < n, once per measured sequence (and per last-turn one). */
  addTbtSeries(first: number, delta: number, n: number, measured: number, measuredLastTurn: number): void;
  /** One TBT value observed by `measured` measured sequences, `measuredLastTurn` of them on their last turn. */
  recordGap(gapSeconds: number, measured: number, measuredLastTurn: number): void;
  /** Output tokens emitted by decode iterations (conservation accounting). */
  countTokens(tokens: number): void;
  /** A conversation produced its last token of the turn here. */
  turnEnded(conv: ConvState, timeSeconds: number): void;
  /** The engine was busy over [start, end] drawing `powerWatts`. */
  busy(instance: number, startSeconds: number, endSeconds: number, powerWatts: number): void;
}

/** How one engine schedules (planner/kernel/types.ts KernelOptions documents each field). */
export interface EngineSettings {
  readonly fast: boolean;
  readonly tokenBudget: number;
  readonly maxBatch: number;
  readonly prefillPausesDecode?: boolean;
  readonly wholePrompts?: boolean;
  readonly admission?: 'current-need' | 'guaranteed-no-evict' | 'new-token-ratio';
  readonly preemption: 'recompute' | 'swap';
  readonly swapBandwidthBytesPerSecond: number;
}

const NO_CHUNKS: { item: WorkItem; tokens: number }[] = [];

interface Macro {
  t0: number;
  n: number;
  base: number;
  perToken: number;
  batch: number;
  context0: number;
  /** Exact end of a single (non-macro) iteration. */
  singleEnd: number;
  chunks: { item: WorkItem; tokens: number }[];
  powerWatts: number;
  /** Step accounting: a single iteration's terms, or a decode run's base and per-context-token terms. */
  terms: number[] | null;
  termsPerToken: number[] | null;
}

export class Engine implements MemoryState {
  /** The decoding sequences; their per-iteration fields are settled lazily (running-batch.ts). */
  private readonly batch = new RunningBatch();
  readonly running: readonly ConvState[] = this.batch.convs;
  readonly waiting: WorkItem[] = [];
  readonly prefilling: WorkItem[] = [];
  readonly idle = new Set<ConvState>();
  usedTokens = 0;
  reservedTokens = 0;
  runningContextTokens = 0;
  preemptions = 0;
  busyFlag = false;
  wakePending = false;
  version = 0;
  private joinCounter = 0;
  private readonly affineByBatch: Array<{ readonly baseSeconds: number; readonly perContextTokenSeconds: number }> = [];
  private readonly wattsByBatch: number[] = [];
  private macro: Macro | null = null;
  /** Per-term accounting, when the model has a linear step model (calibrated serving models). */
  readonly termClock: TermClock | null;
  /** SGLang's new_token_ratio (admission 'new-token-ratio' only). */
  private readonly ratio: NewTokenRatio | null;

  constructor(
    readonly index: number,
    readonly poolIndex: number,
    readonly model: PerfModel,
    readonly capacityTokens: number,
    private readonly settings: EngineSettings,
  ) {
    this.termClock = model.stepAccounting ? new TermClock(model.stepAccounting) : null;
    this.ratio = settings.admission === 'new-token-ratio' ? new NewTokenRatio() : null;
  }

  /** Tokens of KV queued here but not yet allocated (observable load for colocated pinning). */
  queuedTokens(): number {
    let total = 0;
    for (const item of this.waiting) total += item.newTokens + item.conv.contextTokens - item.conv.residentTokens;
    return total;
  }

  /**
   * A run stopped at `nowSeconds`: commits the iterations of a macro-step that ended by then, as the reference mode
   * would have one by one (none of them ends a sequence: a macro-step stops at the first that would), and returns the
   * iteration still under way (counted busy up to the stop), or null when idle.
   */
  settleAt(nowSeconds: number, hooks: EngineHooks): { startSeconds: number; powerWatts: number } | null {
    const m = this.macro;
    if (!this.busyFlag || m === null) return null;
    if (m.n > 1) {
      const k = this.firstEndAtOrAfter(nowSeconds - m.t0);
      const done = Math.min(this.endOf(k) <= nowSeconds ? k : k - 1, m.n - 1);
      if (done >= 1) {
        const end = this.endOf(done);
        m.n = done;
        this.finishIteration(end, hooks);
        return { startSeconds: end, powerWatts: m.powerWatts };
      }
    }
    return { startSeconds: m.t0, powerWatts: m.powerWatts };
  }

  /** Adds work; returns the time of a needed re-plan (truncating a macro-step), or NaN when none is needed. */
  enqueue(item: WorkItem, nowSeconds: number, front = false): number {
    if (this.termClock !== null && item.conv.termsAtArrival === null) item.conv.termsAtArrival = this.termClock.stamp();
    if (front) this.waiting.unshift(item);
    else this.waiting.push(item);
    const replan = this.replanTime(nowSeconds);
    if (this.termClock !== null && item.deliversFirstToken === true) item.conv.termsAtDecoderArrival = this.termStampAt(nowSeconds);
    return replan;
  }

  /**
   * The term clock at `nowSeconds`, mid-iteration included (after any re-plan, so the iteration under way is the
   * planned step's last): what arrives now waits out the rest of that iteration, and the elapsed share stamped here
   * makes its wait exact in term units at the coefficients the run used (the prefiller does the same).
   */
  private termStampAt(nowSeconds: number): Float64Array {
    const clock = this.termClock!;
    const stamp = clock.stamp();
    const m = this.macro;
    if (!this.busyFlag || m === null || m.terms === null) return stamp;
    let current: readonly number[] = m.terms;
    let start = m.t0;
    if (m.termsPerToken !== null) {
      // Iterations 1..n−1 of a decode run are done; iteration n (context C0 + (n−1)·B) is under way.
      const done = m.n - 1;
      const perToken = m.termsPerToken;
      const doneContext = done * m.context0 + (m.batch * done * (done - 1)) / 2;
      const nowContext = m.context0 + done * m.batch;
      for (let j = 0; j < stamp.length; j++) stamp[j] += done * m.terms[j] + doneContext * perToken[j];
      current = m.terms.map((v, j) => v + nowContext * perToken[j]);
      if (done > 0) start = this.endOf(done);
    }
    const end = this.endOf(m.n);
    const share = end > start ? Math.min(1, Math.max(0, (nowSeconds - start) / (end - start))) : 1;
    for (let j = 0; j < stamp.length; j++) stamp[j] += share * current[j];
    return stamp;
  }

  /** When the engine must next re-plan because something changed at `nowSeconds`. NaN: already planned. */
  private replanTime(nowSeconds: number): number {
    const m = this.macro;
    if (!this.busyFlag || m === null) return nowSeconds;
    if (m.n <= 1) return NaN;
    const k = this.firstEndAtOrAfter(nowSeconds - m.t0);
    if (k >= m.n) return NaN;
    m.n = k;
    this.version++;
    return this.endOf(k);
  }

  /** End time of macro iteration k (1-based). */
  endOf(k: number): number {
    const m = this.macro!;
    if (m.n === 1 && k === 1) return m.singleEnd;
    return m.t0 + k * m.base + m.perToken * (k * m.context0 + (m.batch * k * (k - 1)) / 2);
  }

  /** Smallest k ≥ 1 with T_k − t0 ≥ elapsed. */
  private firstEndAtOrAfter(elapsed: number): number {
    const m = this.macro!;
    const a = (m.perToken * m.batch) / 2;
    const b = m.base + m.perToken * m.context0 - a;
    let k = a > 0 ? Math.ceil((-b + Math.sqrt(b * b + 4 * a * elapsed)) / (2 * a)) : Math.ceil(elapsed / b);
    if (!(k >= 1)) k = 1;
    while (k > 1 && this.endOf(k - 1) - m.t0 >= elapsed) k--;
    while (this.endOf(k) - m.t0 < elapsed) k++;
    return k;
  }

  /** Iterations of the current step completed by `nowSeconds` (for sampling occupancy mid macro-step). */
  usedTokensAt(nowSeconds: number): number {
    const m = this.macro;
    if (!this.busyFlag || m === null || m.n <= 1) return this.usedTokens;
    const k = this.firstEndAtOrAfter(nowSeconds - m.t0);
    const done = this.endOf(k) <= nowSeconds ? k : k - 1;
    return this.usedTokens + Math.min(done, m.n) * m.batch;
  }

  /** Forms the next iteration at `nowSeconds`; returns its end time, or NaN when there is nothing to do. */
  startIteration(nowSeconds: number, hooks: EngineHooks): number {
    if (this.busyFlag) return NaN;
    const s = this.settings;
    // TensorRT-LLM's guarantee and SGLang's ratio read the running sequences' remaining output.
    if (s.admission === 'guaranteed-no-evict' || this.ratio !== null) this.batch.settleAll();
    // Prefill-first (SGLang): prompt chunks get the whole budget and, when there are any, run without the decoders.
    const pause = s.prefillPausesDecode === true;
    let budgetLeft = pause ? s.tokenBudget : s.tokenBudget - this.running.length;
    let swapInTokens = 0;
    const chunks = this.prefilling.length > 0 || this.waiting.length > 0 ? [] as { item: WorkItem; tokens: number }[] : NO_CHUNKS;
    for (const item of this.prefilling) {
      if (budgetLeft <= 0) break;
      const take = Math.min(item.needTokens - item.doneTokens, budgetLeft);
      chunks.push({ item, tokens: take });
      budgetLeft -= take;
    }
    // GUARANTEED_NO_EVICT (TensorRT-LLM's default capacity scheduler): every output token an admitted request may
    // still write stays reserved, so a request starts only when its whole life fits beside theirs and none is ever
    // preempted. With nothing admitted, a request is taken as the default admission would (never a deadlock).
    const guaranteed = s.admission === 'guaranteed-no-evict';
    let reservedGrowth = guaranteed ? this.remainingOutputOfAdmitted() : 0;
    // SGLang: the running requests' remaining output × new_token_ratio stays free; each admission takes its prompt and
    // its whole clipped output from what is left (planner/kernel/admission.ts). An idle engine starts the ratio over.
    const ratio = this.ratio;
    if (ratio !== null && this.running.length + this.prefilling.length === 0) ratio.reset();
    let ratioReserve = ratio === null ? 0 : ratio.reserveFor(this.running) + ratio.reserveFor(this.prefilling.map((p) => p.conv));
    while (this.waiting.length > 0 && this.running.length + this.prefilling.length < s.maxBatch) {
      const item = this.waiting[0];
      const conv = item.conv;
      const missing = conv.contextTokens - conv.residentTokens + item.newTokens;
      if (s.wholePrompts === true && !this.wholePromptFits(item, budgetLeft, chunks.length)) break;
      const active = this.running.length + this.prefilling.length;
      const room = guaranteed && active > 0 ? missing + reservedGrowth + conv.remainingOutputTokens : missing + active + 1;
      if (ratio !== null && active > 0 && sglangAdmissionTokens(prospectiveNeedTokens(item), conv) >= this.capacityTokens - this.usedTokens - ratioReserve) break;
      if (!makeRoom(this, s, room, conv, false)) break;
      reservedGrowth += conv.remainingOutputTokens;
      if (ratio !== null) ratioReserve += sglangAdmissionTokens(prospectiveNeedTokens(item), conv);
      this.waiting.shift();
      if (item.deliversFirstToken === true) {
        // A disaggregated request's first token (computed by its prefiller, carried with the KV) reaches the client
        // when this engine takes the request into a batch: at this iteration boundary, before its first decode step.
        if (this.termClock !== null) conv.termsAtFirstToken = this.termClock.stamp();
        hooks.emitToken(conv, nowSeconds, true, 0);
      }
      const plan = planAdmission(item);
      conv.swappedTokens -= plan.swapInTokens;
      swapInTokens += plan.swapInTokens;
      this.usedTokens += plan.allocateTokens;
      conv.residentTokens += plan.allocateTokens;
      if (item.needTokens === 0) {
        if (conv.remainingOutputTokens > 0) this.join(conv);
        else {
          this.idle.add(conv);
          hooks.turnEnded(conv, nowSeconds);
        }
        budgetLeft--;
      } else {
        this.prefilling.push(item);
        if (budgetLeft > 0 || s.wholePrompts === true) {
          const take = s.wholePrompts === true ? item.needTokens : Math.min(item.needTokens, budgetLeft);
          chunks.push({ item, tokens: take });
          budgetLeft -= take;
        }
      }
    }
    // Every decoding sequence and every completing prefill writes one token of KV this iteration.
    for (;;) {
      let growth = pause && chunks.length > 0 ? 0 : this.running.length;
      for (const c of chunks) if (c.item.doneTokens + c.tokens === c.item.needTokens && c.item.emitsToken) growth++;
      if (this.usedTokens + growth <= this.capacityTokens) break;
      const before = this.prefilling.length;
      const preemptedBefore = this.preemptions;
      if (!makeRoom(this, s, growth, null, true)) throw new Error(`KV accounting: engine ${this.index} cannot fit one step (used ${this.usedTokens}, capacity ${this.capacityTokens})`);
      if (this.prefilling.length !== before) for (let i = chunks.length - 1; i >= 0; i--) if (!this.prefilling.includes(chunks[i].item)) chunks.splice(i, 1);
      if (ratio !== null && this.preemptions !== preemptedBefore) ratio.retracted(this.running);
    }
    const batch = pause && chunks.length > 0 ? 0 : this.running.length;
    if (batch === 0 && chunks.length === 0 && swapInTokens === 0) return NaN;
    const decodeContext = batch > 0 ? this.runningContextTokens : 0;
    const stallSeconds = (swapInTokens * this.model.kvBytesPerToken) / s.swapBandwidthBytesPerSecond;
    const m: Macro = { t0: nowSeconds, n: 1, base: 0, perToken: 0, batch, context0: decodeContext, singleEnd: 0, chunks, powerWatts: 0, terms: null, termsPerToken: null };
    const clock = this.termClock;
    if (chunks.length > 0 || stallSeconds > 0 || !s.fast || batch === 0) {
      let dt = stallSeconds;
      // The chunks are one prefill batch (attention against each one's own prefix included, hinges on their total
      // tokens), not a sum of single prompts; the step's floor is paid once, by the decode step or, with nothing
      // decoding, by the prefill batch itself.
      const pieces = chunks.map((c) => ({ newTokens: c.tokens, cachedTokens: c.item.cachedTokens + c.item.doneTokens }));
      if (clock !== null) {
        // A linear step model prices the iteration as one composition (decoders and chunks together: a chunk's GEMMs
        // slow the decoders it rides with), exactly the terms it charges.
        m.terms = clock.iteration(batch, decodeContext, pieces, this.running.length === 0);
        dt += clock.seconds(m.terms);
      } else if (batch > 0) dt += this.model.decodeStepSeconds(batch, decodeContext) + this.model.prefillBatchSeconds(pieces, { ridesDecodeStep: true });
      else if (chunks.length > 0) dt += this.model.prefillBatchSeconds(pieces);
      m.singleEnd = nowSeconds + dt;
      m.powerWatts = batch > 0 ? this.decodeWatts(batch) : this.model.powerWatts('prefill');
    } else {
      const affine = this.decodeAffine(batch);
      m.base = affine.baseSeconds;
      m.perToken = affine.perContextTokenSeconds;
      if (clock !== null) {
        const terms = clock.decodeAffine(batch);
        m.terms = terms.base;
        m.termsPerToken = terms.perContextToken;
      }
      let n = this.batch.minRemaining();
      n = Math.min(n, Math.floor((this.capacityTokens - this.usedTokens) / batch));
      // A decaying new_token_ratio can admit waiting work at any step: re-plan every iteration while work waits.
      if (this.ratio !== null && this.waiting.length > 0) n = 1;
      m.n = Math.max(1, n);
      m.singleEnd = nowSeconds + m.base + m.perToken * m.context0;
      m.powerWatts = this.decodeWatts(batch);
    }
    const end = m.n === 1 ? m.singleEnd : nowSeconds + m.n * m.base + m.perToken * (m.n * m.context0 + (batch * m.n * (m.n - 1)) / 2);
    if (!(end >= nowSeconds && Number.isFinite(end))) throw new Error(`Perf model ${this.model.gpu}/${this.model.llm}/tp${this.model.tp} gave an iteration ending at ${end} s (started ${nowSeconds} s)`);
    this.macro = m;
    this.busyFlag = true;
    this.version++;
    return this.endOf(m.n);
  }

  /** The model's decode step at `batch` (a pure function of it: remembered, the kernel asks for it every iteration). */
  private decodeAffine(batch: number): { readonly baseSeconds: number; readonly perContextTokenSeconds: number } {
    return (this.affineByBatch[batch] ??= this.model.decodeStepAffine(batch));
  }

  private decodeWatts(batch: number): number {
    return (this.wattsByBatch[batch] ??= this.model.powerWatts('decode', batch));
  }

  /** Output tokens the running and prefilling sequences may still write (each writes one KV token per output token). */
  private remainingOutputOfAdmitted(): number {
    let total = 0;
    for (const c of this.running) total += c.remainingOutputTokens;
    for (const item of this.prefilling) total += item.conv.remainingOutputTokens;
    return total;
  }

  /**
   * Chunked prefill off (TensorRT-LLM's default): a prompt runs whole in one iteration, so it is admitted only when it
   * fits what is left of this iteration's token budget (first come, first served: the queue waits behind it). A
   * prompt longer than the whole budget, which the engine itself would reject, runs as the iteration's only prompt.
   */
  private wholePromptFits(item: WorkItem, budgetLeft: number, promptsInStep: number): boolean {
    const need = prospectiveNeedTokens(item);
    if (need <= budgetLeft) return true;
    const fullBudget = this.settings.prefillPausesDecode === true ? this.settings.tokenBudget : this.settings.tokenBudget - this.running.length;
    return promptsInStep === 0 && need > fullBudget;
  }

  private join(conv: ConvState): void {
    conv.joinSeq = ++this.joinCounter;
    this.batch.join(conv);
    this.runningContextTokens += conv.contextTokens;
  }

  /** Commits the planned iterations at their end `nowSeconds`. */
  finishIteration(nowSeconds: number, hooks: EngineHooks): void {
    const m = this.macro!;
    this.busyFlag = false;
    this.macro = null;
    hooks.busy(this.index, m.t0, nowSeconds, m.powerWatts);
    const n = m.n;
    const clock = this.termClock;
    // A prefill-only iteration (prefill-first scheduling) leaves the decoders where they were.
    const batch = m.batch;
    if (clock !== null && m.terms !== null) {
      if (m.termsPerToken === null) clock.add(m.terms);
      else clock.addDecodeRun(m.terms, m.termsPerToken, n, m.batch, m.context0);
    }
    if (batch > 0) {
      this.ratio?.decoded(n);
      // Every running sequence emits n tokens. Sequences that also emitted in the previous iteration (their last
      // token at t0) share their first gap; only fresh joiners need one sample each. Later gaps form the series
      // step_k = base + perToken·(C0 + (k − 1)·B), k = 2..n, shared by all.
      const firstEnd = n === 1 ? nowSeconds : m.t0 + m.base + m.perToken * m.context0;
      const sharedGap = firstEnd - m.t0;
      const running = this.batch;
      running.decoded(m.t0, nowSeconds, n, firstEnd, hooks);
      const { measured, measuredLast, sharedMeasured, sharedMeasuredLast } = running;
      hooks.countTokens(n * batch);
      if (sharedMeasured > 0) hooks.recordGap(sharedGap, sharedMeasured, sharedMeasuredLast);
      if (n > 1) hooks.addTbtSeries(m.base + m.perToken * (m.context0 + batch), m.perToken * batch, n - 1, measured, measuredLast);
      this.usedTokens += n * batch;
      this.runningContextTokens += n * batch;
    }
    for (const { item, tokens } of m.chunks) {
      item.doneTokens += tokens;
      if (item.doneTokens < item.needTokens) continue;
      const at = this.prefilling.indexOf(item);
      if (at < 0) throw new Error(`Engine ${this.index}: a completed chunk's item is not prefilling`);
      this.prefilling.splice(at, 1);
      const conv = item.conv;
      conv.contextTokens += item.newTokens;
      if (item.emitsToken) {
        const first = conv.remainingOutputTokens === conv.spec.turns[conv.turn].outputTokens;
        conv.remainingOutputTokens -= 1;
        conv.contextTokens += 1;
        conv.residentTokens += 1;
        this.usedTokens += 1;
        if (clock !== null && first && conv.turn === 0) conv.termsAtFirstToken = clock.stamp();
        hooks.emitToken(conv, nowSeconds, first, nowSeconds - conv.lastTokenSeconds);
      }
      if (conv.remainingOutputTokens > 0) this.join(conv);
      else {
        if (clock !== null) conv.termsAtLastToken = clock.stamp();
        this.idle.add(conv);
        hooks.turnEnded(conv, nowSeconds);
      }
    }
    for (let i = this.batch.lastDoneBelow(this.running.length); i >= 0; i = this.batch.lastDoneBelow(i)) {
      const conv = this.batch.removeAt(i);
      this.runningContextTokens -= conv.contextTokens;
      if (clock !== null) conv.termsAtLastToken = clock.stamp();
      this.idle.add(conv);
      hooks.turnEnded(conv, nowSeconds);
    }
    if (this.usedTokens > this.capacityTokens) throw new Error(`KV accounting: engine ${this.index} holds ${this.usedTokens} > ${this.capacityTokens} tokens`);
  }

  /** Takes running[i] out of the batch (a preemption), its fields settled. */
  removeRunning(i: number): ConvState {
    return this.batch.removeAt(i);
  }

  /** Releases a conversation's KV and reservation (it finished, or its KV is not kept between turns). */
  release(conv: ConvState): void {
    this.idle.delete(conv);
    this.usedTokens -= conv.residentTokens;
    conv.residentTokens = 0;
    conv.swappedTokens = 0;
    this.reservedTokens -= conv.reservedTokens;
    conv.reservedTokens = 0;
  }
}
