/**
 * Issue 13's example shape, shared by the tests that plan it: one agent class on llama-3.1-8b (2–6 turns, first input
 * ~4,000 tokens, appended 300, output 100, 1 conv/s) and its targets (TTFET p95 ≤ 30 s, TTFT p95 ≤ 1 s, TBT p95 ≤
 * 60 ms, attainment 0.9), as mix and SLO documents.
 */
export const ISSUE13_MIX_YAML = `kind: mix
id: agent-8b
name: One agent class on llama-3.1-8b
description: issue 13's example shape
llm: llama-3.1-8b
classes:
  - id: agent
    description: an agent; only the final answer is user-visible
    arrival_rate_per_s: 1.0
    arrival: {poisson: {}}
    turns: {uniform: {min: 2, max: 6}}
    first_input_tokens: {lognormal: {median: 4000, sigma: 0.3}}
    appended_input_tokens: {fixed: 300}
    output_tokens: {fixed: 100}
    tool_latency_s: {exponential: {mean: 1}}
    user_visible_turns: last
`;

export const ISSUE13_SLO_YAML = `kind: slo
id: issue13
description: issue 13's example targets
attainment: 0.9
targets:
  - { metric: ttfet_s, percentile: 95, max: 30 }
  - { metric: ttft_s, percentile: 95, max: 1 }
  - { metric: tbt_ms, percentile: 95, max: 60 }
sources: {targets: "issue 13"}
`;
