/**
 * What one conversation of a class costs a decoder (or the decode half of a colocated engine) at a batch size:
 * step time, decoder time share, later-turn prefill on the decoder, resident KV token-seconds (Little's law: KV
 * stays resident through tool waits until the last turn ends), and the decoder-side part of TTFET.
 */
import type { PerfModel } from '../../models/types.js';
import type { ClassProfile } from './class-profile.js';

/** Decode step seconds of a batch of `batch` sequences of this class's mean decoding context. */
export function stepSeconds(perf: PerfModel, profile: ClassProfile, batch: number): number {
  return perf.decodeStepSeconds(batch, batch * profile.meanDecodeContextTokens, 0);
}

/** Seconds of later-turn prefill (appended tokens against resident history) for turn i ≥ 1 (0-based). */
export function laterPrefillSeconds(perf: PerfModel, profile: ClassProfile, turn: number, appendedTokens = profile.appendedMeanTokens): number {
  return perf.prefillSeconds(appendedTokens, profile.historyTokens[turn]);
}

/** Expected later-turn prefill seconds per conversation (all turns after the first). */
export function expectedLaterPrefillSeconds(perf: PerfModel, profile: ClassProfile): number {
  let sum = 0;
  for (let i = 1; i < profile.survival.length; i++) sum += profile.survival[i] * laterPrefillSeconds(perf, profile, i);
  return sum;
}

/**
 * Decoder-side TTFET path at the percentile turn count: decode every earlier turn at `step` seconds per token, wait
 * each tool call, prefill each appended input, then one step for the last turn's first token.
 */
export function decoderPathSeconds(perf: PerfModel, profile: ClassProfile, step: number): number {
  const k = profile.turnsAtPercentile;
  let path = step;
  for (let i = 0; i < k - 1; i++) path += profile.outputMeanTokens[i] * step + profile.toolMeanSeconds;
  for (let i = 1; i < k; i++) path += laterPrefillSeconds(perf, profile, i);
  return path;
}

/**
 * Resident KV token-seconds per conversation when steps take `step` seconds: context held while each turn decodes
 * (growing by half its output on average), through each tool wait, and while each later input is prefilled.
 */
export function kvTokenSeconds(perf: PerfModel, profile: ClassProfile, step: number, includeFirstPrefill: boolean): number {
  const s = profile.survival;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const out = profile.outputMeanTokens[i];
    const start = profile.decodeStartTokens[i];
    sum += s[i] * (start + out / 2) * out * step;
    if (i + 1 < s.length) sum += s[i + 1] * (start + out) * profile.toolMeanSeconds;
    if (i >= 1) sum += s[i] * profile.historyTokens[i] * laterPrefillSeconds(perf, profile, i);
  }
  if (includeFirstPrefill) sum += (profile.firstInputMeanTokens / 2) * perf.prefillSeconds(profile.firstInputMeanTokens, 0);
  return sum;
}

/** Instance-seconds of decoding per conversation at batch b: every output token occupies 1/b of a step. */
export function decodeShareSeconds(profile: ClassProfile, step: number, batch: number): number {
  return (profile.outputTokensPerConversation * step) / batch;
}

/** Mean KV tokens of the conversation at its percentile turn count (must fit one decoder). */
export function peakContextTokens(profile: ClassProfile): number {
  const last = profile.turnsAtPercentile - 1;
  return profile.decodeStartTokens[last] + profile.outputMeanTokens[last];
}
