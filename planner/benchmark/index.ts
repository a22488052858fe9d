/** planner/benchmark/: a serving benchmark (vLLM bench serve, aiperf, genai-perf) simulated on the kernel's engines. */
export { runServingBenchmark, benchmarkFleet } from './run.js';
export { vllmDefaultLimits, defaultDisaggLink, VLLM_DEFAULTS_SOURCE } from './defaults.js';
export { RUN_LENGTH_DEFAULTS } from './run-length.js';
export type * from './types.js';
