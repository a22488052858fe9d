/**
 * The conversation-level scheduler kernel: a discrete-event simulation of a fleet serving a conversation stream
 * under a named policy. The kernel owns the queue and the clock; handlers return the events they cause. It is pure:
 * no I/O, no clock, no global randomness (the workload and the misprediction stream are seeded).
 */
import type { Fleet } from '../../catalogs/types.js';
import { createConvState, peakKvTokens, type ConvState } from './conversation.js';
import type { Engine } from './engine.js';
import { EventQueue, makeEvent, type KernelEvent } from './event-queue.js';
import { setUpFleet } from './fleet-setup.js';
import { MetricsCollector, type InstanceAccount } from './metrics.js';
import { createPolicyFlow } from './policies/index.js';
import type { Prefiller } from './prefiller.js';
import { buildResult, type SimulationResult } from './result.js';
import { certainToMissSlo } from './slo.js';
import { Sim } from './sim.js';
import { computeStandalone } from './standalone.js';
import { isReactive, KernelStoppedError, resolveOptions, type ConversationSpec, type KernelOptions, type PerfModelFor, type RunControl } from './types.js';

/**
 * A single-turn request's TTFT and token-gap terms, when its engines kept step accounting. Disaggregated with the
 * first token delivered by the decoder, TTFT is the prefiller's terms (arrival → prefill done) plus the decoder's
 * (KV landed → admitted) plus the transfer seconds no step charges; both sides share one calibration's terms.
 */
function stepTermsOf(conv: ConvState): { stepTerms?: { ttft: Float64Array; tbtSum: Float64Array; ttftFixedSeconds: number } } {
  const a = conv.termsAtArrival;
  const f = conv.termsAtFirstToken;
  const l = conv.termsAtLastToken;
  if (a === null || f === null || l === null || conv.spec.turns.length !== 1) return {};
  const tbtSum = l.map((v, j) => v - f[j]);
  const p = conv.termsAtPrefillDone;
  const d = conv.termsAtDecoderArrival;
  if (p === null || d === null) return { stepTerms: { ttft: f.map((v, j) => v - a[j]), tbtSum, ttftFixedSeconds: 0 } };
  return { stepTerms: { ttft: f.map((v, j) => p[j] - a[j] + v - d[j]), tbtSum, ttftFixedSeconds: conv.firstTokenFixedSeconds } };
}

/** Arrival events released by a reactive workload carry this target (the iterator's carry -1 and pull the next). */
const RELEASED = -2;

/**
 * Simulates `workload` (conversations in non-decreasing arrival order, pulled lazily) on `fleet` under
 * `options.policy`; returns the metrics of DESIGN.md (without `wall_s`, which only the caller can measure).
 * Throws KernelStoppedError when `options.shouldStop` answers true (checked every `stopCheckEveryEvents` events).
 * @example simulateConversations(fleet, generateConversations(mix, { seed: 1 }), perfModelFor, { policy: 'conserve', seed: 1 })
 */
export function simulateConversations(fleet: Fleet, workload: Iterable<ConversationSpec>, perfModelFor: PerfModelFor, options: KernelOptions): SimulationResult {
  const run = startSimulation(fleet, workload, perfModelFor, options);
  while (!run.advance(Infinity));
  return run.finish();
}

/** A run in progress: advanced in slices by a caller that must yield between them (the CLI, for Ctrl-C). */
export interface KernelRun {
  /** Processes up to `maxEvents` queued events; true once the run is over (then call `finish`). */
  advance(maxEvents: number): boolean;
  /** The metrics of the finished run (only after `advance` returned true). */
  finish(): SimulationResult;
  /** Throws this run's KernelStoppedError at the point reached (a caller saw its stop request between slices). */
  stop(): never;
  /** Counts so far (between slices): what a caller needs to tell whether the run's SLO verdict is already certain. */
  progress(): RunProgress;
}

/** A run's counts so far; each only grows as the run goes on. */
export interface RunProgress {
  readonly nowSeconds: number;
  /** Measured conversations finished so far, and how many of them met every SLO. */
  readonly measuredFinished: number;
  readonly sloMet: number;
  /** Measured conversations still in flight that are already certain to miss the SLO set (slo.ts, certainToMissSlo). */
  readonly inFlightCertainMisses: number;
  /** Whether every admitted conversation finishes before the run ends (no horizon, no workload that stops the run). */
  readonly drains: boolean;
}

/**
 * Sets up a run without processing any event: `simulateConversations` is `advance(Infinity)` then `finish()`, so a
 * run advanced in slices gives the same result byte for byte.
 */
