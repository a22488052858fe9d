/**
 * The links a fleet file may leave out (fleet.schema.json `links`: "defaults come from the GPUs' inter-node
 * bandwidth"). A fleet with prefill pools and decode-capable pools gets, for each direction it does not name, a link
 * whose bandwidth is the slowest prefill instance's inter-node share (its GPUs × the GPU type's per-GPU
 * inter_node_bytes_per_s) and whose latency is 10 µs: the link `plan` assumes for the fleets it writes
 * (planner/check/fleet.ts), so a planned fleet written without links simulates as it was planned.
 */
import type { Catalog, Fleet, Link, Role } from './types.js';

export const DEFAULT_LINK_LATENCY_SECONDS = 10e-6;

/** The fleet with a default link added for every prefill ↔ decode-capable direction it does not name. */
export function withDefaultLinks(fleet: Fleet, catalog: Pick<Catalog, 'gpus'>): Fleet {
  const prefill = fleet.instances.filter((p) => p.role === 'prefill');
  const receivers = (['decode', 'colocated'] as const).filter((role) => fleet.instances.some((p) => p.role === role));
  if (prefill.length === 0 || receivers.length === 0) return fleet;
  const perInstance = prefill.map((p) => (catalog.gpus.get(p.gpu)?.interNodeBandwidthBytesPerSecond ?? 0) * Math.max(p.tp, p.ep ?? 1)).filter((b) => b > 0);
  if (perInstance.length === 0) return fleet;
  const bandwidthBytesPerSecond = Math.min(...perInstance);
  const has = (from: Role, to: Role): boolean => fleet.links.some((l) => l.from === from && l.to === to);
  const added: Link[] = [];
  for (const role of receivers) {
    if (!has('prefill', role)) added.push({ from: 'prefill', to: role, bandwidthBytesPerSecond, latencySeconds: DEFAULT_LINK_LATENCY_SECONDS });
    if (!has(role, 'prefill')) added.push({ from: role, to: 'prefill', bandwidthBytesPerSecond, latencySeconds: DEFAULT_LINK_LATENCY_SECONDS });
  }
  return added.length === 0 ? fleet : { ...fleet, links: [...fleet.links, ...added] };
}
