/**
 * `colocated` (vLLM style, no disaggregation): every instance prefills and decodes. A conversation is pinned at
 * arrival to the engine with the most free KV; its turns are prefilled there in chunks against the cached prefix
 * (prefix caching) and decoded there; its KV stays through tool waits unless memory pressure evicts it.
 */
import { isLastTurn, peakKvTokens } from '../conversation.js';
import type { Engine } from '../engine.js';
import type { PolicyFlow } from '../sim.js';
import { chooseMostFreeKv } from './choose.js';

/** Builds the colocated flow. */
export function createColocatedFlow(): PolicyFlow {
  return {
    tryAdmit(sim, conv, now) {
      const engine = chooseMostFreeKv(sim.fleet.engines, peakKvTokens(conv.spec), now);
      if (engine === undefined) return false;
      conv.engineIndex = engine.index;
      sim.submitToEngine(engine, { conv, newTokens: conv.spec.turns[0].inputTokens, emitsToken: true, arrivedTokens: 0, needTokens: 0, doneTokens: 0, cachedTokens: 0 }, now);
      return true;
    },
    prefillDone() {
      throw new Error('colocated runs no prefillers');
    },
    transferDone() {
      throw new Error('colocated moves no KV');
    },
    turnEnded(sim, conv, now) {
      if (isLastTurn(conv)) sim.finish(conv, now);
      else sim.scheduleNextTurn(conv, now);
    },
    turnReady(sim, conv, now) {
      sim.advanceTurn(conv, now);
      const engine = sim.fleet.byInstance[conv.engineIndex] as Engine;
      sim.submitToEngine(engine, { conv, newTokens: conv.spec.turns[conv.turn].inputTokens, emitsToken: true, arrivedTokens: 0, needTokens: 0, doneTokens: 0, cachedTokens: 0 }, now);
    },
  };
}
