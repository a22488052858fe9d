/**
 * The warm-up task (highs-warmup.ts), run on its own worker thread: instantiates the HiGHS module it was sent and
 * plans the README command's request from the built-in catalogs with HiGHS (LP relaxations and the catalog-wide MILP),
 * which leaves optimised code in the shared module. The plan is thrown away.
 */
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { createPerfModelFor } from '../planner/demand/perf-adapter.js';
import { planFleet } from '../planner/milp/plan.js';
import { useHighsModule } from '../planner/milp/solvers/highs.js';

export interface WarmupTask {
  /** The module compiled on the main thread (a WebAssembly.Module crosses threads by reference to its code). */
  readonly module: WebAssembly.Module;
}

/** Plans the README request on this thread's HiGHS, instantiated from `task.module`. */
export default async function warmUpHighs(task: WarmupTask): Promise<void> {
  useHighsModule(Promise.resolve(task.module));
  const catalog = loadBuiltinCatalog();
  await planFleet({
    mix: catalog.mixes.get('coding-agent')!,
    slo: catalog.slos.get('standard')!,
    datacenter: catalog.datacenters.get('default')!,
    gpus: [...catalog.gpus.values()],
    llm: catalog.llms.get('llama-3.1-70b')!,
    perfModelFor: createPerfModelFor(),
  }, { objective: 'tco', solver: 'highs' });
}
