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
  readonly kind: EventKind;
  /** Instance index, conversation slot or unused (-1), depending on kind. */
  readonly target: number;
  /** Engine version the event was planned against; stale events are skipped. */
  readonly version: number;
  /** Opaque payload for the handler (a conversation state for transfers and turns). */
  readonly payload: unknown;
}

interface Entry {
  readonly t: number;
  readonly r: number;
  readonly s: number;
  readonly e: KernelEvent;
}

/** Compares two queue keys: negative when `a` runs first. Exported so the order is tested directly. */
export function compareEventKeys(a: { t: number; r: number; s: number }, b: { t: number; r: number; s: number }): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (a.r !== b.r) return a.r - b.r;
  return a.s - b.s;
}

export class EventQueue {
  private readonly heap: Entry[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds an event; equal (time, kind) events pop in push order. */
  push(event: KernelEvent): void {
    if (!Number.isFinite(event.timeSeconds)) throw new RangeError(`Event time must be finite, received ${event.timeSeconds} (${event.kind})`);
    const entry: Entry = { t: event.timeSeconds, r: KIND_RANK[event.kind], s: this.nextSeq++, e: event };
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareEventKeys(heap[parent], entry) <= 0) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  /** Removes and returns the first event, or undefined when empty. */
  pop(): KernelEvent | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && compareEventKeys(heap[r], heap[l]) < 0 ? r : l;
        if (compareEventKeys(heap[c], last) >= 0) break;
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = last;
    }
    return top.e;
  }

  /** Time of the first event, or Infinity. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0].t;
  }
}
