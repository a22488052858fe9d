/**
 * `per-turn-disagg` (the paper's "Full Disagg"): every turn is placed anew, re-prefilled on a prefiller with its
 * full context (no cross-turn KV reuse) and its KV transferred to the decoder with the most unreserved KV that can
 * hold the turn; the decoder frees it when the turn ends.
 */
import { isLastTurn, type ConvState } from '../conversation.js';
import type { Engine } from '../engine.js';
import type { PrefillJob } from '../prefiller.js';
import type { PolicyFlow, Sim } from '../sim.js';
import { admitToDecoderAndPrefill } from './admit.js';

function endTurn(sim: Sim, conv: ConvState, now: number): void {
  if (conv.engineIndex >= 0) {
    const engine = sim.fleet.byInstance[conv.engineIndex] as Engine;
    engine.release(conv);
    conv.engineIndex = -1;
    if (engine.waiting.length > 0 && !engine.busyFlag) sim.wake(engine.index, now);
  }
  if (isLastTurn(conv)) sim.finish(conv, now);
  else {
    sim.scheduleNextTurn(conv, now);
    sim.retryAdmission(now);
  }
}

/** Builds the per-turn-disagg flow. */
export function createPerTurnDisaggFlow(): PolicyFlow {
  return {
    tryAdmit(sim, conv, now) {
      const turn = conv.spec.turns[conv.turn];
      const reservation = conv.contextTokens + turn.inputTokens + turn.outputTokens;
      return admitToDecoderAndPrefill(sim, conv, reservation, conv.contextTokens + turn.inputTokens, now);
    },

    prefillDone(sim, conv, _job: PrefillJob, now) {
      conv.contextTokens += conv.spec.turns[conv.turn].inputTokens;
      sim.emitFirstToken(conv, now);
      if (conv.remainingOutputTokens === 0) {
        endTurn(sim, conv, now);
        return;
      }
      const p = sim.fleet.byInstance[conv.prefillerIndex];
      sim.transfer(conv, conv.contextTokens, sim.fleet.toDecoder[p.poolIndex]!, p.model.kvBytesPerToken, now, true);
    },

    transferDone(sim, conv, now) {
      const engine = sim.fleet.byInstance[conv.engineIndex] as Engine;
      sim.submitToEngine(engine, { conv, newTokens: 0, emitsToken: false, arrivedTokens: conv.contextTokens, needTokens: 0, doneTokens: 0, cachedTokens: 0 }, now);
    },

    turnEnded(sim, conv, now) {
      endTurn(sim, conv, now);
    },

    turnReady(sim, conv, now) {
      sim.advanceTurn(conv, now);
      if (sim.admissionWaiting > 0 || !this.tryAdmit(sim, conv, now)) sim.enqueueAdmission(conv);
    },
  };
}
