/**
 * The command table of DESIGN.md (CLI contract): every command, its flags, an example that works when pasted, and the
 * function that runs it.
 */
import type { KvDtype, Precision } from '../../../catalogs/types.js';
import type { CommandContext } from '../context.js';
import { choiceFlag, collect, listFlag, numberFlag } from '../flags.js';
import { EXPORT_TARGETS } from '../../export/types.js';
import type { WorkloadArgs } from './simulate.js';

// Each command's module (and what it pulls in: handlebars, the solvers, the kernel, piscina) is imported when the
// command runs, not at start-up: `--version`, `catalog` or `export` need none of the others.
const runCatalog = async (...a: Parameters<typeof import('./catalog.js').runCatalog>) => (await import('./catalog.js')).runCatalog(...a);
const runFit = async (...a: Parameters<typeof import('./fit.js').runFit>) => (await import('./fit.js')).runFit(...a);
const runCalibrate = async (...a: Parameters<typeof import('./calibrate.js').runCalibrate>) => (await import('./calibrate.js')).runCalibrate(...a);
const runPredict = async (...a: Parameters<typeof import('./predict.js').runPredict>) => (await import('./predict.js')).runPredict(...a);
const runReport = async (...a: Parameters<typeof import('./report.js').runReport>) => (await import('./report.js')).runReport(...a);
const runSimulate = async (...a: Parameters<typeof import('./simulate.js').runSimulate>) => (await import('./simulate.js')).runSimulate(...a);
const runCompare = async (...a: Parameters<typeof import('./compare.js').runCompare>) => (await import('./compare.js')).runCompare(...a);
const runPlan = async (...a: Parameters<typeof import('./plan.js').runPlan>) => (await import('./plan.js')).runPlan(...a);
const runValidate = async (...a: Parameters<typeof import('./validate.js').runValidate>) => (await import('./validate.js')).runValidate(...a);
const runWhatIf = async (...a: Parameters<typeof import('./whatif.js').runWhatIf>) => (await import('./whatif.js')).runWhatIf(...a);
const runSweep = async (...a: Parameters<typeof import('./sweep.js').runSweep>) => (await import('./sweep.js')).runSweep(...a);
const runMerge = async (...a: Parameters<typeof import('./merge.js').runMerge>) => (await import('./merge.js')).runMerge(...a);
const runBenchmark = async (...a: Parameters<typeof import('./benchmark.js').runBenchmark>) => (await import('./benchmark.js')).runBenchmark(...a);
const runExport = async (...a: Parameters<typeof import('./export.js').runExport>) => (await import('./export.js')).runExport(...a);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const files = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly parse?: (value: string, previous: never) => unknown;
  readonly default?: unknown;
  readonly choices?: readonly string[];
  /** A flag the command cannot run without (commander reports it missing as a usage error). */
  readonly required?: boolean;
}

export interface CommandSpec {
  /** commander usage: name plus positionals, e.g. `validate <plan>`. */
  readonly usage: string;
  readonly positionals: number;
  readonly description: string;
  readonly example: string;
  readonly options: readonly OptionSpec[];
  readonly run: (positional: string[], options: Record<string, unknown>, ctx: CommandContext) => Promise<number>;
}

const POLICIES = ['conserve', 'per-turn-predict', 'per-turn-disagg', 'colocated'] as const;

const catalogOption: OptionSpec = { flags: '--catalog <file>', description: 'a catalog file (gpu, llm, mix, slo, datacenter) that adds or overrides entries by id; repeatable', parse: collect as never };
const calibrationOption: OptionSpec = { flags: '--calibration <file>', description: 'a serving calibration written by fleetplan calibrate, or "builtin" (fitted on the staged dense silicon runs; MoE pools get its scopes on their MoE step terms; docs/accuracy.md): step times from measured serving runs (recorded in the result\'s inputs and hash)' };
const backendOption: OptionSpec = { flags: '--backend <name>', description: 'serving engine, with or without --calibration: every pool\'s KV is what its memory default leaves and the simulated engines run its scheduler (admission, prefill pausing, whole prompts); with --calibration, its fitted overheads apply (default: the calibration\'s default_backend; without either flag, vLLM\'s KV rule and scheduler)', choices: ['vllm', 'sglang', 'trtllm'] };
const jsonOption: OptionSpec = { flags: '--json', description: 'print one JSON document on stdout and nothing else there' };
const seedOption: OptionSpec = { flags: '--seed <n>', description: 'random seed (one seed, separate streams per consumer)', parse: numberFlag({ integer: true, min: 0 }) as never };

