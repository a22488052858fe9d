/**
 * SGLang's admission reserve (python/sglang/srt/managers/schedule_policy.py PrefillAdder, scheduler.py; defaults of
 * python/sglang/srt/environ / global_config): a waiting request is admitted only while its prompt plus its whole
 * (clipped) max_new_tokens fit in the free KV less a reserve for the running requests' remaining output, each counted
 * at `new_token_ratio` of it. The ratio starts at 0.7 (× schedule_conservativeness, default 1), decays linearly to
 * 0.14 of that over 600 decode steps, is raised after a retraction (KV ran out mid-decode) to what the surviving
 * batch has shown it needs, and returns to 0.7 whenever the engine goes idle.
 */
import type { ConvState } from './conversation.js';

/** Output tokens a reserve counts per request at most (CLIP_MAX_NEW_TOKENS). */
export const SGLANG_CLIP_MAX_NEW_TOKENS = 4096;
/** new_token_ratio at start and after idle (SGLANG_INIT_NEW_TOKEN_RATIO × schedule_conservativeness 1.0). */
export const SGLANG_INIT_NEW_TOKEN_RATIO = 0.7;
/** Floor of the ratio as a share of its initial value (SGLANG_MIN_NEW_TOKEN_RATIO_FACTOR). */
export const SGLANG_MIN_NEW_TOKEN_RATIO_FACTOR = 0.14;
/** Decode steps over which the ratio decays from its initial value to its floor (SGLANG_NEW_TOKEN_RATIO_DECAY_STEPS). */
export const SGLANG_NEW_TOKEN_RATIO_DECAY_STEPS = 600;
/** Decode steps per request a retraction's new ratio allows for (SGLANG_RETRACT_DECODE_STEPS). */
export const SGLANG_RETRACT_DECODE_STEPS = 20;

/** Output tokens of the current turn a request has produced so far. */
function decodedTokens(conv: ConvState): number {
  return conv.spec.turns[conv.turn].outputTokens - conv.remainingOutputTokens;
}

/** One engine's new_token_ratio and the reserve it implies. */
export class NewTokenRatio {
  value = SGLANG_INIT_NEW_TOKEN_RATIO;
  private readonly floor = SGLANG_INIT_NEW_TOKEN_RATIO * SGLANG_MIN_NEW_TOKEN_RATIO_FACTOR;
  private readonly decayPerStep = (SGLANG_INIT_NEW_TOKEN_RATIO - this.floor) / SGLANG_NEW_TOKEN_RATIO_DECAY_STEPS;

  /** `steps` decode iterations ran. */
  decoded(steps: number): void {
    this.value = Math.max(this.floor, this.value - this.decayPerStep * steps);
  }

  /** The engine is idle (nothing running or prefilling). */
  reset(): void {
    this.value = SGLANG_INIT_NEW_TOKEN_RATIO;
  }

  /** A retraction left `running`: the ratio becomes (decoded + 20 per request) / max_new over them, at most 1. */
  retracted(running: readonly ConvState[]): void {
    let decoded = 0;
    let maxNew = 0;
    for (const c of running) {
      decoded += decodedTokens(c);
      maxNew += c.spec.turns[c.turn].outputTokens;
    }
    this.value = Math.min(1, (decoded + SGLANG_RETRACT_DECODE_STEPS * running.length) / (maxNew + 1));
  }

  /** KV tokens held back for the remaining output of the admitted requests. */
  reserveFor(admitted: Iterable<ConvState>): number {
    let total = 0;
    for (const c of admitted) total += Math.min(c.remainingOutputTokens, SGLANG_CLIP_MAX_NEW_TOKENS) * this.value;
    return total;
  }
}

/** What admitting a request adds to the reserve: its prompt and its whole clipped remaining output. */
export function sglangAdmissionTokens(needTokens: number, conv: ConvState): number {
  return needTokens + Math.min(conv.remainingOutputTokens, SGLANG_CLIP_MAX_NEW_TOKENS);
}
