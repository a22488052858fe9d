/**
 * The kernel's event queue: a binary min-heap ordered by (timeSeconds, kindRank, seq). `seq` is a per-queue counter,
 * so the order is total and runs are deterministic byte for byte. Handlers never touch the queue: they return new
 * events and the kernel pushes them (vidur's shape).
 */

/** Event kinds in their tie-break order at equal times: arrivals and hand-overs before engines re-plan. */
export const KIND_RANK = {
  arrival: 0,
  transferDone: 1,
  turnReady: 2,
  prefillerJobDone: 3,
  prefillerIterationEnd: 4,
  engineIterationEnd: 5,
  sample: 6,
  wake: 7,
} as const;

export type EventKind = keyof typeof KIND_RANK;

export interface KernelEvent {
  readonly timeSeconds: number;
  /** Filled by the queue on push: KIND_RANK[kind] and the per-queue sequence number. */
  rank: number;
  seq: number;
  readonly kind: EventKind;
  /** Instance index, conversation slot or unused (-1), depending on kind. */
  readonly target: number;
  /** Engine version the event was planned against; stale events are skipped. */
  readonly version: number;
  /** Opaque payload for the handler (a conversation state for transfers and turns). */
  readonly payload: unknown;
}

/** A new event (one allocation: the queue keys it in place). */
export function makeEvent(timeSeconds: number, kind: EventKind, target: number, version: number, payload: unknown): KernelEvent {
  return { timeSeconds, rank: 0, seq: 0, kind, target, version, payload };
}

/** Compares two queue keys: negative when `a` runs first. Exported so the order is tested directly. */
export function compareEventKeys(a: { timeSeconds: number; rank: number; seq: number }, b: { timeSeconds: number; rank: number; seq: number }): number {
  if (a.timeSeconds !== b.timeSeconds) return a.timeSeconds < b.timeSeconds ? -1 : 1;
  if (a.rank !== b.rank) return a.rank - b.rank;
  return a.seq - b.seq;
}

/** rank·2^40 + seq: one float64 tie-break key, exact while seq < 2^40 (a trillion pushes) and rank ≤ 7. */
const SEQ_SPAN = 2 ** 40;

/**
 * A binary min-heap whose keys live in two typed arrays (time, tie-break) beside the event references: sifting reads
 * contiguous float64s instead of chasing an object per comparison, which was the kernel's largest single cost.
 */
export class EventQueue {
  private times = new Float64Array(1024);
  private ties = new Float64Array(1024);
  private readonly events: (KernelEvent | null)[] = [];
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Adds an event; equal (time, kind) events pop in push order. */
  push(event: KernelEvent): void {
    const t = event.timeSeconds;
    if (!Number.isFinite(t)) throw new RangeError(`Event time must be finite, received ${t} (${event.kind})`);
    if (this.nextSeq >= SEQ_SPAN) throw new RangeError('Event queue: more than 2^40 events pushed');
    event.rank = KIND_RANK[event.kind];
    event.seq = this.nextSeq++;
    const tie = event.rank * SEQ_SPAN + event.seq;
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const ties = this.ties;
    const events = this.events;
    let i = this.count++;
    if (i === events.length) events.push(null);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < t || (pt === t && ties[parent] < tie)) break;
      times[i] = pt;
      ties[i] = ties[parent];
      events[i] = events[parent];
      i = parent;
    }
    times[i] = t;
    ties[i] = tie;
    events[i] = event;
  }

  /** Removes and returns the first event, or undefined when empty. */
  pop(): KernelEvent | undefined {
    if (this.count === 0) return undefined;
    const times = this.times;
    const ties = this.ties;
    const events = this.events;
    const top = events[0]!;
    const n = --this.count;
    if (n > 0) {
      const lastTime = times[n];
      const lastTie = ties[n];
      const last = events[n];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && ties[r] < ties[l]))) c = r;
        const ct = times[c];
        if (ct > lastTime || (ct === lastTime && ties[c] > lastTie)) break;
        times[i] = ct;
        ties[i] = ties[c];
        events[i] = events[c];
        i = c;
      }
      times[i] = lastTime;
      ties[i] = lastTie;
      events[i] = last;
    }
    events[n] = null; // no reference kept to a popped event
    return top;
  }

  /** Time of the first event, or Infinity. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0];
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const ties = new Float64Array(this.ties.length * 2);
    ties.set(this.ties);
    this.ties = ties;
  }
}
