/**
 * Leave-one-model-out for MoE rows. Their terms have the dense terms' slots and meanings (moe-step-terms.ts), so they
 * share fit.ts's scopes (`*` → backend → backend × GPU → backend × GPU × precision) with the dense rows: an MoE model
 * is predicted by coefficients fitted on every dense run and on the other MoE architectures' runs. The per-backend
 * software costs (per step, per sequence, per request) and kernel efficiencies the dense rows pin down for a backend ×
 * GPU × precision then carry over to an MoE model that backend serves. A model is held out together with every
 * catalog LLM of the same architecture (DeepSeek-R1 and DeepSeek-V3 share every shape, so predicting one from a fit
 * on the other would be in-sample): the held-out architecture is never in its own fit.
 */
import type { LlmSpec } from '../../catalogs/types.js';
import { fitServingScopes, predictRun, type CalibrationRow, type FittedScope, type ServingFitOptions } from './fit.js';
import type { HeldOutPrediction } from './holdout.js';

/** What identifies an architecture: every shape the step terms read (names and sources aside). */
export function architectureKey(llm: LlmSpec): string {
  const { id: _id, name: _name, sources: _sources, maxContextTokens: _ctx, ...shape } = llm;
  return JSON.stringify(shape, Object.keys(shape).sort());
}

/**
 * Architecture groups of the given LLMs, named by their ids joined with `+` (e.g. `deepseek-r1+deepseek-v3`), keyed by
 * LLM id.
 */
export function architectureGroups(llms: readonly LlmSpec[]): Map<string, string> {
  const byKey = new Map<string, string[]>();
  for (const l of llms) byKey.set(architectureKey(l), [...(byKey.get(architectureKey(l)) ?? []), l.id]);
  const out = new Map<string, string>();
  for (const ids of byKey.values()) for (const id of ids) out.set(id, [...ids].sort().join('+'));
  return out;
}

const groupOfRow = (groupOf: ReadonlyMap<string, string>, r: CalibrationRow) => groupOf.get(r.run.llm) ?? r.run.llm;

/** The scopes that predict the MoE rows of `held` (an architecture group): fitted on the dense rows and every other group's rows. */
export function moeHeldOutScopes(dense: readonly CalibrationRow[], rows: readonly CalibrationRow[], groupOf: ReadonlyMap<string, string>, held: string, options: ServingFitOptions = {}): FittedScope[] {
  return fitServingScopes([...dense, ...rows.filter((r) => groupOfRow(groupOf, r) !== held)], options);
}

/** Predicts every MoE row with coefficients fitted on the dense rows and the other architecture groups. */
export function moeHoldOutPredictions(dense: readonly CalibrationRow[], rows: readonly CalibrationRow[], groupOf: ReadonlyMap<string, string>, options: ServingFitOptions = {}): HeldOutPrediction[] {
  const groups = [...new Set(rows.map((r) => groupOfRow(groupOf, r)))].sort();
  const out: HeldOutPrediction[] = [];
  for (const held of groups) {
    const mine = rows.filter((r) => groupOfRow(groupOf, r) === held);
    const scopes = moeHeldOutScopes(dense, rows, groupOf, held, options);
    for (const row of mine) out.push({ row, ...predictRun(scopes, row), heldOut: held });
  }
  return out;
}
