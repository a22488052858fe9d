export {};
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { planFleet } from '../planner/milp/plan.js';
import { createPerfModelFor } from '../planner/demand/perf-adapter.js';
const catalog = loadBuiltinCatalog();
const base = catalog.mixes.get('coding-agent')!;
const mix = { ...base, classes: base.classes.map((c) => ({ ...c, arrivalRatePerSecond: c.arrivalRatePerSecond * 2 })) };
const req = { mix, slo: catalog.slos.get('relaxed')!, datacenter: catalog.datacenters.get('default')!, gpus: ['h100-sxm', 'l40s'].map((id) => catalog.gpus.get(id)!), llm: catalog.llms.get('llama-3.1-8b')!, perfModelFor: createPerfModelFor() };
for (const precisions of [undefined, ['bf16']] as const) {
  for (let k = 0; k < 2; k++) {
    const t0 = performance.now();
    const r = await planFleet(req, precisions ? { precisions: [...precisions] } : {});
    const s = (performance.now() - t0) / 1000;
    console.log(JSON.stringify([precisions ?? 'all', s.toFixed(1), r.ok ? [r.plan.objectiveValue, r.plan.solver.used, r.plan.solver.status, r.plan.solver.variables, r.plan.notes] : r.reason]));
  }
}
