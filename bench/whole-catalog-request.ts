/**
 * The request the whole-catalog benches plan (bench/planner.ts, bench/kernel-checks.ts): every catalog GPU type, the
 * first class of four catalog mixes at 2 conversations/s each, llama-3.1-70b, the default datacenter; and the kernel
 * check `plan` runs on it (20 simulated minutes). One definition, so the benches' sha256s compare the same work.
 */
import type { Catalog, Mix } from '../catalogs/types.js';
import type { CheckSpec } from '../planner/check/check-worker.js';
import { createPerfModelFor } from '../planner/demand/perf-adapter.js';
import type { PlanRequest } from '../planner/types.js';

const MIX_IDS = ['coding-agent', 'research-agent', 'multi-turn-chat', 'long-context-rag'];

export function wholeCatalogRequest(catalog: Catalog, sloId: 'relaxed' | 'standard'): PlanRequest {
  const mix: Mix = {
    id: 'bench-4-classes',
    name: 'bench',
    description: 'first class of four catalog mixes',
    classes: MIX_IDS.map((id) => ({ ...catalog.mixes.get(id)!.classes[0], id, arrivalRatePerSecond: 2 })),
    sources: {},
  };
  return {
    mix,
    slo: catalog.slos.get(sloId)!,
    datacenter: catalog.datacenters.get('default')!,
    gpus: [...catalog.gpus.values()],
    llm: catalog.llms.get('llama-3.1-70b')!,
    perfModelFor: createPerfModelFor(),
  };
}

/** The kernel check of `request` as `plan` runs it: 20 simulated minutes over the request's GPUs and LLM. */
export function wholeCatalogCheckSpec(request: PlanRequest): CheckSpec {
  return { mix: request.mix, slo: request.slo, durationSeconds: 1200, gpus: request.gpus, llms: [request.llm] };
}
