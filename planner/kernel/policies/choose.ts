/**
 * The decisions a real scheduler can make from observable state alone: queued prefill work, KV occupancy and
 * reservations, the first turn's input length. Ties go to the lowest instance index, so runs are deterministic.
 */
import type { Engine } from '../engine.js';
import type { Prefiller } from '../prefiller.js';

/** The prefiller with the least queued prefill work (seconds, including the iteration in progress). */
export function chooseLeastQueuedPrefiller(prefillers: readonly Prefiller[], nowSeconds: number): Prefiller {
  let best = prefillers[0];
  let bestWork = best.queuedWorkAt(nowSeconds);
  for (let i = 1; i < prefillers.length; i++) {
    const work = prefillers[i].queuedWorkAt(nowSeconds);
    if (work < bestWork) {
      best = prefillers[i];
      bestWork = work;
    }
  }
  return best;
}

/**
 * The decoder with the most unreserved KV among those that can hold `reservationTokens` more, or undefined.
 * `minCapacityTokens` keeps conversations off engines too small for them ever (a kernel safety, not an observation).
 */
export function chooseMostFreeReservation(engines: readonly Engine[], reservationTokens: number, minCapacityTokens: number): Engine | undefined {
  let best: Engine | undefined;
  let bestFree = -Infinity;
  for (const e of engines) {
    if (e.capacityTokens < minCapacityTokens) continue;
    const free = e.capacityTokens - e.reservedTokens;
    if (free >= reservationTokens && free > bestFree) {
      best = e;
      bestFree = free;
    }
  }
  return best;
}

/** The engine with the most free KV now (capacity − resident − queued), for colocated pinning. */
export function chooseMostFreeKv(engines: readonly Engine[], minCapacityTokens: number, nowSeconds: number): Engine | undefined {
  let best: Engine | undefined;
  let bestFree = -Infinity;
  for (const e of engines) {
    if (e.capacityTokens < minCapacityTokens) continue;
    const free = e.capacityTokens - e.usedTokensAt(nowSeconds) - e.queuedTokens();
    if (free > bestFree) {
      best = e;
      bestFree = free;
    }
  }
  return best;
}
