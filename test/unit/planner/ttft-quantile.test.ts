import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { jointQuantile } from '../../../planner/demand/attainment.js';
import { profileClass } from '../../../planner/demand/class-profile.js';
import { deriveDemand } from '../../../planner/demand/demand.js';
import { resolveOptions } from '../../../planner/options.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { enumeratePools } from '../../../planner/demand/pools.js';

const catalog = loadBuiltinCatalog();
const research = { ...catalog.mixes.get('research-agent')!.classes[0], arrivalRatePerSecond: 1 };

describe('later-turn TTFT at the per-turn quantile joint attainment needs', () => {
  it('reads the appended input at q^(1/later turns), never below the TTFT percentile', () => {
    const plain = profileClass(research, 0.95);
    const joint = profileClass(research, 0.95, { percentile: 0.95, requiredAttainment: 0.9, targets: 3 });
    expect(plain.ttftTurnQuantile).toBe(0.95);
    expect(joint.ttftTurnQuantile).toBeCloseTo(jointQuantile(0.9, 3, joint.meanTurns - 1), 12);
    expect(joint.ttftTurnQuantile).toBeGreaterThan(0.99);
    expect(joint.appendedForTtftTokens).toBeGreaterThan(plain.appendedForTtftTokens);
    // A single-target, loose requirement never reads below the TTFT's own percentile.
    expect(profileClass(research, 0.95, { percentile: 0.95, requiredAttainment: 0.5, targets: 1 }).ttftTurnQuantile).toBe(0.95);
  });

  it('makes a decoder ineligible when a long appended input cannot prefill within the TTFT bound, naming TTFT', () => {
    const mix = { id: 'r', name: 'r', description: 'research-agent', classes: [research], sources: {} };
    const slo = catalog.slos.get('relaxed')!;
    const options = resolveOptions({ roles: ['prefill', 'decode'], powerCapFractions: { decode: [1] }, tpDegrees: [2, 8] });
    const gpus = [catalog.gpus.get('mi300x')!];
    const { pools } = enumeratePools(gpus, catalog.llms.get('llama-3.1-70b')!, createPerfModelFor(), options);
    const demand = deriveDemand({ mix, slo, datacenter: catalog.datacenters.get('default')! }, pools, options);
    const entry = (key: string) => demand.entries[0][pools.findIndex((p) => p.key === key)];
    // mi300x TP2 prefills the p99+ appended input (32K tokens on a 25K history) in ~8 s > 3 s: ineligible.
    expect(entry('mi300x/tp2/bf16/decode/tdp')).toMatchObject({ eligible: false, reason: expect.stringMatching(/^later-turn TTFT at batch 1 is [0-9.]+ s on mi300x\/tp2\/bf16\/decode\/tdp, above the 3\.000 s target$/) });
    // The quantile read is above the TTFET percentile the profile used for TTFT before.
    expect(demand.profiles[0].appendedForTtftTokens).toBeGreaterThan(demand.profiles[0].appendedAtPercentileTokens);
  });
});
