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

export class EventQueue {
  private readonly heap: KernelEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds an event; equal (time, kind) events pop in push order. */
  push(event: KernelEvent): void {
    if (!Number.isFinite(event.timeSeconds)) throw new RangeError(`Event time must be finite, received ${event.timeSeconds} (${event.kind})`);
    event.rank = KIND_RANK[event.kind];
    event.seq = this.nextSeq++;
    const entry = event;
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
    return top;
  }

  /** Time of the first event, or Infinity. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0].timeSeconds;
  }
}
