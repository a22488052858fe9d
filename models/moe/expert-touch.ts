/**
 * How many distinct experts a step touches. With b tokens each routed to k of E experts, uniformly and independently
 * (what a load-balanced router aims for), one expert is missed by all b tokens with probability (1 − k/E)^b, so the
 * expected number touched is E·(1 − (1 − k/E)^b): k at b = 1, E as b → ∞ (DeepSeek-V3, top-8 of 256: 97% of the
 * experts at b = 108, so a decode step of 64+ sequences reads nearly every expert's weights).
 */

/** Expected distinct experts touched by `tokens` tokens of top-`expertsPerToken` routing over `experts`. */
export function expectedDistinctExperts(experts: number, expertsPerToken: number, tokens: number): number {
  if (!(experts >= 1) || !(expertsPerToken >= 1) || expertsPerToken > experts) {
    throw new RangeError(`top-${expertsPerToken} of ${experts} experts: expected 1 ≤ experts_per_token ≤ experts`);
  }
  if (tokens <= 0) return 0;
  return experts * (1 - (1 - expertsPerToken / experts) ** tokens);
}

/** The same, for the E/ep experts one expert-parallel rank holds (each is touched with the same probability). */
export function expectedDistinctExpertsPerRank(experts: number, expertsPerToken: number, tokens: number, ep: number): number {
  return expectedDistinctExperts(experts, expertsPerToken, tokens) / ep;
}

/**
 * Distinct experts per rank under aiconfigurator's `balanced` routing (its kernel tables): token-expert pairs dealt
 * round-robin over the experts, so a rank's E/ep experts are all touched once its share of the pairs, b·k/ep, reaches
 * them. Used to read the tables, never to predict serving.
 */
export function balancedDistinctExpertsPerRank(experts: number, expertsPerToken: number, tokens: number, ep: number): number {
  return Math.min(experts / ep, (tokens * expertsPerToken) / ep);
}