export function startSimulation(fleet: Fleet, workload: Iterable<ConversationSpec>, perfModelFor: PerfModelFor, options: KernelOptions): KernelRun {
  const o = resolveOptions(options);
  const setup = setUpFleet(fleet, perfModelFor, o);
  const accounts: InstanceAccount[] = setup.byInstance.map((inst) => ({ poolIndex: inst.poolIndex, idleWatts: inst.model.powerWatts('idle'), busySeconds: 0, busyJoules: 0, loadedBusySeconds: 0 }));
  const metrics = new MetricsCollector(o.warmupSeconds, accounts, fleet.instances.length, o.sampleIntervalSeconds, o.durationSeconds);
  const sim = new Sim(o, setup, metrics, createPolicyFlow(o.policy));
  const queue = new EventQueue();
  const iterator = workload[Symbol.iterator]();
  let lastArrival = -Infinity;
  let ordinal = 0;
  /**
   * Measured conversations admitted and maybe still in flight, kept only once a caller asks for `progress` (which
   * drops finished ones): a run nobody watches holds no conversation past its finish.
   */
  let live: ConvState[] | null = null;

  let stopRequested = false;
  let nextSample = o.warmupSeconds;
  if (isReactive(workload)) {
    const reactive = workload;
    let nowOfFinish = 0;
    const control: RunControl = {
      get nowSeconds() {
        return nowOfFinish;
      },
      get inFlight() {
        return sim.inFlight;
      },
      endWarmup() {
        if (o.warmupSeconds !== Infinity) throw new RangeError(`endWarmup needs a run started with warmupSeconds Infinity (this one has ${o.warmupSeconds} s)`);
        metrics.endWarmupAt(nowOfFinish);
        nextSample = nowOfFinish;
      },
      endMeasurement() {
        metrics.measureEndSeconds = Math.min(metrics.measureEndSeconds, nowOfFinish);
      },
      stop() {
        stopRequested = true;
      },
    };
    sim.onFinish = (conv, now) => {
      nowOfFinish = now;
      const released = reactive.onFinished({ spec: conv.spec, measured: conv.measured, finishSeconds: now, ttfetSeconds: conv.ttfetSeconds, tbtSumSeconds: conv.tbtSumSeconds, tbtCount: conv.tbtCount, ...stepTermsOf(conv) }, control);
      if (released === undefined) return;
      for (const spec of released) {
        if (!(spec.arrivalSeconds >= now)) throw new RangeError(`Reactive workload released conversation "${spec.id}" arriving at ${spec.arrivalSeconds} s, before the finish at ${now} s that released it`);
        if (spec.arrivalSeconds >= o.durationSeconds) continue;
        sim.out.push(makeEvent(spec.arrivalSeconds, 'arrival', RELEASED, 0, spec));
      }
    };
  }

  const pullArrival = (): void => {
    const next = iterator.next();
    if (next.done === true) return;
    const spec = next.value;
    if (!(spec.arrivalSeconds >= lastArrival)) throw new RangeError(`Workload out of order: conversation "${spec.id}" arrives at ${spec.arrivalSeconds} s after one at ${lastArrival} s`);
    lastArrival = spec.arrivalSeconds;
    if (spec.arrivalSeconds >= o.durationSeconds) return;
    queue.push(makeEvent(spec.arrivalSeconds, 'arrival', -1, 0, spec));
  };

  const onArrival = (spec: ConversationSpec, now: number, released: boolean): void => {
    if (!released) pullArrival();
    const measured = spec.arrivalSeconds >= metrics.warmupSeconds && spec.arrivalSeconds < metrics.measureEndSeconds;
    metrics.arrived++;
    if (measured) metrics.measuredArrived++;
    if (o.onProgress !== undefined && metrics.arrived % o.progressEveryConversations === 0) o.onProgress(now, metrics.arrived);
    if (spec.turns.length === 0) throw new RangeError(`Conversation "${spec.id}" has no turns`);
    if (peakKvTokens(spec) > setup.maxEngineCapacityTokens) {
      metrics.rejected++;
      return;
    }
    for (const t of spec.turns) metrics.requestedOutputTokens += t.outputTokens;
    const conv = createConvState(spec, ordinal++, measured, computeStandalone(spec, setup.referenceModel));
    if (measured && live !== null) live.push(conv);
    sim.inFlight++;
    if (sim.inFlight > metrics.maxInFlight) metrics.maxInFlight = sim.inFlight;
    if (sim.admissionWaiting > 0 || !sim.policy.tryAdmit(sim, conv, now)) sim.enqueueAdmission(conv);
  };

  const startNext = (instance: number, now: number): void => {
    const target = setup.byInstance[instance];
    if (setup.kindOf[instance] === 'prefiller') {
      const end = (target as Prefiller).startIteration(now);
      if (!Number.isNaN(end)) sim.out.push(makeEvent(end, 'prefillerIterationEnd', instance, target.version, null));
    } else {
      const end = (target as Engine).startIteration(now, sim);
      if (!Number.isNaN(end)) sim.out.push(makeEvent(end, 'engineIterationEnd', instance, target.version, null));
    }
  };

  const onWake = (instance: number, now: number): void => {
    setup.byInstance[instance].wakePending = false;
    startNext(instance, now);
  };

  // After an iteration the instance re-plans at once, unless this handler caused something at the same instant
  // (a zero-latency tool, a release): then a wake event (ranked last) lets those land first. Both modes do the same.
  const continueAfterIteration = (instance: number, now: number): void => {
    if (setup.byInstance[instance].wakePending) return;
    for (const e of sim.out) {
      if (e.timeSeconds === now) {
        sim.wake(instance, now);
        return;
      }
    }
    startNext(instance, now);
  };

  const onSample = (now: number): void => {
    const engines = setup.engines;
    metrics.recordOccupancy(now, engines.length, (i) => engines[i].poolIndex, (i) => engines[i].usedTokensAt(now) / engines[i].capacityTokens);
  };

  const handle = (ev: KernelEvent, now: number): void => {
    switch (ev.kind) {
      case 'arrival':
        onArrival(ev.payload as ConversationSpec, now, ev.target === RELEASED);
        break;
      case 'transferDone':
        sim.policy.transferDone(sim, ev.payload as ConvState, now);
        break;
      case 'turnReady':
        sim.policy.turnReady(sim, ev.payload as ConvState, now);
        break;
      case 'prefillerIterationEnd': {
        const p = setup.byInstance[ev.target] as Prefiller;
        const { completed, startSeconds, powerWatts } = p.finishIteration();
        metrics.recordBusy(ev.target, startSeconds, now, powerWatts);
        for (const job of completed) sim.policy.prefillDone(sim, job.conv, job, now);
        continueAfterIteration(ev.target, now);
        break;
      }
      case 'engineIterationEnd':
        (setup.byInstance[ev.target] as Engine).finishIteration(now, sim);
        continueAfterIteration(ev.target, now);
        break;
      case 'wake':
        onWake(ev.target, now);
        break;
      case 'sample':
        onSample(now);
        break;
      case 'prefillerJobDone':
        throw new Error('prefillerJobDone is not used');
    }
  };

  pullArrival();
  let now = 0;
  let stoppedAtHorizon = false;
  let done = false;
  let sinceStopCheck = 0;
  const shouldStop = o.shouldStop;
  const advance = (maxEvents: number): boolean => {
    for (let processed = 0; !done && processed < maxEvents; processed++) {
      // A cooperative stop, counted in popped events (no clock in the kernel): cheap enough to leave always on.
      if (shouldStop !== undefined && ++sinceStopCheck >= o.stopCheckEveryEvents) {
        sinceStopCheck = 0;
        if (shouldStop()) throw new KernelStoppedError(now, metrics.events);
      }
      // Occupancy samples run on a fixed grid while anything else is pending, so both modes sample the same instants.
      if (queue.size > 0 && nextSample <= queue.peekTime() && nextSample <= o.horizonSeconds) {
        queue.push(makeEvent(nextSample, 'sample', -1, 0, null));
        nextSample += o.sampleIntervalSeconds;
      }
      const ev = queue.pop();
      if (ev === undefined) {
        done = true;
        break;
      }
      if (ev.timeSeconds > o.horizonSeconds) {
        stoppedAtHorizon = true;
        now = o.horizonSeconds;
        done = true;
        break;
      }
      if ((ev.kind === 'engineIterationEnd' || ev.kind === 'prefillerIterationEnd') && setup.byInstance[ev.target].version !== ev.version) continue;
      now = ev.timeSeconds;
      metrics.events++;
      handle(ev, now);
      const out = sim.out;
      if (out.length > 0) {
        sim.out = [];
        for (const e of out) queue.push(e);
      }
      if (stopRequested) {
        // The workload ended the run: macro-steps commit the iterations done by now (as the reference mode has), and
        // iterations under way count as busy up to now, like any measured interval.
        for (let i = 0; i < setup.byInstance.length; i++) {
          const busy = setup.kindOf[i] === 'engine' ? (setup.byInstance[i] as Engine).settleAt(now, sim) : (setup.byInstance[i] as Prefiller).inProgress();
          if (busy !== null) metrics.recordBusy(i, busy.startSeconds, now, busy.powerWatts);
        }
        done = true;
      }
    }
    return done;
  };
  let finished = false;
  const finish = (): SimulationResult => {
    if (!done) throw new Error('finish() before the run is over: advance() until it returns true');
    if (finished) throw new Error('finish() called twice');
    finished = true;
    for (const e of setup.engines) metrics.preemptionsTotal += e.preemptions;
    return buildResult({ fleet, options: o, setup, metrics, simEndSeconds: now, inFlight: sim.inFlight, admissionWaiting: sim.admissionWaiting, stoppedAtHorizon });
  };
  const stop = (): never => {
    throw new KernelStoppedError(now, metrics.events);
  };
  const progress = (): RunProgress => {
    live = (live ?? []).filter((c) => !c.done);
    let inFlightCertainMisses = 0;
    if (o.slo !== undefined) for (const c of live) if (certainToMissSlo(c, o.slo, now)) inFlightCertainMisses++;
    return { nowSeconds: now, measuredFinished: metrics.measuredFinished, sloMet: metrics.sloMet, inFlightCertainMisses, drains: o.horizonSeconds === Infinity && !isReactive(workload) };
  };
  return { advance, finish, stop, progress };
}
