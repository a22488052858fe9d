/**
 * The disaggregated admission step both conserve and per-turn-disagg take: reserve KV on the decoder with the most
 * unreserved KV that can hold the conversation, then queue the prefill on the least-loaded prefiller. False (and
 * nothing changed) when no decoder can hold the reservation: the conversation waits in the admission queue.
 */
import { peakKvTokens, type ConvState } from '../conversation.js';
import type { Sim } from '../sim.js';
import { chooseLeastQueuedPrefiller, chooseMostFreeReservation } from './choose.js';

export function admitToDecoderAndPrefill(sim: Sim, conv: ConvState, reservationTokens: number, prefillTokens: number, nowSeconds: number): boolean {
  const engine = chooseMostFreeReservation(sim.fleet.engines, reservationTokens, peakKvTokens(conv.spec));
  if (engine === undefined) return false;
  conv.engineIndex = engine.index;
  conv.reservedTokens = reservationTokens;
  engine.reservedTokens += reservationTokens;
  const p = chooseLeastQueuedPrefiller(sim.fleet.prefillers, nowSeconds);
  conv.prefillerIndex = p.index;
  sim.submitPrefill(p, { conv, kind: 'prefill', newTokens: prefillTokens, cachedTokens: 0, serviceSeconds: 0 }, nowSeconds);
  return true;
}
