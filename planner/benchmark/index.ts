/** planner/benchmark/: a serving benchmark (vLLM bench serve, aiperf, genai-perf) simulated on the kernel's engines. */
export { runServingBenchmark, runServingBenchmarkSliced, runServingBenchmarkWithTerms, benchmarkFleet, type BenchmarkTerms } from './run.js';
export { backendDefaultLimits, vllmDefaultLimits, defaultDisaggLink, VLLM_DEFAULTS_SOURCE } from './defaults.js';
export { RUN_LENGTH_DEFAULTS } from './run-length.js';
export type * from './types.js';
export { benchmarkMeasuredRun, measuredRunCommand, measuredRunOptions, measuredRunSpec, measuredRunTerms, singleScopeCalibration, MEASURED_RUN_SEED, REFERENCE_COEFFICIENTS } from './measured-run.js';
export { benchmarkDisaggRun, disaggRunCommand, disaggRunOptions, disaggRunSpec } from './disagg-run.js';
