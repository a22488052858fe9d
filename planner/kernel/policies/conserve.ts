/**
 * `conserve` (the paper's policy) and `per-turn-predict` (its baseline). Turn 1 goes to the prefiller with the
 * least queued prefill work; the conversation is admitted only when a decoder can hold its KV reservation (the
 * decoder with the most unreserved KV wins), otherwise it waits in the admission queue. Its KV moves to that decoder
 * once and stays there: later turns are prefilled on the decoder against the resident prefix.
 * per-turn-predict differs only in later turns: a share (the misprediction rate) is sent to a prefiller and pays
 * history transfer + prefill there + transfer back + KV management, holding the prefiller the whole time.
 */
import { isLastTurn, peakKvTokens, type ConvState } from '../conversation.js';
import type { Engine } from '../engine.js';
import type { PrefillJob } from '../prefiller.js';
import type { PolicyFlow, Sim } from '../sim.js';
import { admitToDecoderAndPrefill } from './admit.js';
import { chooseLeastQueuedPrefiller } from './choose.js';

function engineOf(sim: Sim, conv: ConvState): Engine {
  return sim.fleet.byInstance[conv.engineIndex] as Engine;
}

/** The observed reservation: turn-1 input + output ('grow'), or the whole conversation ('peak', an oracle). */
function firstReservation(sim: Sim, conv: ConvState): number {
  if (sim.options.reservation === 'peak') return peakKvTokens(conv.spec);
  const t = conv.spec.turns[0];
  return t.inputTokens + t.outputTokens;
}

/** KV management on a mispredicted turn: the history's KV written out and back in once each, at decode memory speed. */
function kvManagementSeconds(engine: Engine, historyTokens: number): number {
  return 2 * historyTokens * engine.model.decodeStepAffine(1).perContextTokenSeconds;
}

/** Builds the conserve flow; `mispredict` turns it into per-turn-predict. */
export function createConserveFlow(mispredict: boolean): PolicyFlow {
  return {
    tryAdmit(sim, conv, now) {
      return admitToDecoderAndPrefill(sim, conv, firstReservation(sim, conv), conv.spec.turns[0].inputTokens, now);
    },

    prefillDone(sim, conv, job: PrefillJob, now) {
      const engine = engineOf(sim, conv);
      if (job.kind === 'composite') {
        // The mispredicted turn comes back: its KV (history + appended + first token) is on the decoder again.
        conv.away = false;
        conv.contextTokens += conv.spec.turns[conv.turn].inputTokens;
        sim.emitFirstToken(conv, now);
        sim.submitToEngine(engine, { conv, newTokens: 0, emitsToken: false, arrivedTokens: conv.contextTokens, needTokens: 0, doneTokens: 0, cachedTokens: 0 }, now);
        return;
      }
      conv.contextTokens += job.newTokens;
      // The first token is computed here; where the client receives it is the run's choice (KernelOptions.firstTokenAt).
      const atDecoder = sim.options.firstTokenAt === 'decoder' && conv.remainingOutputTokens > 1;
      if (atDecoder) sim.computeFirstToken(conv);
      else sim.emitFirstToken(conv, now);
      if (conv.remainingOutputTokens === 0 && isLastTurn(conv)) {
        sim.finish(conv, now);
        return;
      }
      const p = sim.fleet.byInstance[conv.prefillerIndex];
      const seconds = sim.transfer(conv, conv.contextTokens, sim.fleet.toDecoder[p.poolIndex]!, p.model.kvBytesPerToken, now, true);
      if (atDecoder) {
        conv.firstTokenPending = true;
        conv.firstTokenFixedSeconds = seconds;
      }
    },

    transferDone(sim, conv, now) {
      const deliversFirstToken = conv.firstTokenPending;
      conv.firstTokenPending = false;
      sim.submitToEngine(engineOf(sim, conv), { conv, newTokens: 0, emitsToken: false, arrivedTokens: conv.contextTokens, needTokens: 0, doneTokens: 0, cachedTokens: 0, ...(deliversFirstToken ? { deliversFirstToken } : {}) }, now);
    },

    turnEnded(sim, conv, now) {
      if (isLastTurn(conv)) sim.finish(conv, now);
      else sim.scheduleNextTurn(conv, now);
    },

    turnReady(sim, conv, now) {
      sim.advanceTurn(conv, now);
      const engine = engineOf(sim, conv);
      const turn = conv.spec.turns[conv.turn];
      if (sim.options.reservation === 'grow') {
        const grown = Math.max(conv.reservedTokens, conv.contextTokens + turn.inputTokens + turn.outputTokens);
        engine.reservedTokens += grown - conv.reservedTokens;
        conv.reservedTokens = grown;
      }
      if (mispredict && sim.mispredictStream() < sim.options.mispredictionRate) {
        engine.idle.delete(conv);
        conv.away = true;
        const p = chooseLeastQueuedPrefiller(sim.fleet.prefillers, now);
        const history = conv.contextTokens;
        const bytesPerToken = engine.model.kvBytesPerToken;
        const inSeconds = sim.transfer(conv, history, sim.fleet.toPrefiller[p.poolIndex]!, bytesPerToken, now, false);
        const prefill = p.model.prefillSeconds(turn.inputTokens, history);
        const outSeconds = sim.transfer(conv, history + turn.inputTokens, sim.fleet.toDecoder[p.poolIndex]!, bytesPerToken, now, false);
        const service = inSeconds + prefill + outSeconds + kvManagementSeconds(engine, history);
        sim.submitPrefill(p, { conv, kind: 'composite', newTokens: turn.inputTokens, cachedTokens: history, serviceSeconds: service }, now);
        return;
      }
      sim.submitToEngine(engine, { conv, newTokens: turn.inputTokens, emitsToken: true, arrivedTokens: 0, needTokens: 0, doneTokens: 0, cachedTokens: 0 }, now);
    },
  };
}
