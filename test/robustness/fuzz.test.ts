/**
 * Issue 14, property-based: hostile documents for every loader, driven through the CLI entry in-process (`main`, not
 * a spawned process, for speed). Each document is a valid file of its kind with hostile edits — wrong types, ranges
 * (±1e308, .inf, .nan, 0, negatives), sizes (long strings and lists), deep nesting, alias chains, prototype keys,
 * duplicate keys — or hostile text. Properties: the exit code is 0, 1 or 2; on 2 every stderr line is one
 * `fleetplan:` line and there is no stack trace or internal error; no run takes more than a few seconds; a secret
 * planted in the document is never printed unless the document declares a fleetplan kind. The seed is fixed (set
 * FLEETPLAN_FUZZ_SEED to vary it) and printed; fast-check prints the shrunk counterexample on failure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

const SEED = Number(process.env.FLEETPLAN_FUZZ_SEED ?? 1414);
const RUNS = Number(process.env.FLEETPLAN_FUZZ_RUNS ?? 12);
const SECRET = 'SECRET_hunter2';
let dir: string;
let counter = 0;

beforeAll(() => {
  dir = scratchDir('fleetplan-fuzz-');
  // eslint-disable-next-line no-console
  console.info(`fuzz seed ${SEED} (FLEETPLAN_FUZZ_SEED), ${RUNS} runs per target (FLEETPLAN_FUZZ_RUNS)`);
});

/** Valid documents of every kind a command reads; the fuzzer breaks them. */
const BASES: Record<string, Record<string, unknown>> = {
  gpu: { kind: 'gpu', id: 'fuzz-gpu', vendor: 'X', name: 'X', memory_bytes: 85899345920, memory_bw_bytes_per_s: 3.35e12, bf16_flops_per_s: 989.4e12, tdp_w: 700, idle_w: 70, power_cap_w: { min: 200, max: 700 }, interconnect: { intra_node_bytes_per_s: 450e9, inter_node_bytes_per_s: 50e9, gpus_per_node: 8 }, price: { capex_usd: 30000, rent_usd_per_h: 2.5 }, sources: { memory_bytes: 'test' } },
  mix: { kind: 'mix', id: 'fuzz-mix', name: 'X', description: 'X', llm: 'qwen3-0.6b', classes: [{ id: 'c', description: 'c', arrival_rate_per_s: 0.2, arrival: { poisson: {} }, turns: { fixed: 2 }, first_input_tokens: { fixed: 500 }, appended_input_tokens: { fixed: 50 }, output_tokens: { fixed: 50 }, tool_latency_s: { fixed: 1 }, user_visible_turns: 'last', sources: { turns: 'test' } }], sources: { classes: 'test' } },
  slo: { kind: 'slo', id: 'fuzz-slo', description: 'X', attainment: 0.9, targets: [{ metric: 'ttfet_s', percentile: 95, max: 30 }], sources: { targets: 'test' } },
  fleet: { kind: 'fleet', llm: 'qwen3-0.6b', instances: [{ gpu: 'a40', tp: 1, role: 'prefill', count: 1 }, { gpu: 'a40', tp: 1, role: 'decode', count: 1 }], links: [{ from: 'prefill', to: 'decode', bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }] },
  plan: { kind: 'plan', format_version: 1, mix: 'swe-agent-paper', slo: 'relaxed', llm: 'qwen3-0.6b', duration_s: 5, instances: [{ gpu: 'a40', tp: 1, role: 'prefill', count: 1 }, { gpu: 'a40', tp: 1, role: 'decode', count: 1 }], links: [{ from: 'prefill', to: 'decode', bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }] },
  sweep: { kind: 'sweep', mix: 'swe-agent-paper', llm: 'qwen3-0.6b', slo: 'relaxed', gpus: ['a40'], check: false, x: { axis: 'rate_scale', values: [1] }, y: { axis: 'slo_scale', values: [1] } },
  scenario: { kind: 'whatif-scenario', start: { mix: 'swe-agent-paper', slo: 'relaxed', llm: 'qwen3-0.6b', gpus: ['a40'], check_duration_s: 5 }, changes: [{ set_objective: 'energy' }] },
  shard: { kind: 'sweep-shard', format_version: 1, grid: { mix: 'm', slo: 's', objective: 'tco', metric: 'tco_usd', check: false, durationS: 5, seed: 1, x: { axis: 'rate_scale', values: [1] }, y: { axis: 'slo_scale', values: [1] }, fixed: {} }, shard: { index: 1, count: 1 }, cells: [{ index: 0, row: 0, col: 0, scales: { rate_scale: 1, slo_scale: 1, price_scale: 1 }, ok: true, holds: null, tco_usd: 1, j_per_output_token: 1, gpus: 2, instances: [], rounds: 1 }] },
  result: { kind: 'plan', format_version: 1, holds: true, instances: [{ gpu: 'a40', llm: 'qwen3-0.6b', tp: 1, role: 'prefill', count: 1 }], rounds: [{ round: 0 }], binding: [] },
};

