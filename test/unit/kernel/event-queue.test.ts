import { describe, expect, it } from 'vitest';
import { compareEventKeys, EventQueue, KIND_RANK, makeEvent, type EventKind } from '../../../planner/kernel/event-queue.js';

const ev = (timeSeconds: number, kind: EventKind, target: number) => makeEvent(timeSeconds, kind, target, 0, null);

describe('EventQueue', () => {
  it('compareEventKeys() orders by time, then kind rank, then sequence', () => {
    const key = (timeSeconds: number, rank: number, seq: number) => ({ timeSeconds, rank, seq });
    expect(compareEventKeys(key(1, 5, 0), key(2, 0, 1))).toBeLessThan(0);
    expect(compareEventKeys(key(1, 0, 9), key(1, 1, 0))).toBeLessThan(0);
    expect(compareEventKeys(key(1, 1, 3), key(1, 1, 4))).toBeLessThan(0);
    expect(compareEventKeys(key(1, 1, 4), key(1, 1, 4))).toBe(0);
  });

  it('pops arrivals before engine re-plans at the same instant, and equal keys in push order', () => {
    const q = new EventQueue();
    q.push(ev(1, 'wake', 0));
    q.push(ev(1, 'engineIterationEnd', 1));
    q.push(ev(0.5, 'sample', 2));
    q.push(ev(1, 'arrival', 3));
    q.push(ev(1, 'arrival', 4));
    const order: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) order.push(e.target);
    expect(order).toEqual([2, 3, 4, 1, 0]);
    expect(KIND_RANK.arrival).toBeLessThan(KIND_RANK.engineIterationEnd);
  });

  it('sorts 10,000 random events exactly as a stable sort by (time, rank) would', () => {
    const q = new EventQueue();
    const kinds = Object.keys(KIND_RANK) as EventKind[];
    const pushed: { t: number; r: number; i: number }[] = [];
    let x = 12345;
    for (let i = 0; i < 10_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const t = (x % 50) / 10;
      const kind = kinds[x % kinds.length];
      q.push(ev(t, kind, i));
      pushed.push({ t, r: KIND_RANK[kind], i });
    }
    const expected = [...pushed].sort((a, b) => a.t - b.t || a.r - b.r || a.i - b.i).map((p) => p.i);
    const got: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) got.push(e.target);
    expect(got).toEqual(expected);
  });

  it('push() rejects a non-finite time', () => {
    expect(() => new EventQueue().push(ev(NaN, 'arrival', 0))).toThrow('Event time must be finite, received NaN (arrival)');
  });
});
