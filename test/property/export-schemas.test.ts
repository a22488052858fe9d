/**
 * Zero schema errors on any plan: random plans over the whole catalog (every GPU and LLM, TP 1…16, ep where it nests,
 * the formats each GPU has, caps inside each GPU's range, several pools of a type, count 0 among them) exported to
 * every target validate against the Kubernetes API schemas and the vendored CRD / Helm-values schemas; the output is
 * the same on a second run; every placeholder written is named in a warning.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gpuPrecisions, loadBuiltinCatalog } from '../../catalogs/index.js';
import type { InstancePool } from '../../catalogs/types.js';
import { exportPlan, renderManifestFile, EXPORT_TARGETS } from '../../planner/export/index.js';
import { llmdValuesErrors, objectErrors } from '../helpers/manifest-schemas.js';

const SEED = Number(process.env.FC_SEED ?? 20261206);
console.log(`export properties: fast-check seed ${SEED} (set FC_SEED to replay)`);

const catalog = loadBuiltinCatalog();
const gpus = [...catalog.gpus.values()];
const llms = [...catalog.llms.keys()];
const identity = { planSha256: `sha256:${'ab'.repeat(32)}`, planFile: 'plan.yaml', fleetplanVersion: '0.1.0' };

const poolArb = fc.record({
  gpu: fc.integer({ min: 0, max: gpus.length - 1 }),
  llm: fc.constantFrom(...llms),
  tp: fc.constantFrom(1, 2, 4, 8, 16),
  ep: fc.constantFrom(1, 1, 1, 2, 8),
  role: fc.constantFrom('prefill' as const, 'decode' as const, 'colocated' as const),
  count: fc.integer({ min: 0, max: 6 }),
  format: fc.nat(),
  kvFp8: fc.boolean(),
  cap: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
}).map((r): InstancePool => {
  const gpu = gpus[r.gpu]!;
  const formats = gpuPrecisions(gpu);
  const ep = Math.max(r.tp, r.ep) % Math.min(r.tp, r.ep) === 0 ? r.ep : 1;
  return {
    gpu: gpu.id, llm: r.llm, tp: r.tp, role: r.role, count: r.count,
    ...(ep > 1 ? { ep } : {}),
    ...(r.format % 2 === 0 ? { precision: formats[r.format % formats.length]! } : {}),
    ...(r.kvFp8 && formats.includes('fp8') ? { kvDtype: 'fp8' as const } : {}),
    ...(r.cap !== undefined ? { powerCapWatts: Math.round(gpu.powerCap.minWatts + r.cap * (gpu.powerCap.maxWatts - gpu.powerCap.minWatts)) } : {}),
  };
});

describe('export of random plans', () => {
  it('validates for every target, reruns identically, and names every placeholder in a warning', () => {
    fc.assert(
      fc.property(fc.array(poolArb, { minLength: 1, maxLength: 6 }).filter((ps) => ps.some((p) => p.count > 0)), (pools) => {
        for (const target of EXPORT_TARGETS) {
          const input = { pools, gpus: catalog.gpus, llms: catalog.llms, identity, name: 'random-plan' };
          const result = exportPlan(input, target);
          const docs = result.files.flatMap((f) => f.documents as Array<Record<string, any>>);
          const errors = docs.flatMap((d, i) => (target === 'llm-d' ? llmdValuesErrors(d, `values[${i}]`) : objectErrors(d)));
          expect(errors).toEqual([]);
          const again = exportPlan(input, target);
          expect(again.files.map((f) => renderManifestFile(f, []))).toEqual(result.files.map((f) => renderManifestFile(f, [])));
          const text = result.files.map((f) => renderManifestFile(f, [])).join('');
          for (const gpu of new Set(pools.filter((p) => p.count > 0).map((p) => p.gpu))) {
            const placeholder = text.includes('FILL-ME-node-label-value') && ['mi300x', 'gaudi3'].includes(gpu);
            if (placeholder) expect(result.warnings.join('\n')).toContain(`GPU type "${gpu}" has no known node label`);
          }
          if (!['mi300x', 'gaudi3'].some((g) => pools.some((p) => p.gpu === g && p.count > 0))) expect(text).not.toContain('FILL-ME');
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  }, 120_000);
});
