/**
 * The planner's public surface (other folders import only from here); planner/README.md maps the stage folders.
 */
export type { LpModel, LpRow, LpVariable, LpSolution, LpSolveOptions, LpSolver, LpStatus } from './milp/lp-model.js';
export { relaxModel, evaluateObjective } from './milp/lp-model.js';
export { verifySolution } from './milp/verify.js';
export { solveModel, type SolverName, type SolverInfo, type VerifiedSolution } from './milp/solve.js';
export { jsLpSolver, solveWithJsLp } from './milp/solvers/jslp.js';
export { highsSolver, solveWithHighs } from './milp/solvers/highs.js';
export { planFleet } from './milp/plan.js';
export { planAndCheck, cutsForMisses, type CheckPlan, type CheckResult, type SloVerdict, type PoolObservation, type LoopResult, type LoopOptions, type Round } from './check/loop.js';
export { planToFleet, type FleetOptions } from './check/fleet.js';
export { planToJson, loopToJson } from './result/plan-json.js';
export { deriveDemand, type Demand, type DemandEntry } from './demand/demand.js';
export { formulatePlan, type Formulation } from './milp/formulate.js';
export { resolveOptions } from './options.js';
export { enumeratePools } from './demand/pools.js';
export type * from './types.js';
export { createKernelChecker, simulateForCheck, toCheckResult, type KernelCheckOptions, type KernelCheckResult } from './check/kernel-check.js';
export { createPerfModelFor } from './demand/perf-adapter.js';
export { sweepCostEnergy, compareTiers, type ParetoPoint, type TierComparison } from './sweep/tiers.js';
export { tightenBounds } from './milp/bounds.js';
export { checkTiers, type CheckedTiers } from './sweep/tiers.js';
export { rankAttainmentContributors, jointQuantile, interpolateQuantile, type AttainmentContributor } from './demand/attainment.js';
export { fleetOptionsFor } from './check/loop.js';
export { tiersToJson, paretoPointToJson } from './result/tiers-json.js';
export { parseGridSpec, enumerateCells, parseShard, selectShard, type GridSpec, type Cell, type Shard } from './sweep/grid.js';
export { runCell, scaleScenario, type ScenarioBase, type CellResult } from './sweep/scenario.js';
export { mergeShards, toShardDocument, type ShardDocument } from './sweep/merge.js';
export { checkToJson } from './result/plan-json.js';
export { runServingBenchmark, benchmarkFleet, vllmDefaultLimits, defaultDisaggLink, VLLM_DEFAULTS_SOURCE, RUN_LENGTH_DEFAULTS, type BenchmarkSpec, type BenchmarkOptions, type BenchmarkResult, type EngineLimits, type InstanceSet } from './benchmark/index.js';
