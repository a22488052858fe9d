/**
 * Kernel checks on worker threads (planner/check/threaded-check.ts): a speculative run dropped while it runs stops at
 * its next slice and leaves its thread up (no new worker to load and warm up), a run dropped while queued never
 * starts, and the thread then gives the same results as before, equal to the same check in this thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { Fleet, InstancePool } from '../../../catalogs/types.js';
import { checkFleet } from '../../../planner/check/kernel-check.js';
import { createThreadedCheckAt } from '../../../planner/check/threaded-check.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';

const catalog = loadBuiltinCatalog();
const mix = catalog.mixes.get('coding-agent')!;
const slo = catalog.slos.get('standard')!;
const gpu = catalog.gpus.get('h100-sxm')!;
const llm = catalog.llms.get('llama-3.1-8b')!;
const durationSeconds = 300;
const fleet = (decoders: number): Fleet => ({
  instances: [
    { gpu: gpu.id, llm: llm.id, tp: 1, role: 'prefill', count: 1 },
    { gpu: gpu.id, llm: llm.id, tp: 1, role: 'decode', count: decoders },
  ],
  links: [
    { from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 50e9, latencySeconds: 1e-5 },
    { from: 'decode', to: 'prefill', bandwidthBytesPerSecond: 50e9, latencySeconds: 1e-5 },
  ],
}) as Fleet;
const threaded = createThreadedCheckAt({ mix, slo, durationSeconds, gpus: [gpu], llms: [llm] }, 1);
afterAll(() => threaded.close());

describe('threaded kernel checks', () => {
  it('drop a running or queued speculation without replacing the thread, and give the in-thread results', async () => {
    const perfModelFor = createPerfModelFor();
    const inThread = (f: Fleet, seed: number) => checkFleet(f, { mix, slo, seed, durationSeconds, perfModelFor: (pool: InstancePool) => perfModelFor(gpu, llm, pool, pool.powerCapWatts)! });
    const first = await threaded.checkAt(fleet(2), 1);
    expect(first).toEqual(inThread(fleet(2), 1));
    expect(threaded.workersStarted()).toBe(1);
    // A running speculation, dropped shortly after it started; a queued one behind it, dropped before it could start.
    const running = new AbortController();
    const queued = new AbortController();
    const a = threaded.checkAt(fleet(3), 2, { signal: running.signal });
    const b = threaded.checkAt(fleet(4), 3, { signal: queued.signal });
    queued.abort();
    setTimeout(() => running.abort(), 20);
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    // An already dropped run is refused at once.
    await expect(threaded.checkAt(fleet(3), 2, { signal: queued.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // The same thread checks on, with the results of this thread's kernel.
    expect(await threaded.checkAt(fleet(3), 2)).toEqual(inThread(fleet(3), 2));
    expect(await threaded.checkAt(fleet(2), 1, { mayStopAtMiss: true })).toEqual(checkFleet(fleet(2), { mix, slo, seed: 1, durationSeconds, perfModelFor: (pool: InstancePool) => perfModelFor(gpu, llm, pool, pool.powerCapWatts)! }, { mayStopAtMiss: true }));
    expect(threaded.workersStarted()).toBe(1);
  }, 120_000);
});
