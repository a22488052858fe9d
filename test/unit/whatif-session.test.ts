/** The what-if session's pure logic: applyWhatIf and undo, the scenario file round trip, the diff table. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../catalogs/index.js';
import {
  applyWhatIf, diffRows, materialize, overriddenSlo, parseScenario, scenarioToYaml, startWhatIf,
  type Snapshot, type WhatIfChange, type WhatIfInputs,
} from '../../planner/whatif/index.js';
import { loadBuiltinCatalog } from '../../catalogs/index.js';

const START: WhatIfInputs = {
  mix: 'coding-agent', slo: 'standard', llm: 'llama-3.1-70b', gpus: ['h100-sxm', 'l40s'], rateScale: {}, sloTargets: [], prices: {},
  objective: 'tco', policy: 'conserve', seed: 1, checkDurationS: 300,
};
const KNOWN = { gpus: ['h100-sxm', 'l40s', 'h200', 'a40'], classes: ['triage', 'long'] };

describe('applyWhatIf()', () => {
  it('compounds rate scaling per class and leaves the previous state untouched', () => {
    const s0 = startWhatIf(START, KNOWN);
    const s1 = applyWhatIf(s0, { kind: 'scale-rate', classId: 'triage', factor: 2 });
    const s2 = applyWhatIf(s1, { kind: 'scale-rate', classId: 'triage', factor: 1.5 });
    expect(s2.inputs.rateScale).toEqual({ triage: 3 });
    expect(s1.inputs.rateScale).toEqual({ triage: 2 });
    expect(s0.inputs.rateScale).toEqual({});
  });

  it('undo restores the inputs before the last change and drops it from the scenario', () => {
    let s = startWhatIf(START, KNOWN);
    s = applyWhatIf(s, { kind: 'add-gpus', gpus: ['h200'] });
    s = applyWhatIf(s, { kind: 'set-power-cap', kw: 40 });
    s = applyWhatIf(s, { kind: 'undo' });
    expect(s.inputs.gpus).toEqual(['h100-sxm', 'l40s', 'h200']);
    expect(s.inputs.powerCapKw).toBeUndefined();
    expect(s.applied.map((c) => c.kind)).toEqual(['add-gpus']);
    s = applyWhatIf(applyWhatIf(s, { kind: 'undo' }), { kind: 'undo' });
    expect(s.inputs).toBe(START);
  });

  it('replaces an SLO target of the same metric and percentile, and merges prices', () => {
    let s = startWhatIf(START, KNOWN);
    s = applyWhatIf(s, { kind: 'set-slo', metric: 'ttfet_s', percentile: 95, max: 30 });
    s = applyWhatIf(s, { kind: 'set-slo', metric: 'ttfet_s', percentile: 95, max: 20 });
    s = applyWhatIf(s, { kind: 'set-price', gpu: 'l40s', capexUsd: 9000 });
    s = applyWhatIf(s, { kind: 'set-price', gpu: 'l40s', rentUsdPerHour: 1.1 });
    expect(s.inputs.sloTargets).toEqual([{ metric: 'ttfet_s', percentile: 95, max: 20 }]);
    expect(s.inputs.prices).toEqual({ l40s: { capexUsd: 9000, rentUsdPerHour: 1.1 } });
  });

  it('refuses unknown ids, bad factors and removing every candidate with an InputError naming the field', () => {
    const s = startWhatIf(START, KNOWN);
    const bad: Array<[WhatIfChange, RegExp]> = [
      [{ kind: 'add-gpus', gpus: ['h100-sxn'] }, /add_gpus\[0\]: found "h100-sxn", expected a GPU type id \(did you mean "h100-sxm"\?\)/],
      [{ kind: 'scale-rate', classId: 'nope', factor: 2 }, /scale_rate.class: found "nope"/],
      [{ kind: 'scale-rate', classId: '*', factor: 0 }, /scale_rate.factor: found 0, expected a rate multiplier > 0/],
      [{ kind: 'remove-gpus', gpus: ['h100-sxm', 'l40s'] }, /expected at least one left/],
      [{ kind: 'set-price', gpu: 'a40' }, /expected capex_usd and\/or rent_usd_per_h/],
    ];
    for (const [change, message] of bad) {
      expect(() => applyWhatIf(s, change)).toThrow(InputError);
      expect(() => applyWhatIf(s, change)).toThrow(message);
    }
  });
});

describe('materialize()', () => {
  const catalog = loadBuiltinCatalog();
  const mix = catalog.mixes.get('coding-agent')!;
  const slo = catalog.slos.get('standard')!;
  const datacenter = catalog.datacenters.get('default')!;

  it('scales arrival rates, overrides prices, electricity and the power cap', () => {
    const inputs: WhatIfInputs = { ...START, rateScale: { '*': 2 }, prices: { l40s: { capexUsd: 1234 } }, electricityUsdPerKwh: 0.5, powerCapKw: 12 };
    const m = materialize(inputs, { catalog, mix, slo, datacenter });
    m.mix.classes.forEach((c, i) => expect(c.arrivalRatePerSecond).toBeCloseTo(2 * mix.classes[i]!.arrivalRatePerSecond, 12));
    expect(m.gpus.find((g) => g.id === 'l40s')!.capexUsd).toBe(1234);
    expect(m.gpus.find((g) => g.id === 'h100-sxm')!.capexUsd).toBe(catalog.gpus.get('h100-sxm')!.capexUsd);
    expect(m.datacenter.electricityUsdPerKwh).toBe(0.5);
    expect(m.options.powerCapWatts).toBe(12_000);
    expect(materialize({ ...START, powerCapKw: null }, { catalog, mix, slo, datacenter }).datacenter.powerCapWatts).toBeUndefined();
  });

  it('carries the layout restriction into the plan options, and nothing without one', () => {
    const m = materialize({ ...START, tpDegrees: [4, 8], epDegrees: [8] }, { catalog, mix, slo, datacenter });
    expect([m.options.tpDegrees, m.options.epDegrees]).toEqual([[4, 8], [8]]);
    const open = materialize(START, { catalog, mix, slo, datacenter });
    expect(['tpDegrees' in open.options, 'epDegrees' in open.options]).toEqual([false, false]);
  });

  it('carries the format restriction into the plan options, and nothing without one', () => {
    expect(materialize({ ...START, precisions: ['fp8'] }, { catalog, mix, slo, datacenter }).options.precisions).toEqual(['fp8']);
    expect('precisions' in materialize(START, { catalog, mix, slo, datacenter }).options).toBe(false);
  });

  it('overriddenSlo() keeps the other targets', () => {
    const o = overriddenSlo(slo, [{ metric: slo.targets[0]!.metric, percentile: slo.targets[0]!.percentile, max: 99 }]);
    expect(o.targets).toHaveLength(slo.targets.length);
    expect(o.targets.at(-1)).toMatchObject({ kind: 'absolute', maxValue: 99 });
  });
});

describe('scenario file', () => {
  it('round-trips a session through YAML', () => {
    let s = startWhatIf(START, KNOWN);
    const changes: WhatIfChange[] = [
      { kind: 'scale-rate', classId: '*', factor: 1.5 },
      { kind: 'set-slo', metric: 'tbt_ms', percentile: 99, maxSlowdown: 5 },
      { kind: 'add-gpus', gpus: ['h200'] },
      { kind: 'set-price', gpu: 'h200', capexUsd: 30000, rentUsdPerHour: 3 },
      { kind: 'set-electricity', usdPerKwh: 0.2 },
      { kind: 'set-power-cap', kw: null },
      { kind: 'set-objective', objective: 'energy' },
      { kind: 'set-policy', policy: 'colocated' },
    ];
    for (const c of changes) s = applyWhatIf(s, c);
    const parsed = parseScenario(scenarioToYaml(s), 'x.yaml');
    expect(parsed.changes).toEqual(changes);
    expect(parsed.start).toEqual({ mix: 'coding-agent', slo: 'standard', llm: 'llama-3.1-70b', gpus: ['h100-sxm', 'l40s'], objective: 'tco', policy: 'conserve', seed: 1, checkDurationS: 300 });
  });

  it('round-trips the layout restriction in the start, and writes none when every layout is searched', () => {
    const restricted = startWhatIf({ ...START, tpDegrees: [8], epDegrees: [4, 8] }, KNOWN);
    expect(parseScenario(scenarioToYaml(restricted), 'x.yaml').start).toMatchObject({ tpDegrees: [8], epDegrees: [4, 8] });
    const text = scenarioToYaml(startWhatIf(START, KNOWN));
    expect(text).not.toMatch(/^ {2}(tp|ep):/m);
    expect(parseScenario(text, 'x.yaml').start).not.toHaveProperty('epDegrees');
  });

  it('round-trips the format restriction in the start (with its line), and writes none when every format is searched', () => {
    const text = scenarioToYaml(startWhatIf({ ...START, precisions: ['fp8', 'bf16'] }, KNOWN));
    const parsed = parseScenario(text, 'x.yaml');
    expect(parsed.start).toMatchObject({ precisions: ['fp8', 'bf16'] });
    // The line of its value (the block list's first entry), as for every field read from YAML.
    expect(parsed.startLines.precisions).toBe(text.split('\n').indexOf('  precisions:') + 2);
    const open = scenarioToYaml(startWhatIf(START, KNOWN));
    expect(open).not.toMatch(/^ {2}precisions:/m);
    expect(parseScenario(open, 'x.yaml').start).not.toHaveProperty('precisions');
    expect(parseScenario(open, 'x.yaml').startLines).toEqual({});
  });

  it('refuses a format restriction that is not a list of known formats, at its line', () => {
    expect(() => parseScenario('kind: whatif-scenario\nstart:\n  mix: coding-agent\n  precisions: [fp8, int4]\n', 's.yaml')).toThrow('s.yaml:4: start.precisions[1]: found "int4", expected one of bf16, fp8, fp4');
    expect(() => parseScenario('kind: whatif-scenario\nstart: { precisions: fp8 }\n', 's.yaml')).toThrow('s.yaml:2: start.precisions: found "fp8", expected a list of formats among bf16, fp8, fp4');
    expect(() => parseScenario('kind: whatif-scenario\nstart: { precisions: [] }\n', 's.yaml')).toThrow('s.yaml:2: start.precisions: found a list of 0, expected a list of formats among bf16, fp8, fp4');
  });

  it('refuses a layout restriction that is not a list of whole numbers ≥ 1, at its line', () => {
    expect(() => parseScenario('kind: whatif-scenario\nstart:\n  mix: coding-agent\n  ep: [8, 0]\n', 's.yaml')).toThrow('s.yaml:4: start.ep[1]: found 0, expected a whole number ≥ 1');
    expect(() => parseScenario('kind: whatif-scenario\nstart: { tp: 8 }\n', 's.yaml')).toThrow('s.yaml:2: start.tp: found 8, expected a list of whole numbers ≥ 1');
  });

  it('reports every bad entry with file, line, path, found and expected', () => {
    const text = 'kind: whatif-scenario\nchanges:\n  - scale_rate: { class: "*", factor: -1 }\n  - set_policy: fastest\n  - frobnicate: 1\n  - undo\n';
    try {
      parseScenario(text, 's.yaml');
      expect.unreachable();
    } catch (error) {
      expect((error as InputError).message.split('\n')).toEqual([
        's.yaml:3: changes[0].scale_rate.factor: found -1, expected a number > 0',
        's.yaml:4: changes[1].set_policy: found "fastest", expected one of conserve, per-turn-predict, per-turn-disagg, colocated',
        's.yaml:5: changes[2]: found "frobnicate", expected a change: scale_rate, set_slo, add_gpus, remove_gpus, set_price, set_electricity, set_power_cap, set_objective, set_policy or undo',
      ]);
    }
    expect(() => parseScenario('kind: plan\n', 'p.yaml')).toThrow('p.yaml: kind: found "plan", expected "whatif-scenario"');
  });
});

describe('diffRows()', () => {
  const snap = (over: Partial<Snapshot>): Snapshot => ({ holds: true, pools: { 'a/p': 1, 'a/d': 3 }, gpuCount: 4, tcoUsd: 1000, jPerOutputToken: 1, powerKw: 2, margins: { 'p95 ttfet_s': 0.5 }, ...over });
  it('lists every pool of the three plans and the change against previous and start', () => {
    const rows = diffRows(snap({}), snap({ pools: { 'a/p': 1, 'a/d': 4 }, gpuCount: 5, tcoUsd: 1250 }), snap({ pools: { 'b/d': 2, 'a/p': 1 }, gpuCount: 3, tcoUsd: 900, holds: false, margins: { 'p95 ttfet_s': -0.1 } }));
    const byLabel = Object.fromEntries(rows.map((r) => [r[0], r.slice(1)]));
    expect(byLabel['instances a/d']).toEqual(['3', '4', '0', '−4', '−3']);
    expect(byLabel['instances b/d']).toEqual(['0', '0', '2', '+2', '+2']);
    expect(byLabel['TCO USD']).toEqual(['1,000', '1,250', '900', '−350 (−28.0%)', '−100 (−10.0%)']);
    expect(byLabel['margin p95 ttfet_s']).toEqual(['50.0%', '50.0%', '-10.0%', '−60.0 pt', '−60.0 pt']);
    expect(byLabel.holds).toEqual(['yes', 'yes', 'no', '', '']);
  });
  it('shows a step without a plan as "no plan"', () => {
    const none: Snapshot = { holds: false, reason: 'power cap', pools: {}, gpuCount: 0, margins: {} };
    const rows = diffRows(snap({}), snap({}), none);
    expect(rows.find((r) => r[0] === 'TCO USD')).toEqual(['TCO USD', '1,000', '1,000', '—', 'n/a', 'n/a']);
    expect(rows.at(-1)).toEqual(['holds', 'yes', 'yes', 'no plan', '', '']);
  });
});

describe('refusedChange()', () => {
  it('refuses adding a GPU without the formats searched, in plan\'s words; nothing without a restriction or for a GPU that has one', async () => {
    const { refusedChange } = await import('../../planner/cli/commands/whatif.js');
    const catalog = loadBuiltinCatalog();
    const fp8 = { ...START, precisions: ['fp8' as const] };
    const add: WhatIfChange = { kind: 'add-gpus', gpus: ['h200', 'a40'] };
    // The interactive session: no flag, no file; the field as a scenario names it.
    expect(refusedChange(catalog, fp8, add, {})?.message).toBe('add_gpus[1]: found fp8, expected at least one of the formats a40 has (bf16), or a40 left out of add_gpus');
    expect(refusedChange(catalog, fp8, add, { flag: '--add-gpus' })?.message).toBe('--add-gpus: found fp8, expected at least one of the formats a40 has (bf16), or a40 left out of --add-gpus');
    expect(refusedChange(catalog, START, add, {})).toBeUndefined();
    expect(refusedChange(catalog, fp8, { kind: 'add-gpus', gpus: ['h200'] }, {})).toBeUndefined();
  });
});
