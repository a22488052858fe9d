/**
 * GPU power caps as planned, applied per pod by an init container that runs `nvidia-smi -pl <W>` on the pod's own
 * GPUs before the engine starts.
 *
 * Why this mechanism: the cap is a property of the pool the plan sized (the same GPU type may run capped in one
 * pool and at TDP in another), so it travels with the workload rather than with a node-wide DaemonSet or the GPU
 * operator's cluster-wide settings. The kubelet hands the init container the same devices the serving container then
 * receives (device-plugin allocations of init containers are reused), so the cap lands on exactly the pool's GPUs.
 * `nvidia-smi -pl` needs root on the device: the init container is privileged (only it; the engine is not).
 * A cap outlives the pod (until the next `-pl` or a driver reload), so when any pool of a GPU type is capped, the
 * uncapped pools of that type get an init container that sets TDP back — whichever pod lands on a GPU sets its cap.
 * Non-NVIDIA GPUs: no portable command; the cap is recorded in an annotation and a warning says so.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { DeployPool } from './pools.js';

/** GPU ids with at least one capped pool in the plan. */
export function cappedGpuTypes(pools: readonly DeployPool[]): Set<string> {
  return new Set(pools.filter((p) => p.powerCapWatts !== undefined).map((p) => p.gpu.id));
}

/** The watts a pool's GPUs must be set to, or undefined when nothing needs setting. */
export function targetWatts(pool: DeployPool, capped: ReadonlySet<string>): number | undefined {
  if (pool.powerCapWatts !== undefined) return pool.powerCapWatts;
  return capped.has(pool.gpu.id) ? pool.gpu.tdpWatts : undefined;
}

/** The init container, or undefined (no cap needed, or a GPU with no supported command: `warnings` says which). */
export function powerCapInitContainer(pool: DeployPool, capped: ReadonlySet<string>, image: string, warnings: string[]): IContainer | undefined {
  const watts = targetWatts(pool, capped);
  if (watts === undefined) return undefined;
  if (pool.resourceName !== 'nvidia.com/gpu') {
    warnings.push(`pool ${pool.name}: power cap ${watts} W on ${pool.gpu.id} is recorded (annotation fleetplan.dev/power-cap-w) but not applied: set it with the vendor's tool on those nodes`);
    return undefined;
  }
  const gpus = String(pool.gpusPerPod);
  return {
    name: 'gpu-power-cap',
    image,
    command: ['nvidia-smi', '-pl', String(Math.round(watts))],
    resources: { limits: { [pool.resourceName]: gpus }, requests: { [pool.resourceName]: gpus } },
    securityContext: { privileged: true },
  };
}
