/**
 * The regression forms, grounded in the roofline. Prefill: a fixed floor (launch, weight read), a per-token compute
 * term, an attention term in per-sequence token pairs (Σ s², not (Σ s)²), a per-sequence term, and hinges in the
 * batch's total tokens where the GEMMs leave the memory-bound regime (a convex piecewise-linear roofline,
 * non-negative by construction). Six coefficients: a one-factor-at-a-time profile (Splitwise) has only ~13 distinct
 * prefill configurations per instance, so every term must be pinned by rows on both sweeps.
 * Decode: weights read once per step, per-sequence work, and KV read proportional to total context (so a step is
 * exactly affine in context, which the kernel's macro-steps rely on).
 */

/**
 * Knots (total new tokens in the batch) of the prefill hinges: 512, where the weight-read floor gives way to compute
 * (flat below it on H100), and 2048, where both Splitwise sweeps step up (2048 → 4096 tokens costs 2.4–2.9×). A third
 * knot at 8192 was dropped: only the batch-32/64 rows lie beyond it, and they also carry the per-sequence term, so
 * its slope was not identifiable (with it, distinct-configuration hold-out MAPE on A100 TP8 was 9.9% mean / 17.4%
 * worst seed; without, 7.7% / 12.6%; on the row, distinct and random splits no group's mean rose by more than 0.1 points).
 */
export const PREFILL_KNOTS_TOKENS = [512, 2048] as const;

export const PREFILL_FEATURE_NAMES = ['fixed_s', 'per_token_s', 'per_attention_pair_s', 'per_sequence_s', 'hinge_512_s', 'hinge_2048_s'] as const;
export const DECODE_FEATURE_NAMES = ['fixed_s', 'per_sequence_s', 'per_context_token_s'] as const;

/** Prefill design row for a batch of `batch` sequences, each with `newTokensPerSequence` new and `cachedTokensPerSequence` cached. */
export function prefillFeatures(newTokensPerSequence: number, cachedTokensPerSequence: number, batch: number): number[] {
  const total = newTokensPerSequence * batch;
  // Causal attention: each new token attends to the cached prefix and to the new tokens before it.
  const pairs = batch * newTokensPerSequence * (newTokensPerSequence + 2 * cachedTokensPerSequence);
  return [1, total, pairs, batch, ...PREFILL_KNOTS_TOKENS.map((k) => Math.max(0, total - k))];
}

/** One sequence's share of a prefill iteration: `newTokens` computed against `cachedTokens` already resident. */
export interface PrefillPiece {
  readonly newTokens: number;
  readonly cachedTokens: number;
}

/** The prefill pieces of one iteration as totals (empty pieces skipped): how a step priced by per-sequence averages sees them. */
export function prefillPieceTotals(pieces: readonly PrefillPiece[]): { tokens: number; cached: number; sequences: number } {
  let tokens = 0;
  let cached = 0;
  let sequences = 0;
  for (const p of pieces) {
    if (!(p.newTokens > 0)) continue;
    tokens += p.newTokens;
    cached += Math.max(0, p.cachedTokens);
    sequences++;
  }
  return { tokens, cached, sequences };
}

/**
 * Prefill design row for one iteration of heterogeneous pieces: the same features as `prefillFeatures`, summed the
 * way the batch sums them — tokens and per-sequence attention pairs add up, the count is the pieces that compute
 * anything, and the hinges bend at the batch's *total* new tokens (a sum of single-prompt rows would apply the floor
 * k times and the hinges to each prompt alone). Equals `prefillFeatures(n / b, c / b, b)` for b identical pieces.
 */
export function prefillBatchFeatures(pieces: readonly PrefillPiece[]): number[] {
  let total = 0;
  let pairs = 0;
  let sequences = 0;
  for (const p of pieces) {
    if (!(p.newTokens > 0)) continue;
    const cached = Math.max(0, p.cachedTokens);
    total += p.newTokens;
    pairs += p.newTokens * (p.newTokens + 2 * cached);
    sequences++;
  }
  return [1, total, pairs, sequences, ...PREFILL_KNOTS_TOKENS.map((k) => Math.max(0, total - k))];
}

/** Decode design row: one step of `batch` sequences whose contexts sum to `totalContextTokens`. */
export function decodeFeatures(batch: number, totalContextTokens: number): number[] {
  return [1, batch, totalContextTokens];
}

/** Dot product of coefficients and a design row. */
export function evaluateLinear(coefficients: readonly number[], features: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < features.length; i++) s += coefficients[i] * features[i];
  return s;
}
