/**
 * The planner's public surface (other folders import only from here).
 */
export type { LpModel, LpRow, LpVariable, LpSolution, LpSolveOptions, LpSolver, LpStatus } from './lp-model.js';
export { relaxModel, evaluateObjective } from './lp-model.js';
export { verifySolution } from './verify.js';
export { solveModel, type SolverName, type SolverInfo, type VerifiedSolution } from './solve.js';
export { jsLpSolver, solveWithJsLp } from './solvers/jslp.js';
export { highsSolver, solveWithHighs } from './solvers/highs.js';
export { planFleet } from './plan.js';
export { planAndCheck, cutsForMisses, type CheckPlan, type CheckResult, type SloVerdict, type PoolObservation, type LoopResult, type LoopOptions, type Round } from './loop.js';
export { planToFleet, type FleetOptions } from './fleet.js';
export { planToJson, loopToJson } from './plan-json.js';
export { deriveDemand, type Demand, type DemandEntry } from './demand.js';
export { formulatePlan, type Formulation } from './formulate.js';
export { resolveOptions } from './options.js';
export { enumeratePools } from './pools.js';
export type * from './types.js';
export { createKernelChecker, simulateForCheck, toCheckResult, type KernelCheckOptions, type KernelCheckResult } from './kernel-check.js';
export { createPerfModelFor } from './perf-adapter.js';
export { sweepCostEnergy, compareTiers, type ParetoPoint, type TierComparison } from './sweep.js';
export { tightenBounds } from './bounds.js';
export { checkTiers, type CheckedTiers } from './sweep.js';
export { rankAttainmentContributors, jointQuantile, interpolateQuantile, type AttainmentContributor } from './attainment.js';
export { fleetOptionsFor } from './loop.js';
export { tiersToJson, paretoPointToJson } from './tiers-json.js';
export { parseGridSpec, enumerateCells, parseShard, selectShard, type GridSpec, type Cell, type Shard } from './sweep/grid.js';
export { runCell, scaleScenario, type ScenarioBase, type CellResult } from './sweep/scenario.js';
export { mergeShards, toShardDocument, type ShardDocument } from './sweep/merge.js';
export { checkToJson } from './plan-json.js';
