/**
 * The battery's hand-written templates (bench/hostile/cases.ts has the generated file-slot and numeric-flag ones):
 * hostile contents of each input kind, references that reach outside, outputs over inputs and stale outputs, Ctrl-C,
 * closed pipes and paths that must work from the built CLI outside the repository.
 */
import { CANARY, VALID_FLEET, VALID_PLAN } from './fixtures.js';
import { STALE, type HostileCase } from './cases.js';

const MIX_HEAD = `kind: mix
id: hostile-mix
llm: qwen3-0.6b
classes:
  - id: c
`;
const mixClass = (o: { rate?: string; turns?: string; tool?: string; input?: string }) =>
  `${MIX_HEAD}    arrival_rate_per_s: ${o.rate ?? '1'}
    arrival: {poisson: {}}
    turns: ${o.turns ?? '{fixed: 2}'}
    first_input_tokens: ${o.input ?? '{fixed: 1000}'}
    appended_input_tokens: {fixed: 100}
    output_tokens: {fixed: 50}
    tool_latency_s: ${o.tool ?? '{fixed: 1}'}
`;

const fleetWith = (pool: string, links = true) =>
  `kind: fleet\nllm: qwen3-0.6b\ninstances:\n  - ${pool}\n  - { gpu: a40, tp: 1, role: decode, count: 1 }\n${links ? 'links:\n  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }\n' : ''}`;

const planWith = (extra: string, count = '1') => VALID_PLAN.replace('role: prefill, count: 1', `role: prefill, count: ${count}`) + extra;

const GPU_HOT = `kind: gpu
id: hot-gpu
vendor: X
name: X
memory_bytes: 85899345920
memory_bw_bytes_per_s: 3.35e12
bf16_flops_per_s: 989.4e12
tdp_w: 1e308
idle_w: 70
power_cap_w: {min: 200, max: 700}
interconnect: {intra_node_bytes_per_s: 450e9, inter_node_bytes_per_s: 50e9, gpus_per_node: 8}
price: {capex_usd: 30000, rent_usd_per_h: 2.5}
sources: {memory_bytes: test}
`;

const GRID = (extra: string) => `kind: sweep\nmix: swe-agent-paper\nllm: qwen3-0.6b\nslo: relaxed\ngpus: [a40]\ncheck: false\n${extra}`;

const fpLine = (arrival: string, tool = '1') => `{"id":"a","arrival_s":${arrival},"turns":[{"input_tokens":100,"output_tokens":10},{"input_tokens":10,"output_tokens":10,"tool_latency_s":${tool}}]}\n`;

const mooncake = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: i, input_length: 600, output_length: 5, hash_ids: [1000 * i + 1, 1000 * i + 2] })).join('\n') + '\n';

const refused = (id: string, command: string, argv: string[], files?: Record<string, string>, stderrMatch?: RegExp): HostileCase => ({ id, category: 'content', command, argv, expect: [2], deadlineSeconds: 5, ...(files ? { files } : {}), ...(stderrMatch ? { stderrMatch } : {}) });

