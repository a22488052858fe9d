/**
 * The what-if start both end-to-end what-if tests run from (whatif-cli.test.ts: flags and a scenario file;
 * whatif-session.test.ts: the interactive menu) and the start's part of the transcript, pinned here once: the
 * swe-agent-paper mix on qwen3-0.6b / a40 under the relaxed SLO, 120 s checks.
 */

/** The start as `fleetplan whatif` flags. */
export const WHATIF_START_FLAGS = ['--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '120'];

/** The same start as a scenario file's `start:` line. */
export const WHATIF_START_YAML = 'start: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 120 }';

/** What a session prints for its start (normalised by normaliseWhatif), before the first change. */
export const WHATIF_START_TRANSCRIPT = `start: swe-agent-paper (swe-agent-5-turns 1 conv/s), SLO relaxed, qwen3-0.6b on a40, objective tco; re-planned in #.# s (one solve + 120 s simulated under conserve)
                                    start
instances a40/tp1/bf16/decode/210w  4
instances a40/tp1/bf16/prefill/tdp  2
GPUs                                6
TCO USD                             39,451
J per output token                  1.488
peak GPU power kW                   1.4
margin p95 ttfet_s slowdown         66.1%
margin p95 ttft_s                   99.4%
margin p95 last_turn_tbt_ms         93.1%
margin slo_attainment               11.1%
holds                               yes
the plan holds in the short check
`;

/**
 * A transcript with what varies between runs masked: wall-clock re-planning times (by machine) and the scratch folder
 * in `wrote …` lines (`wrote report: <dir>/r.html` from flags, `wrote <dir>/whatif-report.html` from the menu).
 */
export function normaliseWhatif(text: string): string {
  return text.replace(/re-planned in \d+\.\d s/g, 're-planned in #.# s').replace(/wrote ((?:scenario|report): )?\/[^ ;\n]*\//g, 'wrote $1<dir>/');
}