/** The command that reads each kind (the file is the last argument's placeholder FILE). */
const COMMANDS: Record<string, string[]> = {
  gpu: ['catalog', 'gpus', '--json', '--catalog', 'FILE'],
  mix: ['simulate', '--fleet', 'fleet.yaml', '--mix', 'FILE', '--duration-s', '5', '--json'],
  slo: ['catalog', 'slos', '--json', '--catalog', 'FILE'],
  fleet: ['simulate', '--fleet', 'FILE', '--mix', 'swe-agent-paper', '--duration-s', '5', '--json'],
  plan: ['validate', 'FILE', '--duration-s', '5', '--json'],
  sweep: ['sweep', 'FILE', '--threads', '1', '--json'],
  scenario: ['whatif', '--script', 'FILE', '--json'],
  shard: ['merge', 'FILE', '--json'],
  result: ['report', 'FILE', '--out', 'fuzz-report.html'],
};

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 0, -1, 0x7fffffff, 1e9, 0.5, Number.MAX_SAFE_INTEGER + 2, null, true, '', '80GB', '__proto__', `${SECRET}`),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 6 }),
  // Prototype-pollution keys as a parser would produce them (own properties), fresh each time.
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}') as unknown),
  fc.integer({ min: 1, max: 60 }).map((depth) => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 1)),
  fc.integer({ min: 1, max: 5000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 2000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
);

type Edit = { op: 'set'; pick: number; value: unknown } | { op: 'delete'; pick: number } | { op: 'keys'; count: number } | { op: 'secret-kind' };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('keys' as const), count: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'secret-kind' as const }) },
);

/** Text-level hostility applied after serialising: YAML tags, aliases, bombs, duplicates, binary, truncation. */
type TextEdit = { op: 'none' } | { op: 'append'; text: string } | { op: 'truncate'; keep: number } | { op: 'replace'; text: string };
const ALIAS_BOMB = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';
const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('append' as const), text: fc.constantFrom(ALIAS_BOMB, 'kind: gpu\n', 'x: !!js/function "f"\n', 'y: *undefined_alias\n', 'z: !custom 1\n', '\u0000\u00ff\n', 'w: [1, 2\n', `? ${SECRET}\n`, 'q: .nan\nr: .inf\n') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replace' as const), text: fc.constantFrom(`${SECRET}=1\u0000PATH=/bin`, `[${SECRET}]`, `{"${SECRET}": `, ALIAS_BOMB, '', '---\n---\n', '\ufeff') }) },
);

function slots(node: unknown, out: Array<[Record<string | number, unknown>, string | number]> = []) {
  if (node && typeof node === 'object') {
    for (const key of Object.keys(node)) {
      out.push([node as Record<string | number, unknown>, Array.isArray(node) ? Number(key) : key]);
      slots((node as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

function build(kind: string, edits: Edit[], text: TextEdit): string {
  const data = structuredClone(BASES[kind]!) as Record<string, unknown>;
  for (const e of edits) {
    if (e.op === 'keys') for (let i = 0; i < e.count; i++) data[`k${i}`] = i;
    else if (e.op === 'secret-kind') data.kind = SECRET;
    else {
      const all = slots(data);
      const [container, key] = all[e.pick % all.length]!;
      if (e.op === 'delete') delete container[key];
      else container[key] = structuredClone(e.value); // a copy: the same value set twice must not nest into a cycle
    }
  }
  const yaml = stringify(data, { aliasDuplicateObjects: false });
  if (text.op === 'append') return yaml + text.text;
  if (text.op === 'truncate') return yaml.slice(0, text.keep % (yaml.length + 1));
  if (text.op === 'replace') return text.text;
  return yaml;
}

describe.each(Object.keys(BASES))('hostile %s documents through the CLI', (kind) => {
  it('exit 0/1/2, one fleetplan: line per problem, no stack, bounded, no foreign text quoted', async () => {
    writeFileSync(join(dir, 'fleet.yaml'), stringify(BASES.fleet));
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), textEdit, async (edits, text) => {
        const name = `${kind}-${counter++}.yaml`;
        const content = build(kind, edits, text);
        writeFileSync(join(dir, name), content);
        const argv = COMMANDS[kind]!.map((a) => (a === 'FILE' ? name : a));
        const t0 = performance.now();
        const run = await runCli(argv, { cwd: dir });
        const seconds = (performance.now() - t0) / 1000;
        expect([0, 1, 2]).toContain(run.code);
        expect(run.stderr).not.toContain('internal error');
        expect(run.stderr).not.toMatch(/\n\s+at /);
        if (run.code === 2) for (const line of run.stderr.trimEnd().split('\n')) expect(line).toMatch(/^fleetplan: /);
        expect(seconds).toBeLessThan(15);
        // A document that declares no fleetplan kind may be any file: none of its text reaches the output.
        const declared = /^[\s{]*["']?kind["']?\s*:\s*["']?(gpu|llm|mix|slo|datacenter|fleet|plan|sweep|whatif-scenario|sweep-shard)\b/m.test(content);
        if (!declared) expect(run.stderr).not.toContain(SECRET);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