/** Hostile values inside each kind of input file (unbounded work, nonsense accepted, wrong exit codes). */
export function contentCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const SIM = ['--duration-s', '30'];
  // Mixes: in every command that takes one.
  const mixes: Record<string, string> = {
    'rate-1e9': mixClass({ rate: '1e9' }),
    'turns-0': mixClass({ turns: '{fixed: 0}' }),
    'tool-negative': mixClass({ tool: '{fixed: -5}' }),
    'tool-1e308': mixClass({ tool: '{fixed: 1e308}' }),
    'input-1e308': mixClass({ input: '{fixed: 1e308}' }),
    'rate-inf': mixClass({ rate: '.inf' }),
    'empirical-huge': mixClass({ input: `{empirical: [${Array.from({ length: 150_000 }, (_, i) => `[${i + 1}, 1]`).join(', ')}]}` }),
    'lognormal-huge': mixClass({ input: '{lognormal: {median: 1e300, sigma: 50}}' }),
  };
  for (const [name, mix] of Object.entries(mixes)) {
    const files = { 'mix.yaml': mix };
    out.push(refused(`content/simulate/mix-${name}`, 'simulate', ['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'C/mix.yaml', ...SIM], files));
    out.push(refused(`content/plan/mix-${name}`, 'plan', ['plan', '--mix', 'C/mix.yaml', '--gpus', 'a40', '--slo', 'relaxed', '--no-trim', '--check-seeds', '1'], files));
    out.push(refused(`content/whatif/mix-${name}`, 'whatif', ['whatif', '--mix', 'C/mix.yaml', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '30', '--json'], files));
    out.push(refused(`content/validate/mix-${name}`, 'validate', ['validate', 'F/plan.yaml', '--mix', 'C/mix.yaml', ...SIM], files));
    out.push(refused(`content/compare/mix-${name}`, 'compare', ['compare', '--fleet', 'F/fleet.yaml', '--mix', 'C/mix.yaml', '--policies', 'conserve', ...SIM], files));
  }
  // Fleets and plans: counts and layouts no machine has.
  const fleets: Record<string, string> = {
    'count-1e9': fleetWith('{ gpu: a40, tp: 1, role: prefill, count: 1000000000 }'),
    'count-int-max': fleetWith('{ gpu: a40, tp: 1, role: prefill, count: 2147483647 }'),
    'count-0': fleetWith('{ gpu: a40, tp: 1, role: prefill, count: 0 }'),
    'count-negative': fleetWith('{ gpu: a40, tp: 1, role: prefill, count: -3 }'),
    'tp-1024': fleetWith('{ gpu: a40, tp: 1024, role: prefill, count: 1 }'),
    'unknown-gpu': fleetWith('{ gpu: a4O, tp: 1, role: prefill, count: 1 }'),
    '70b-on-one-a40': fleetWith('{ gpu: a40, tp: 1, role: prefill, count: 1 }').replace('llm: qwen3-0.6b', 'llm: llama-3.1-70b'),
  };
  for (const [name, fleet] of Object.entries(fleets)) {
    out.push(refused(`content/simulate/fleet-${name}`, 'simulate', ['simulate', '--fleet', 'C/fleet.yaml', '--mix', 'swe-agent-paper', ...SIM], { 'fleet.yaml': fleet }));
    out.push(refused(`content/compare/fleet-${name}`, 'compare', ['compare', '--fleet', 'C/fleet.yaml', '--mix', 'swe-agent-paper', '--policies', 'conserve', ...SIM], { 'fleet.yaml': fleet }));
  }
  const plans: Record<string, string> = {
    'count-1e9': planWith('', '1000000000'),
    'count-int-max': planWith('', '0x7fffffff'),
    'duration-1e308': planWith('duration_s: 1e308\n'),
    'duration-nan': planWith('duration_s: .nan\n'),
    'seed-huge': planWith('seed: 1e308\n'),
  };
  for (const [name, plan] of Object.entries(plans)) {
    const files = { 'plan.yaml': plan };
    out.push(refused(`content/validate/plan-${name}`, 'validate', ['validate', 'C/plan.yaml'], files));
    out.push(refused(`content/simulate/plan-${name}`, 'simulate', ['simulate', '--plan', 'C/plan.yaml', ...SIM], files));
    out.push(refused(`content/export/plan-${name}`, 'export', ['export', 'C/plan.yaml', '--to', 'kubernetes'], files));
    out.push(refused(`content/whatif/plan-${name}`, 'whatif', ['whatif', '--plan', 'C/plan.yaml', '--gpus', 'a40', '--check-duration-s', '30', '--json'], files));
  }
  // What-if scripts and flags.
  const scripts: Record<string, string> = {
    'check-duration-1e308': 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 1e308 }\n',
    'scale-1e5': 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\nchanges:\n  - scale_rate: { class: "*", factor: 1e5 }\n',
    'scale-nan': 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\nchanges:\n  - scale_rate: { class: "*", factor: .nan }\n',
    'changes-not-list': 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\nchanges: 5\n',
  };
  for (const [name, script] of Object.entries(scripts)) out.push(refused(`content/whatif/script-${name}`, 'whatif', ['whatif', '--script', 'C/s.yaml', '--json'], { 's.yaml': script }));
  out.push(refused('content/whatif/flag-scale-1e5', 'whatif', ['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '30', '--scale-rate', '*=1e5', '--json']));
  out.push(refused('content/whatif/flag-slo-target-nan', 'whatif', ['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--check-duration-s', '30', '--slo-target', 'ttfet_s=NaN', '--json']));
  out.push(refused('content/whatif/flag-price-inf', 'whatif', ['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--check-duration-s', '30', '--price', 'a40:capex=1e309', '--json']));
  // Sweep grids.
  const grids: Record<string, string> = {
    'price-inf': GRID('x: {axis: rate_scale, values: [1]}\ny: {axis: slo_scale, values: [1]}\nfixed: {price_scale: .inf}\n'),
    'rate-1e9': GRID('x: {axis: rate_scale, values: [1e9]}\ny: {axis: slo_scale, values: [1]}\n'),
    'values-huge': GRID(`x: {axis: rate_scale, values: [${Array.from({ length: 3000 }, (_, i) => 1 + i / 1000).join(', ')}]}\ny: {axis: slo_scale, values: [${Array.from({ length: 3000 }, (_, i) => 1 + i / 1000).join(', ')}]}\n`),
    'same-axis': GRID('x: {axis: rate_scale, values: [1]}\ny: {axis: rate_scale, values: [1]}\n'),
    'values-empty': GRID('x: {axis: rate_scale, values: []}\ny: {axis: slo_scale, values: [1]}\n'),
  };
  for (const [name, grid] of Object.entries(grids)) out.push(refused(`content/sweep/grid-${name}`, 'sweep', ['sweep', 'C/grid.yaml', '--threads', '1'], { 'grid.yaml': grid }));
  out.push(refused('content/sweep/shard-0-of-0', 'sweep', ['sweep', 'F/grid.yaml', '--shard', '0/0', '--out', 'C/s.json']));
  out.push(refused('content/sweep/shard-huge', 'sweep', ['sweep', 'F/grid.yaml', '--shard', '1/1e308', '--out', 'C/s.json']));
  // Traces.
  const traces: Array<[string, string, string, string[]]> = [
    ['fleetplan-arrival-1e308', 't.jsonl', fpLine('1e308'), []],
    ['fleetplan-tool-1e308', 't.jsonl', fpLine('0', '1e308'), []],
    ['fleetplan-tool-negative', 't.jsonl', fpLine('0', '-1'), []],
    ['conserve-rate-1e9', 't.csv', 'conv_id,turn,input_tokens,output_tokens\n', ['--trace-format', 'conserve-csv', '--rate-per-s', '1e9', '--duration-s', '1']],
    ['mooncake-over-conversations', 't.jsonl', mooncake(50), ['--limit', 'conversations=10']],
    ['mooncake-timestamp-1e308', 't.jsonl', '{"timestamp": 1e308, "input_length": 600, "output_length": 5, "hash_ids": [1, 2]}\n', []],
  ];
  for (const [name, file, content, extra] of traces) {
    out.push(refused(`content/simulate/trace-${name}`, 'simulate', ['simulate', '--fleet', 'F/fleet.yaml', '--trace', `C/${file}`, ...extra], { [file]: content }, name.includes('over-conversations') ? /limit conversations/ : undefined));
  }
  // A forced --trace-format on files that are not traces of that format: never quoted.
  for (const format of ['fleetplan-jsonl', 'azure-csv', 'mooncake-jsonl', 'conserve-csv']) {
    for (const variant of ['canary-env', 'canary-json', 'canary-csv', 'canary-brace', 'canary-yaml']) {
      out.push({ id: `content/simulate/trace-format-${format}-${variant}`, category: 'content', command: 'simulate', argv: ['simulate', '--fleet', 'F/fleet.yaml', '--trace', `@${variant}.csv`, '--trace-format', format], expect: [2], deadlineSeconds: 5 });
    }
    out.push({ id: `content/compare/trace-format-${format}-environ`, category: 'content', command: 'compare', argv: ['compare', '--fleet', 'F/fleet.yaml', '--trace', '@proc-environ.csv', '--trace-format', format, '--policies', 'conserve'], expect: [2], deadlineSeconds: 5 });
  }
  // Catalog entries with absurd magnitudes.
  out.push(refused('content/plan/gpu-tdp-1e308', 'plan', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'hot-gpu', '--catalog', 'C/gpu.yaml'], { 'gpu.yaml': GPU_HOT }));
  out.push(refused('content/predict/gpu-tdp-1e308', 'predict', ['predict', '--gpu', 'hot-gpu', '--llm', 'qwen3-0.6b', '--input-tokens', '100', '--catalog', 'C/gpu.yaml'], { 'gpu.yaml': GPU_HOT }));
  out.push(refused('content/catalog/gpu-tdp-1e308', 'catalog', ['catalog', 'gpus', '--catalog', 'C/gpu.yaml'], { 'gpu.yaml': GPU_HOT }));
  out.push(refused('content/catalog/gpu-memory-0', 'catalog', ['catalog', 'gpus', '--catalog', 'C/gpu.yaml'], { 'gpu.yaml': GPU_HOT.replace('tdp_w: 1e308', 'tdp_w: 700').replace('memory_bytes: 85899345920', 'memory_bytes: 0') }));
  // Flags with nonsense the parsers alone cannot see.
  out.push(refused('content/plan/gpus-empty', 'plan', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', '']));
  out.push(refused('content/plan/gpus-duplicate', 'plan', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40,a40']));
  out.push(refused('content/predict/tp-1024', 'predict', ['predict', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--tp', '1024', '--input-tokens', '100']));
  // predict's exit 1 is "does not fit" (said on stdout), as a plan that does not hold.
  out.push({ ...refused('content/predict/70b-one-a40', 'predict', ['predict', '--gpu', 'a40', '--llm', 'llama-3.1-70b', '--input-tokens', '100']), expect: [1, 2] });
  for (const [name, isl] of [['lognormal-1e300', '{lognormal: {median: 1e300, sigma: 1}}'], ['fixed-1e9', '{fixed: 1e9}'], ['nan', 'NaN'], ['alias', '&a [*a]']] as const) {
    // benchmark's exit 1 is "does not fit" (a request longer than the KV an instance holds).
    out.push({ ...refused(`content/benchmark/isl-${name}`, 'benchmark', ['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--concurrency', '4', '--isl', isl, '--osl', '10']), expect: [1, 2] });
  }
  // The longest argument Linux passes is 128 KiB: 10,000 points, under input-items, is a legitimate distribution.
  out.push({ ...refused('content/benchmark/isl-empirical-10k', 'benchmark', ['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--concurrency', '4', '--isl', `{empirical: [${Array.from({ length: 10_000 }, (_, i) => `[${i + 1},1]`).join(',')}]}`, '--osl', '10']), expect: [0, 2], deadlineSeconds: 20 });
  out.push(refused('content/benchmark/prefill-huge', 'benchmark', ['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--mode', 'disagg', '--prefill', '100000000x1', '--decode', '1x1', '--concurrency', '4', '--isl', '100', '--osl', '10']));
  // Result files for report and merge.
  const results: Record<string, string> = {
    'rounds-5': JSON.stringify({ kind: 'plan', format_version: 1, holds: true, rounds: 5 }),
    'kind-unknown': JSON.stringify({ kind: 'nonsense', format_version: 1 }),
    'simulation-pools-string': JSON.stringify({ kind: 'simulation', format_version: 1, pools: 'x' }),
    'nested-deep': `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
  };
  for (const [name, doc] of Object.entries(results)) out.push(refused(`content/report/${name}`, 'report', ['report', 'C/r.json', '--out', 'C/r.html'], { 'r.json': doc }));
  out.push(refused('content/merge/shards-of-two-grids', 'merge', ['merge', 'F/shard.json', 'C/other.json'], { 'other.json': JSON.stringify({ kind: 'sweep-shard', grid: { x: { axis: 'rate_scale', values: [2] }, y: { axis: 'slo_scale', values: [1] }, metric: 'tco_usd' }, cells: [] }) }));
  out.push(refused('content/merge/cell-index-string', 'merge', ['merge', 'C/bad.json'], { 'bad.json': JSON.stringify({ kind: 'sweep-shard', grid: { x: { axis: 'rate_scale', values: [1] }, y: { axis: 'slo_scale', values: [1] }, metric: 'tco_usd' }, cells: [{ index: 'zero' }] }) }));
  return out;
}

/** `mix:`/`slo:` references inside plans, grids and scripts that point at secrets: refused, never quoted. */
export function referenceCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const targets: Record<string, string> = { environ: '/proc/self/environ', passwd: '../../../../../../etc/passwd', 'outside-canary': 'F/secret.env', 'inside-canary': 'secret.env', 'inside-dir': '.' };
  for (const [name, target] of Object.entries(targets)) {
    const files = { 'secret.env': `TOKEN=${CANARY}\n` };
    for (const field of ['mix', 'slo'] as const) {
      const plan = VALID_PLAN.replace(`${field}: ${field === 'mix' ? 'swe-agent-paper' : 'relaxed'}`, `${field}: ${JSON.stringify(target)}`);
      const grid = GRID('x: {axis: rate_scale, values: [1]}\ny: {axis: slo_scale, values: [1]}\n').replace(`${field}: ${field === 'mix' ? 'swe-agent-paper' : 'relaxed'}`, `${field}: ${JSON.stringify(target)}`);
      const script = `kind: whatif-scenario\nstart: { mix: ${field === 'mix' ? JSON.stringify(target) : 'swe-agent-paper'}, slo: ${field === 'slo' ? JSON.stringify(target) : 'relaxed'}, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\n`;
      out.push({ id: `ref/validate/${field}-${name}`, category: 'reference', command: 'validate', argv: ['validate', 'C/plan.yaml', '--duration-s', '30'], expect: [2], deadlineSeconds: 5, files: { ...files, 'plan.yaml': plan } });
      out.push({ id: `ref/validate-allow-dir/${field}-${name}`, category: 'reference', command: 'validate', argv: ['validate', 'C/plan.yaml', '--duration-s', '30', '--allow-dir', '/'], expect: [2], deadlineSeconds: 5, files: { ...files, 'plan.yaml': plan } });
      out.push({ id: `ref/simulate/${field}-${name}`, category: 'reference', command: 'simulate', argv: ['simulate', '--plan', 'C/plan.yaml', '--duration-s', '30'], expect: [2], deadlineSeconds: 5, files: { ...files, 'plan.yaml': plan } });
      out.push({ id: `ref/sweep/${field}-${name}`, category: 'reference', command: 'sweep', argv: ['sweep', 'C/grid.yaml', '--threads', '1'], expect: [2], deadlineSeconds: 5, files: { ...files, 'grid.yaml': grid } });
      out.push({ id: `ref/whatif-script/${field}-${name}`, category: 'reference', command: 'whatif', argv: ['whatif', '--script', 'C/s.yaml', '--json'], expect: [2], deadlineSeconds: 5, files: { ...files, 's.yaml': script } });
      out.push({ id: `ref/whatif-plan/${field}-${name}`, category: 'reference', command: 'whatif', argv: ['whatif', '--plan', 'C/plan.yaml', '--json'], expect: [2], deadlineSeconds: 5, files: { ...files, 'plan.yaml': plan } });
      out.push({ id: `ref/export/${field}-${name}`, category: 'reference', command: 'export', argv: ['export', 'C/plan.yaml', '--to', 'kubernetes'], expect: [0, 2], deadlineSeconds: 5, files: { ...files, 'plan.yaml': plan } });
    }
  }
  return out;
}

const MIX_FILE = `kind: mix\nid: my-mix\nllm: qwen3-0.6b\nclasses:\n  - id: c\n    arrival_rate_per_s: 0.5\n    arrival: {poisson: {}}\n    turns: {fixed: 2}\n    first_input_tokens: {fixed: 1000}\n    appended_input_tokens: {fixed: 100}\n    output_tokens: {fixed: 50}\n    tool_latency_s: {fixed: 1}\n`;
const SCRIPT = 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\n';

/** Outputs over inputs, empty and impossible output paths, stale sets, planted symlinks. */
export function outputCases(): HostileCase[] {
  const out: HostileCase[] = [];
  const o = (id: string, command: string, argv: string[], files: Record<string, string>, expect: number[] = [2], deadlineSeconds = 5, owned?: string[]): HostileCase => ({ id: `out/${command}/${id}`, category: 'output', command, argv, expect, deadlineSeconds, files, ...(owned ? { owned } : {}) });
  const PLANF = ['--llm', 'qwen3-0.6b', '--gpus', 'a40', '--no-trim', '--check-seeds', '1', '--slo', 'relaxed'];
  // Never over an input.
  out.push(o('mix-is-plan.yaml', 'plan', ['plan', '--mix', 'C/d/plan.yaml', ...PLANF, '--out', 'C/d'], { 'd/plan.yaml': MIX_FILE }));
  out.push(o('catalog-is-plan.json', 'plan', ['plan', '--mix', 'swe-agent-paper', ...PLANF, '--catalog', 'C/d/plan.json', '--out', 'C/d'], { 'd/plan.json': MIX_FILE }));
  out.push(o('mix-is-report.html', 'simulate', ['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'C/d/report.html', '--duration-s', '20', '--out', 'C/d'], { 'd/report.html': MIX_FILE }));
  out.push(o('fleet-is-result.json', 'simulate', ['simulate', '--fleet', 'C/d/result.json', '--mix', 'swe-agent-paper', '--duration-s', '20', '--out', 'C/d'], { 'd/result.json': VALID_FLEET }));
  out.push(o('fleet-is-comparison.json', 'compare', ['compare', '--fleet', 'C/d/comparison.json', '--mix', 'swe-agent-paper', '--policies', 'conserve', '--duration-s', '20', '--out', 'C/d'], { 'd/comparison.json': VALID_FLEET }));
  out.push(o('save-is-script', 'whatif', ['whatif', '--script', 'C/s.yaml', '--save', 'C/s.yaml', '--json'], { 's.yaml': SCRIPT }));
  out.push(o('report-is-script', 'whatif', ['whatif', '--script', 'C/s.yaml', '--report', 'C/s.yaml', '--json'], { 's.yaml': SCRIPT }));
  out.push(o('save-is-mix', 'whatif', ['whatif', '--mix', 'C/m.yaml', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '30', '--save', 'C/m.yaml', '--json'], { 'm.yaml': MIX_FILE }));
  out.push(o('junit-is-plan', 'validate', ['validate', 'C/p.yaml', '--junit', 'C/p.yaml', '--duration-s', '20'], { 'p.yaml': VALID_PLAN }));
  out.push(o('out-is-grid', 'sweep', ['sweep', 'C/g.yaml', '--threads', '1', '--out', 'C/g.yaml'], { 'g.yaml': GRID('x: {axis: rate_scale, values: [1]}\ny: {axis: slo_scale, values: [1]}\n') }));
  out.push(o('out-is-shard', 'merge', ['merge', 'C/s.json', '--out', 'C/s.json'], { 's.json': '{}' }));
  out.push(o('out-is-result', 'report', ['report', 'C/r.json', '--out', 'C/r.json'], { 'r.json': '{"kind": "simulation"}' }));
  out.push(o('out-is-catalog', 'calibrate', ['calibrate', 'C/runs.csv', '--catalog', 'C/g.yaml', '--out', 'C/g.yaml'], { 'runs.csv': 'x\n', 'g.yaml': GPU_HOT }));
  out.push(o('out-holds-plan', 'export', ['export', 'C/d/plan.yaml', '--to', 'kubernetes', '--out', 'C/d'], { 'd/plan.yaml': VALID_PLAN }, [0, 2]));
  // Empty, file, read-only and under-a-file output paths.
  const outFlags: Array<[string, string[], string]> = [
    ['plan', ['plan', '--mix', 'swe-agent-paper', ...PLANF], '--out'],
    ['simulate', ['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '20'], '--out'],
    ['compare', ['compare', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--policies', 'conserve', '--duration-s', '20'], '--out'],
    ['sweep', ['sweep', 'F/grid.yaml', '--threads', '1'], '--out'],
    ['merge', ['merge', 'F/shard.json'], '--out'],
    ['validate', ['validate', 'F/plan.yaml', '--duration-s', '20'], '--junit'],
    ['whatif-save', ['whatif', '--script', 'F/script.yaml', '--json'], '--save'],
    ['whatif-report', ['whatif', '--script', 'F/script.yaml', '--json'], '--report'],
    ['report', ['report', 'F/sim/result.json'], '--out'],
    ['export', ['export', 'F/plan.yaml', '--to', 'kubernetes'], '--out'],
    ['calibrate', ['calibrate', 'C/none.csv'], '--out'],
  ];
  for (const [name, argv, flag] of outFlags) {
    const command = argv[0]!;
    for (const [target, label] of [['', 'empty'], ['/proc/fleetplan-out/x', 'read-only'], ['C/file.txt/x', 'under-a-file'], ['/', 'root']] as const) {
      // `/` is writable when the battery runs as root (a container): then writing there is right, not a defect.
      out.push(o(`${name}${flag}-${label}`, command, [...argv, flag, target], { 'file.txt': 'a file' }, label === 'root' && process.getuid?.() === 0 ? [0, 2] : [2]));
    }
  }
  // Stale sets: a re-run must leave no owned file of an earlier run behind.
  const stale = (names: string[]) => Object.fromEntries(names.map((n) => [`d/${n}`, STALE]));
  out.push(o('stale-after-no-plan', 'plan', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--no-trim', '--check-seeds', '1', '--ttfet-p95-s', '0.0001', '--out', 'C/d'], stale(['plan.yaml', 'plan.json', 'report.html', 'slo.yaml']), [1], 60, ['d/plan.yaml', 'd/plan.json', 'd/report.html', 'd/slo.yaml']));
  out.push(o('stale-simulate', 'simulate', ['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '20', '--out', 'C/d'], stale(['result.json', 'report.html']), [0], 30, ['d/result.json', 'd/report.html']));
  out.push(o('stale-compare', 'compare', ['compare', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--policies', 'conserve', '--duration-s', '20', '--out', 'C/d'], stale(['comparison.json', 'report.html']), [0], 30, ['d/comparison.json', 'd/report.html']));
  // A symlink planted where an output goes: replaced, the file it points at untouched (hashed as an input).
  out.push(o('symlink-at-output', 'report', ['report', 'F/sim/result.json', '--out', 'C/link.html'], { 'victim.txt': 'precious' }, [0]));
  return out;
}

/** Ctrl-C in every command that can run for long: exit 130, no file written. */
export function interruptCases(): HostileCase[] {
  const i = (command: string, argv: string[], files?: Record<string, string>): HostileCase => ({ id: `interrupt/${command}`, category: 'interrupt', command, argv, expect: [130], deadlineSeconds: 30, interruptAfterMs: 2500, ...(files ? { files } : {}) });
  return [
    i('plan', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40,l40s,h100-sxm', '--slo', 'relaxed', '--out', 'C/o']),
    i('simulate', ['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '200000', '--out', 'C/o']),
    i('compare', ['compare', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '200000', '--out', 'C/o']),
    i('validate', ['validate', 'F/plan.yaml', '--duration-s', '200000', '--junit', 'C/j.xml']),
    i('whatif', ['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '200000', '--scale-rate', '*=1.2', '--save', 'C/s.yaml', '--report', 'C/w.html', '--json']),
    i('sweep', ['sweep', 'C/g.yaml', '--threads', '1', '--out', 'C/s.json'], { 'g.yaml': 'kind: sweep\nmix: swe-agent-paper\nllm: qwen3-0.6b\nslo: relaxed\ngpus: [a40, l40s]\nx: {axis: rate_scale, values: [1, 2, 3, 4]}\ny: {axis: slo_scale, values: [1, 2]}\n' }),
    // A fixed 20,000 requests (~12 s of CPU): the default run length can end before Ctrl-C is pressed.
    i('benchmark', ['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--rate', '50', '--isl', '4000', '--osl', '2000', '--request-count', '20000', '--json']),
  ];
}

/** Every command's help, and output-heavy commands, into a pipe closed after one line: exit 0, nothing on stderr. */
export function pipeCases(commands: readonly string[]): HostileCase[] {
  const out: HostileCase[] = commands.map((c) => ({ id: `pipe/${c}--help`, category: 'pipe' as const, command: c, argv: [c, '--help'], expect: [0], deadlineSeconds: 5, pipeToHead: true }));
  out.push({ id: 'pipe/--help', category: 'pipe', command: '', argv: ['--help'], expect: [0], deadlineSeconds: 5, pipeToHead: true });
  out.push({ id: 'pipe/no-arguments', category: 'pipe', command: '', argv: [], expect: [0], deadlineSeconds: 5, pipeToHead: true });
  out.push({ id: 'pipe/catalog', category: 'pipe', command: 'catalog', argv: ['catalog'], expect: [0], deadlineSeconds: 5, pipeToHead: true });
  out.push({ id: 'pipe/catalog-json', category: 'pipe', command: 'catalog', argv: ['catalog', '--json'], expect: [0], deadlineSeconds: 5, pipeToHead: true });
  out.push({ id: 'pipe/predict-json', category: 'pipe', command: 'predict', argv: ['predict', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--input-tokens', '100', '--json'], expect: [0], deadlineSeconds: 5, pipeToHead: true });
  out.push({ id: 'pipe/export', category: 'pipe', command: 'export', argv: ['export', 'F/plan.yaml', '--to', 'kubernetes'], expect: [0], deadlineSeconds: 5, pipeToHead: true });
  return out;
}

/** The README's commands from the built CLI, run outside the repository. */
export function distPathCases(): HostileCase[] {
  const d = (id: string, command: string, argv: string[], expect: number[], files?: Record<string, string>, stderrMatch?: RegExp): HostileCase => ({ id: `dist/${id}`, category: 'dist-path', command, argv, expect, deadlineSeconds: 40, cwd: 'tmp', ...(files ? { files } : {}), ...(stderrMatch ? { stderrMatch } : {}) });
  return [
    d('compare-scenario-paper', 'compare', ['compare', '--scenario', 'paper', '--policies', 'conserve', '--conversations', '30', '--out', 'C/paper'], [0]),
    d('simulate-example-fleet', 'simulate', ['simulate', '--fleet', 'R/examples/fleets/paper-a40.yaml', '--mix', 'swe-agent-paper', '--duration-s', '20'], [0]),
    d('validate-example-plan', 'validate', ['validate', 'R/examples/plans/paper-a40.plan.yaml', '--duration-s', '20'], [0, 1]),
    d('export-example-plan', 'export', ['export', 'R/examples/plans/paper-a40.plan.yaml', '--to', 'kubernetes'], [0]),
    d('catalog', 'catalog', ['catalog'], [0]),
    d('readme-fleet', 'simulate', ['simulate', '--fleet', 'C/f.yaml', '--mix', 'coding-agent', '--duration-s', '5'], [0], { 'f.yaml': 'kind: fleet\nllm: llama-3.1-70b\ninstances:\n  - {gpu: h100-sxm, tp: 2, precision: fp8, kv_dtype: fp8, role: prefill, count: 2}\n  - {gpu: b200, tp: 1, precision: fp4, role: decode, count: 4}\nlinks:\n  - {from: prefill, to: decode, bandwidth_bytes_per_s: 50e9, latency_s: 1e-5}\n' }),
    d('fleet-without-links-names-file', 'simulate', ['simulate', '--fleet', 'C/f.yaml', '--mix', 'swe-agent-paper', '--duration-s', '5'], [0, 2], { 'f.yaml': fleetWith('{ gpu: a40, tp: 1, role: prefill, count: 1 }', false) }, /f\.yaml|^$/),
  ];
}