/** Kernel settings shared by simulate and compare. */
const kernelOptions: OptionSpec[] = [
  { flags: '--warmup-s <n>', description: 'seconds excluded from statistics (default: a tenth of the duration)', parse: numberFlag({ min: 0 }) as never },
  { flags: '--rate-per-s <n>', description: 'override every class\'s arrival rate (conversations/s); Poisson rate for traces without timestamps', parse: numberFlag({ exclusiveMin: 0, limited: true }) as never },
  { flags: '--mispredict-rate <r>', description: 'per-turn-predict: share of later turns mispredicted (default 0.1)', parse: numberFlag({ min: 0, max: 1 }) as never },
  { flags: '--reservation <kind>', description: 'conserve KV reservation: grow (observed) or peak (oracle)', choices: ['grow', 'peak'] },
  { flags: '--preemption <kind>', description: 'when a decoder runs out of KV: recompute or swap', choices: ['recompute', 'swap'] },
  { flags: '--mode <mode>', description: 'fast (closed-form macro-steps) or reference (per iteration)', choices: ['fast', 'reference'] },
];

function workloadArgs(o: Record<string, unknown>): WorkloadArgs {
  return {
    plan: str(o.plan), fleet: str(o.fleet), mix: str(o.mix), trace: str(o.trace), traceFormat: str(o.traceFormat) as WorkloadArgs['traceFormat'],
    ratePerS: num(o.ratePerS), durationS: num(o.durationS), warmupS: num(o.warmupS), seed: num(o.seed), slo: str(o.slo),
    mispredictionRate: num(o.mispredictRate), reservation: str(o.reservation) as WorkloadArgs['reservation'],
    preemption: str(o.preemption) as WorkloadArgs['preemption'], mode: str(o.mode) as WorkloadArgs['mode'], catalogFiles: files(o.catalog), calibration: str(o.calibration), backend: str(o.backend) as never,
  };
}

