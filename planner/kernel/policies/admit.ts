/**
 * The disaggregated admission step both conserve and per-turn-disagg take: reserve KV on the decoder with the most
 * unreserved KV that can hold the conversation, then queue the prefill on the least-loaded prefiller. False (and
 * nothing changed) when no decoder can hold the reservation: the conversation waits in the admission queue.
 * With KernelOptions.workerRouting 'round-robin' (`turns`, one per flow) both choices go in turn instead.
 */
import { peakKvTokens, type ConvState } from '../conversation.js';
import type { Engine } from '../engine.js';
import type { Sim } from '../sim.js';
import { chooseLeastQueuedPrefiller, chooseMostFreeReservation } from './choose.js';

/** The round-robin counters of one run (Dynamo's frontend keeps one per worker set). */
export interface RoundRobinTurns {
  decoder: number;
  prefiller: number;
}

/** The next decoder in turn that can hold the reservation (starting from the counter), or undefined. */
function nextDecoderInTurn(engines: readonly Engine[], turns: RoundRobinTurns, reservationTokens: number, minCapacityTokens: number): Engine | undefined {
  for (let k = 0; k < engines.length; k++) {
    const e = engines[(turns.decoder + k) % engines.length];
    if (e.capacityTokens < minCapacityTokens || e.capacityTokens - e.reservedTokens < reservationTokens) continue;
    turns.decoder = (turns.decoder + k + 1) % engines.length;
    return e;
  }
  return undefined;
}

export function admitToDecoderAndPrefill(sim: Sim, conv: ConvState, reservationTokens: number, prefillTokens: number, nowSeconds: number, turns?: RoundRobinTurns): boolean {
  const roundRobin = turns !== undefined && sim.options.workerRouting === 'round-robin';
  const engine = roundRobin ? nextDecoderInTurn(sim.fleet.engines, turns, reservationTokens, peakKvTokens(conv.spec)) : chooseMostFreeReservation(sim.fleet.engines, reservationTokens, peakKvTokens(conv.spec));
  if (engine === undefined) return false;
  conv.engineIndex = engine.index;
  conv.reservedTokens = reservationTokens;
  engine.reservedTokens += reservationTokens;
  let p = sim.fleet.prefillers[0];
  if (roundRobin) {
    p = sim.fleet.prefillers[turns.prefiller % sim.fleet.prefillers.length];
    turns.prefiller = (turns.prefiller + 1) % sim.fleet.prefillers.length;
  } else p = chooseLeastQueuedPrefiller(sim.fleet.prefillers, nowSeconds);
  conv.prefillerIndex = p.index;
  sim.submitPrefill(p, { conv, kind: 'prefill', newTokens: prefillTokens, cachedTokens: 0, serviceSeconds: 0 }, nowSeconds);
  return true;
}
