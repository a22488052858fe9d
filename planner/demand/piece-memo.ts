/**
 * The two dearest pieces of the demand table, remembered across the tables of one `plan`: the per-class profile and
 * a prefill pool's batch service. `plan` derives one table for the whole catalog and one per GPU type (the single-type
 * side: the best homogeneous plan and its loop), and every one of them re-profiled the same classes and rebuilt the
 * same pools' batch services (the README command: about half of the demand derivation, itself the largest share of
 * the main thread's time). Both are pure functions of their inputs — the batch service's figures do not depend on the
 * order they are asked in (batch-service.ts: one seeded stream per sample count) — so remembering them changes no
 * answer. Keyed on the objects themselves (WeakMaps: a class of the request's mix, a performance model of the
 * request's cache, the profile's prompt grid), so nothing outlives the request.
 */
import type { ConversationClass, Role } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/types.js';
import { buildBatchService, prefillLimitsFor, type BatchService } from './batch-service.js';
import { profileClass, type ClassProfile, type TtftQuantileInputs } from './class-profile.js';

const profiles = new WeakMap<ConversationClass, Map<string, ClassProfile>>();

/** profileClass(c, percentile, ttft), remembered per class object. */
export function memoProfileClass(c: ConversationClass, percentile: number, ttft?: TtftQuantileInputs): ClassProfile {
  let byInputs = profiles.get(c);
  if (!byInputs) profiles.set(c, (byInputs = new Map()));
  const key = JSON.stringify([percentile, ttft ?? null]);
  let out = byInputs.get(key);
  if (!out) byInputs.set(key, (out = profileClass(c, percentile, ttft)));
  return out;
}

const services = new WeakMap<PerfModel, Map<Role, WeakMap<readonly number[], BatchService>>>();

/** The batch service of prompts drawn from `promptGrid` on an instance of `role` priced by `perf`, remembered. */
export function memoPrefillBatchService(perf: PerfModel, role: Role, promptGrid: readonly number[]): BatchService {
  let byRole = services.get(perf);
  if (!byRole) services.set(perf, (byRole = new Map()));
  let byGrid = byRole.get(role);
  if (!byGrid) byRole.set(role, (byGrid = new WeakMap()));
  let out = byGrid.get(promptGrid);
  if (!out) byGrid.set(promptGrid, (out = buildBatchService(promptGrid, prefillLimitsFor(role), (pieces) => perf.prefillBatchSeconds(pieces))));
  return out;
}