export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    usage: 'plan', positionals: 0,
    description: 'size prefill and decode pools per GPU type for a traffic mix under SLOs, then prove the plan in the simulator',
    example: 'fleetplan plan --mix coding-agent --llm llama-3.1-70b --gpus h100-sxm,h200,l40s --slo standard --out plan-out',
    options: [
      { flags: '--mix <id|file>', description: 'traffic mix (catalog id or file)' },
      { flags: '--llm <id>', description: 'LLM to serve (default: the mix\'s)' },
      { flags: '--gpus <list>', description: 'candidate GPU type ids, comma separated (default: all in the catalog)', parse: listFlag as never },
      { flags: '--precisions <list>', description: 'weight formats to consider, comma separated: bf16, fp8, fp4 (default: every format each GPU has)', parse: listFlag as never },
      { flags: '--tp <list>', description: 'attention tensor-parallel degrees to consider, comma separated (default 1,2,4,8; a model no node holds keeps its attention TP among them and spreads experts across nodes)', parse: listFlag as never },
      { flags: '--ep <list>', description: 'expert-parallel degrees to consider on a mixture-of-experts LLM, comma separated (default 1,2,4,8, and as wide as a model no node holds needs, up to 4 nodes; given, the list bounds that multi-node search too; dense LLMs run ep 1)', parse: listFlag as never },
      { flags: '--slo <id|file>', description: 'SLO set (catalog id or file)' },
      { flags: '--ttfet-p95-s <n>', description: 'p95 TTFET target in seconds (instead of --slo)', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--tbt-p95-ms <n>', description: 'p95 TBT target in milliseconds (instead of --slo)', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--objective <name>', description: 'what to minimise', choices: ['tco', 'energy', 'gpus'], default: 'tco' },
      { flags: '--power-cap-kw <n>', description: 'facility cap on GPU power, kW', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--budget-usd <n>', description: 'budget over the horizon, USD', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--horizon-years <n>', description: 'TCO horizon in years (at most 100)', parse: numberFlag({ exclusiveMin: 0, max: 100 }) as never, default: 3 },
      { flags: '--solver <name>', description: 'LP/MILP backend', choices: ['jslp', 'highs'] },
      { flags: '--pareto', description: 'also compute the cost–energy Pareto front' },
      { flags: '--no-trim', description: 'keep the first plan that holds (default: remove instances while it still holds, half a pool first, halving on a miss, up to 8 kernel checks, then look for a cheaper fleet)' },
      { flags: '--check-seeds <n>', description: 'a plan holds only if it holds at this many check seeds (--seed, --seed+1, …; at most 100)', parse: numberFlag({ integer: true, min: 1, max: 100 }) as never, default: 3 },
      seedOption,
      { flags: '--out <dir>', description: 'write plan.yaml, plan.json and report.html here' },
      calibrationOption, backendOption, jsonOption, catalogOption,
    ],
    run: (_p, o, ctx) =>
      runPlan({
        mix: str(o.mix), llm: str(o.llm), gpus: o.gpus as string[] | undefined, precisions: o.precisions as string[] | undefined, ep: o.ep as string[] | undefined, tp: o.tp as string[] | undefined, slo: str(o.slo), ttfetP95S: num(o.ttfetP95S), tbtP95Ms: num(o.tbtP95Ms),
        objective: str(o.objective) as never, powerCapKw: num(o.powerCapKw), budgetUsd: num(o.budgetUsd), horizonYears: num(o.horizonYears),
        solver: str(o.solver) as never, pareto: Boolean(o.pareto), noTrim: o.trim === false, checkSeeds: num(o.checkSeeds), seed: num(o.seed), out: str(o.out), json: Boolean(o.json), catalogFiles: files(o.catalog), calibration: str(o.calibration), backend: str(o.backend) as never,
      }, ctx),
  },
  {
    usage: 'simulate', positionals: 0,
    description: 'run the conversation-level scheduler kernel on a fleet and a mix or trace under one policy',
    example: 'fleetplan simulate --fleet examples/fleets/paper-a40.yaml --mix swe-agent-paper --policy conserve --duration-s 600',
    options: [
      { flags: '--plan <file>', description: 'a plan file to simulate (its fleet)' },
      { flags: '--fleet <file>', description: 'a fleet file' },
      { flags: '--mix <id|file>', description: 'traffic mix (catalog id or file)' },
      { flags: '--trace <file>', description: 'a conversation trace (fleetplan JSONL, Azure CSV, Mooncake JSONL)' },
      { flags: '--trace-format <name>', description: 'trace format (default: from the file)', choices: ['fleetplan-jsonl', 'azure-csv', 'mooncake-jsonl', 'conserve-csv'] },
      { flags: '--policy <name>', description: 'scheduling policy', parse: choiceFlag(POLICIES) as never, default: 'conserve' },
      { flags: '--slo <id|file>', description: 'SLO set for attainment (default: standard)' },
      { flags: '--duration-s <n>', description: 'simulated seconds of arrivals', parse: numberFlag({ exclusiveMin: 0, limited: true }) as never },
      ...kernelOptions,
      seedOption, { flags: '--out <dir>', description: 'write result.json and report.html here' }, calibrationOption, backendOption, jsonOption, catalogOption,
    ],
    run: (_p, o, ctx) => runSimulate({ ...workloadArgs(o), policy: str(o.policy) as never, out: str(o.out), json: Boolean(o.json) }, ctx),
  },
  {
    usage: 'compare', positionals: 0,
    description: 'run several policies on the same fleet and stream and tabulate their metrics',
    example: 'fleetplan compare --mix swe-agent-paper --fleet examples/fleets/paper-a40.yaml --policies conserve,per-turn-predict,per-turn-disagg,colocated',
    options: [
      { flags: '--mix <id|file>', description: 'traffic mix (catalog id or file)' },
      { flags: '--trace <file>', description: 'a conversation trace instead of a mix' },
      { flags: '--trace-format <name>', description: 'trace format (default: from the file)', choices: ['fleetplan-jsonl', 'azure-csv', 'mooncake-jsonl', 'conserve-csv'] },
      { flags: '--fleet <file>', description: 'a fleet file' },
      { flags: '--plan <file>', description: 'a plan file (its fleet)' },
      { flags: '--policies <list>', description: 'policies, comma separated', parse: listFlag as never, default: [...POLICIES] },
      { flags: '--slo <id|file>', description: 'SLO set for attainment' },
      { flags: '--duration-s <n>', description: 'simulated seconds of arrivals', parse: numberFlag({ exclusiveMin: 0, limited: true }) as never },
      ...kernelOptions,
      { flags: '--scenario <name>', description: 'a built-in scenario instead of --fleet/--mix: paper (the ConServe experiment; --trace points at its SWE-agent CSV)', choices: ['paper'] },
      { flags: '--conversations <n>', description: 'conversations per run of a scenario (default 1500)', parse: numberFlag({ integer: true, min: 1, limited: true }) as never },
      seedOption, { flags: '--out <dir>', description: 'write comparison.json and report.html here' }, jsonOption, catalogOption,
    ],
    run: (_p, o, ctx) => runCompare({ ...workloadArgs(o), policies: o.policies as string[], out: str(o.out), json: Boolean(o.json), scenario: str(o.scenario), conversations: num(o.conversations) }, ctx),
  },
  {
    usage: 'validate <plan>', positionals: 1,
    description: 'check that a plan meets its SLOs under simulation (exit 0 holds, 1 fails, 2 bad input)',
    example: 'fleetplan validate plan-out/plan.yaml --junit results.xml',
    options: [
      { flags: '--mix <id|file>', description: 'traffic mix (default: the plan\'s)' },
      { flags: '--slo <id|file>', description: 'SLO set (default: the plan\'s)' },
      { flags: '--junit <file>', description: 'write a JUnit XML report (one test case per SLO per class)' },
      { flags: '--duration-s <n>', description: 'simulated seconds of arrivals', parse: numberFlag({ exclusiveMin: 0, limited: true }) as never },
      seedOption, calibrationOption, backendOption, jsonOption, catalogOption,
    ],
    run: (p, o, ctx) =>
      runValidate({ plan: p[0], mix: str(o.mix), slo: str(o.slo), junit: str(o.junit), durationS: num(o.durationS), seed: num(o.seed), json: Boolean(o.json), catalogFiles: files(o.catalog), calibration: str(o.calibration), backend: str(o.backend) as never }, ctx),
  },
  {
    usage: 'sweep <grid>', positionals: 1,
    description: 'plan a rate × SLO × price scenario grid on worker threads (exit 0 every cell has a plan that holds)',
    example: 'fleetplan sweep grid.yaml --shard 1/4 --out shard-1.json',
    options: [
      { flags: '--shard <i/n>', description: 'run only shard i of n (cells numbered row-major, cell ≡ i−1 mod n) and write a shard document for merge' },
      { flags: '--threads <n>', description: 'worker threads (default: the CPU count; 1 runs in-process)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--out <file>', description: 'write the result (or the shard document) here' },
      jsonOption, catalogOption,
    ],
    run: (p, o, ctx) => runSweep({ grid: p[0], shard: str(o.shard), threads: num(o.threads), out: str(o.out), json: Boolean(o.json), catalogFiles: files(o.catalog) }, ctx),
  },
  {
    usage: 'merge <shards...>', positionals: 1,
    description: 'merge the shard documents of one sweep grid into one result (the same bytes as the unsharded sweep)',
    example: 'fleetplan merge shard-*.json --out sweep.json',
    options: [{ flags: '--out <file>', description: 'write the merged result here' }, jsonOption],
    run: (p, o, ctx) => runMerge({ shards: ([] as string[]).concat(p[0] as unknown as string[]), out: str(o.out), json: Boolean(o.json) }, ctx),
  },
  {
    usage: 'export <plan>', positionals: 1,
    description: 'write the deployment of a plan: Kubernetes manifests (vLLM), llm-d Helm values or a Dynamo DynamoGraphDeployment',
    example: 'fleetplan export plan-out/plan.yaml --to kubernetes --out deploy',
    options: [
      { flags: '--to <target>', description: 'what to write: kubernetes (Deployments / LeaderWorkerSets + Services running vLLM), llm-d (ModelService Helm values) or dynamo (a DynamoGraphDeployment)', parse: choiceFlag(EXPORT_TARGETS) as never, required: true },
      { flags: '--out <dir>', description: 'write the files into this directory (atomically); default: print them on stdout' },
      { flags: '--mapping <file>', description: 'YAML overriding node labels by GPU id (node_labels) and Hugging Face repositories by LLM id (hf_models)' },
      { flags: '--image <ref>', description: 'serving image (default: vllm/vllm-openai:v0.16.0; dynamo: nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.0)' },
      { flags: '--namespace <ns>', description: 'Kubernetes namespace written on every object (default: none, kubectl -n decides)' },
      catalogOption,
    ],
    run: (p, o, ctx) => runExport({ plan: p[0], to: o.to as never, out: str(o.out), mapping: str(o.mapping), image: str(o.image), namespace: str(o.namespace), catalogFiles: files(o.catalog) }, ctx),
  },
  {
    usage: 'whatif', positionals: 0,
    description: 'what-if session: change traffic, SLOs, prices, GPU types, power cap, objective or policy and re-plan (interactive on a terminal; flags or --script replay it without prompting)',
    example: 'fleetplan whatif --mix swe-agent-paper --llm qwen3-0.6b --gpus a40,l40s --slo relaxed --scale-rate "*=1.5" --remove-gpus l40s',
    options: [
      { flags: '--mix <id|file>', description: 'starting traffic mix' },
      { flags: '--slo <id|file>', description: 'starting SLO set (default: standard)' },
      { flags: '--llm <id>', description: 'LLM to serve (default: the mix\'s)' },
      { flags: '--gpus <list>', description: 'starting candidate GPU type ids, comma separated (default: all; fewer re-plan faster)', parse: listFlag as never },
      { flags: '--tp <list>', description: 'attention tensor-parallel degrees the re-plans search, comma separated, as plan --tp (default: the plan\'s or scenario\'s restriction, else 1,2,4,8)', parse: listFlag as never },
      { flags: '--ep <list>', description: 'expert-parallel degrees the re-plans search on a mixture-of-experts LLM, comma separated, as plan --ep (default: the plan\'s or scenario\'s restriction, else every layout plan searches)', parse: listFlag as never },
      { flags: '--precisions <list>', description: 'weight formats the re-plans search, comma separated: bf16, fp8, fp4, as plan --precisions (default: the plan\'s or scenario\'s restriction, else every format each GPU has)', parse: listFlag as never },
      { flags: '--plan <file>', description: 'start from a saved plan\'s inputs (mix, SLO set, LLM, GPU types, format and layout restriction, objective, seed), re-planned by the fast path' },
      { flags: '--script <file>', description: 'replay a scenario file (kind: whatif-scenario) without prompting' },
      { flags: '--scale-rate <class=factor>', description: 'change: multiply a class\'s arrival rate ("*" = every class); repeatable', parse: collect as never },
      { flags: '--slo-target <metric[:pN]=value>', description: 'change: set an SLO target, e.g. ttfet_s=20, tbt_ms:p99=80, ttfet_s=5x (slowdown); repeatable', parse: collect as never },
      { flags: '--add-gpus <list>', description: 'change: add candidate GPU types', parse: listFlag as never },
      { flags: '--remove-gpus <list>', description: 'change: remove candidate GPU types', parse: listFlag as never },
      { flags: '--price <gpu:capex=usd,rent=usd_per_h>', description: 'change: a GPU type\'s capex and/or rent per GPU-hour; repeatable', parse: collect as never },
      { flags: '--electricity-usd-per-kwh <n>', description: 'change: electricity price', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--power-cap-kw <n|none>', description: 'change: facility GPU power cap in kW ("none" removes it)' },
      { flags: '--objective <name>', description: 'change: what to minimise', choices: ['tco', 'energy', 'gpus'] },
      { flags: '--policy <name>', description: 'change: the policy the check simulates', parse: choiceFlag(POLICIES) as never },
      { flags: '--check-duration-s <n>', description: 'simulated seconds of the check after each change (default 300)', parse: numberFlag({ exclusiveMin: 0, limited: true }) as never },
      { flags: '--save <file>', description: 'write the scenario (start + changes) as YAML at the end' },
      { flags: '--report <file>', description: 'write the HTML report of the final state' },
      seedOption, calibrationOption, backendOption, jsonOption, catalogOption,
    ],
    run: (_p, o, ctx) =>
      runWhatIf({
        mix: str(o.mix), slo: str(o.slo), llm: str(o.llm), gpus: o.gpus as string[] | undefined, tp: o.tp as string[] | undefined, ep: o.ep as string[] | undefined, precisions: o.precisions as string[] | undefined, plan: str(o.plan), script: str(o.script),
        scaleRate: files(o.scaleRate), sloTarget: files(o.sloTarget), addGpus: o.addGpus as string[] | undefined, removeGpus: o.removeGpus as string[] | undefined,
        price: files(o.price), electricityUsdPerKwh: num(o.electricityUsdPerKwh), powerCapKw: str(o.powerCapKw), objective: str(o.objective) as never,
        policy: str(o.policy) as never, checkDurationS: num(o.checkDurationS), save: str(o.save), report: str(o.report), seed: num(o.seed),
        json: Boolean(o.json), catalogFiles: files(o.catalog), calibration: str(o.calibration), backend: str(o.backend) as never,
      }, ctx),
  },
  {
    usage: 'fit <profile>', positionals: 1,
    description: 'fit latency and power models to a measured profile and report held-out error',
    example: 'fleetplan fit ../shared/data/splitwise/perf_model.csv --format splitwise',
    options: [
      { flags: '--format <name>', description: 'profile format', choices: ['splitwise', 'vidur', 'aiconfigurator', 'mlenergy', 'fleetplan'] },
      { flags: '--holdout <share>', description: 'share of rows held out for the error estimate', parse: numberFlag({ min: 0, max: 0.9 }) as never, default: 0.2 },
      seedOption, jsonOption,
    ],
    run: (positional, o, ctx) =>
      runFit({ profile: positional[0], format: str(o.format), holdout: num(o.holdout), seed: num(o.seed), json: Boolean(o.json) }, ctx),
  },
  {
    usage: 'calibrate <runs...>', positionals: 1,
    description: 'fit serving overheads and achieved efficiency to measured serving runs; print held-out error (leave-one-model-out, leave-one-GPU-out) and write a calibration file for --calibration',
    example: 'fleetplan calibrate ../shared/data/aiconfigurator/silicon/silicon_runs_h100_b200.csv --out calibration.json',
    options: [
      { flags: '--format <name>', description: 'runs format (default: detected from the content)', choices: ['aiconfigurator', 'vllm-bench', 'aiperf', 'genai-perf'] },
      { flags: '--gpu <id>', description: 'GPU the runs used, for formats that do not say (vllm-bench, aiperf, genai-perf)' },
      { flags: '--tp <n>', description: 'tensor-parallel degree of the runs, for formats that do not say', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--backend <name>', description: 'serving engine of the runs, for formats that do not say: vllm, sglang or trtllm' },
      { flags: '--precision <p>', description: 'weight precision of the runs, for formats that do not say (default bf16)' },
      { flags: '--out <file>', description: 'where to write the calibration (default calibration.json)' },
      jsonOption, catalogOption,
    ],
    run: (positional, o, ctx) =>
      runCalibrate({
        runs: (positional[0] as unknown as string[]) ?? [], format: str(o.format), gpu: str(o.gpu), tp: num(o.tp), backend: str(o.backend),
        precision: str(o.precision), out: str(o.out), json: Boolean(o.json), catalogFiles: files(o.catalog),
      }, ctx),
  },
  {
    usage: 'predict', positionals: 0,
    description: 'latency, KV capacity and power of one operating point, from the models the planner uses; ttft_s is the batch\'s prefill iteration (the first token leaves with it, no decode step), as simulate counts TTFT',
    example: 'fleetplan predict --gpu h100-sxm --llm llama-3.1-70b --tp 4 --batch 32 --input-tokens 4096 --output-tokens 256',
    options: [
      { flags: '--gpu <id>', description: 'GPU type id', required: true },
      { flags: '--llm <id>', description: 'LLM id', required: true },
      { flags: '--tp <n>', description: 'tensor-parallel degree', parse: numberFlag({ integer: true, min: 1 }) as never, default: 1 },
      { flags: '--ep <n>', description: 'expert-parallel degree (mixture-of-experts LLMs; the instance is max(tp, ep) GPUs)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--precision <format>', description: 'weight/GEMM format (default: the LLM\'s own); the GPU must have it', choices: ['bf16', 'fp8', 'fp4'] },
      { flags: '--kv-dtype <format>', description: 'KV-cache format (default: the LLM\'s own)', choices: ['bf16', 'fp8'] },
      { flags: '--batch <n>', description: 'requests prefilled together (one batched iteration), then decoded together', parse: numberFlag({ integer: true, min: 1 }) as never, default: 1 },
      { flags: '--input-tokens <n>', description: 'prompt tokens', parse: numberFlag({ integer: true, min: 1 }) as never, required: true },
      { flags: '--output-tokens <n>', description: 'output tokens', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--power-cap-w <n>', description: 'per-GPU power cap, watts', parse: numberFlag({ exclusiveMin: 0 }) as never },
      calibrationOption, backendOption,
      jsonOption, catalogOption,
    ],
    run: (_positional, o, ctx) =>
      runPredict({
        gpu: o.gpu as string, llm: o.llm as string, tp: num(o.tp), ep: num(o.ep), precision: str(o.precision) as Precision | undefined,
        kvDtype: str(o.kvDtype) as KvDtype | undefined, batch: num(o.batch), inputTokens: o.inputTokens as number,
        outputTokens: num(o.outputTokens), powerCapW: num(o.powerCapW), calibration: str(o.calibration), backend: str(o.backend) as never,
        json: Boolean(o.json), catalogFiles: files(o.catalog),
      }, ctx),
  },
  {
    usage: 'benchmark', positionals: 0,
    description: 'simulate a serving benchmark (vLLM bench serve, aiperf, genai-perf) on the kernel\'s engines: one aggregated instance or an xPyD set, closed loop (--concurrency) or Poisson (--rate). '
      + 'TTFT: request sent → first token. TPOT: per request (e2e − ttft) / (osl − 1), then averaged over requests (one-token requests have none). ITL: every gap between consecutive tokens. '
      + 'Run length: the first max(32, 2 × most in flight) completions are warm-up; then requests are measured in batches until the standard error of mean TTFT, TPOT and E2E over batch means is ≤ 2% (5 to 40 batches), every request issued by then waited for under load. tokens_per_j counts output tokens',
    example: 'fleetplan benchmark --gpu h100-sxm --llm qwen3-32b --tp 4 --concurrency 128 --isl 1024 --osl 128',
    options: [
      { flags: '--gpu <id>', description: 'GPU type id', required: true },
      { flags: '--llm <id>', description: 'LLM id', required: true },
      { flags: '--tp <n>', description: 'tensor-parallel degree of the aggregated instance (default 1)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--ep <n>', description: 'expert-parallel degree (MoE LLMs; the agg instance, or disagg sets that name none)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--precision <format>', description: 'weight/GEMM format (default: the LLM\'s native one); the GPU must have it', parse: choiceFlag(['bf16', 'fp8', 'fp4'] as const) as never },
      { flags: '--kv-dtype <format>', description: 'KV cache format (default: the LLM\'s native one)', parse: choiceFlag(['bf16', 'fp8'] as const) as never },
      { flags: '--concurrency <n>', description: 'closed loop: N clients, each sends its next request when the last one\'s final token arrives', parse: numberFlag({ integer: true, min: 1, limited: true }) as never },
      { flags: '--rate <r>', description: 'open loop: Poisson requests per second (seeded)', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--isl <n|distribution>', description: 'input tokens per request: N, or a distribution, e.g. "{lognormal: {median: 1024, sigma: 0.5}, max: 8192}"', required: true },
      { flags: '--osl <n|distribution>', description: 'output tokens per request (always generated in full, as benchmarks force with ignore_eos)', required: true },
      { flags: '--mode <mode>', description: 'agg: one instance, chunked prefill and decodes in the same steps; disagg: prefill set → KV moved once (over the prefill instance\'s GPUs\' inter-node bandwidth, as plan assumes) → decode set', choices: ['agg', 'disagg'], default: 'agg' },
      { flags: '--prefill <XxTP>', description: 'disagg: X prefill instances of TP each, e.g. 1x4; XxTPepEP adds expert parallelism, e.g. 7x1ep4' },
      { flags: '--decode <YxTP>', description: 'disagg: Y decode instances of TP each, e.g. 2x4 or 2x1ep8 (an instance is max(TP, EP) GPUs)' },
      { flags: '--max-num-seqs <n>', description: 'vLLM --max-num-seqs per (decode) instance (default: vLLM 0.10–0.11 `vllm serve`: 1024 on ≥ 70 GiB GPUs other than A100, else 256)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--max-num-batched-tokens <n>', description: 'vLLM --max-num-batched-tokens per (decode) instance (default: 8192 on ≥ 70 GiB GPUs other than A100, else 2048)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--prefill-max-num-seqs <n>', description: 'disagg: prompts one prefill iteration may take (default as --max-num-seqs)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--prefill-max-num-batched-tokens <n>', description: 'disagg: tokens one prefill iteration may take (default as --max-num-batched-tokens)', parse: numberFlag({ integer: true, min: 1 }) as never },
      { flags: '--power-cap-w <n>', description: 'per-GPU power cap, watts', parse: numberFlag({ exclusiveMin: 0 }) as never },
      { flags: '--request-count <n>', description: 'send exactly N requests and measure every one, the first burst of clients included (genai-perf/aiperf --request-count, vLLM bench serve --num-prompts); default: the steady-state rule', parse: numberFlag({ integer: true, min: 1 }) as never },
      seedOption, calibrationOption, backendOption, jsonOption, catalogOption,
    ],
    run: (_p, o, ctx) =>
      runBenchmark({
        requestCount: num(o.requestCount),
        gpu: o.gpu as string, llm: o.llm as string, tp: num(o.tp), ep: num(o.ep), precision: str(o.precision), kvDtype: str(o.kvDtype), concurrency: num(o.concurrency), rate: num(o.rate),
        isl: str(o.isl), osl: str(o.osl), mode: str(o.mode), prefill: str(o.prefill), decode: str(o.decode), maxNumSeqs: num(o.maxNumSeqs),
        maxNumBatchedTokens: num(o.maxNumBatchedTokens), prefillMaxNumSeqs: num(o.prefillMaxNumSeqs), prefillMaxNumBatchedTokens: num(o.prefillMaxNumBatchedTokens),
        powerCapW: num(o.powerCapW), seed: num(o.seed), json: Boolean(o.json), catalogFiles: files(o.catalog), calibration: str(o.calibration), backend: str(o.backend) as never,
      }, ctx),
  },
  {
    usage: 'catalog [section]', positionals: 1,
    description: 'list the built-in catalogs: gpus, llms, mixes, slos, datacenters (all when no section is given)',
    example: 'fleetplan catalog gpus --json',
    options: [jsonOption, catalogOption],
    run: (positional, options, ctx) =>
      runCatalog({ section: positional[0], json: Boolean(options.json), catalogFiles: files(options.catalog) }, ctx),
  },
  {
    usage: 'report <result>', positionals: 1,
    description: 'write the HTML report of a plan, simulation, comparison or validation result (JSON)',
    example: 'fleetplan report plan-out/plan.json --out plan-out/report.html',
    options: [{ flags: '--out <file>', description: 'output HTML file or directory (default: next to the result)' }],
    run: (positional, o, ctx) => runReport({ input: positional[0], out: str(o.out) }, ctx),
  },
];
