/**
 * Expert-parallel dispatch and combine: each an all-to-all in which every GPU sends its tokens' hidden states to the
 * GPUs holding their experts. Inside the scale-up domain it costs what aiconfigurator's NCCL `alltoall` tables say
 * (2, 4 and 8 GPUs of one node, median of repeats, scaled linearly past the largest message); for GPU counts the
 * tables lack it is a latency floor plus the bytes at the achieved share of the intra-node link measured on the
 * tables' largest messages; beyond the scale-up domain, the share of each GPU's buffer bound for other nodes goes
 * at the inter-node (NIC) bandwidth, concurrently with the rest.
 */
import type { GpuSpec } from '../../catalogs/types.js';
import type { NcclRow } from '../importers/aiconfigurator.js';
import { interpolateWithin } from '../compose.js';
import { medianOf } from '../profile.js';

/** Measured all-to-all of one GPU type: latency by message size per GPU count, and what the tables imply in general. */
export interface AllToAllCalibration {
  readonly gpu: string;
  /** `gpus` → [[bytes per GPU, seconds], …] (medians of repeats), fp16. */
  readonly points: Readonly<Record<string, readonly (readonly [number, number])[]>>;
  /** Small-message latency at the largest measured GPU count, seconds. */
  readonly latencyFloorSeconds: number;
  /** Achieved bytes·(n−1)/n per second over the intra-node bandwidth, on the largest messages. */
  readonly linkFraction: number;
  readonly from: string;
}

/** Medians of repeated fp16 all-to-all measurements, by GPU count and size. */
export function fitAllToAll(rows: readonly NcclRow[], gpu: GpuSpec, from: string): AllToAllCalibration {
  const a2a = rows.filter((r) => r.op === 'alltoall' && r.dtype === 'half');
  if (a2a.length === 0) throw new Error(`no fp16 alltoall rows in ${from}`);
  const points: Record<string, [number, number][]> = {};
  for (const n of [...new Set(a2a.map((r) => r.gpus))].sort((x, y) => x - y)) {
    const mine = a2a.filter((r) => r.gpus === n);
    points[String(n)] = [...new Set(mine.map((r) => r.messageBytes))].sort((x, y) => x - y)
      .map((b) => [b, medianOf(mine.filter((r) => r.messageBytes === b).map((r) => r.latencySeconds))]);
  }
  const largestN = Math.max(...a2a.map((r) => r.gpus));
  const top = points[String(largestN)];
  const [bytes, seconds] = top[top.length - 1];
  return {
    gpu: gpu.id,
    points,
    latencyFloorSeconds: top[0][1],
    linkFraction: Math.min(1, (bytes * (largestN - 1)) / largestN / seconds / gpu.intraNodeBandwidthBytesPerSecond),
    from,
  };
}

/** What a GPU without a table assumes: the median floor and link share of the measured GPUs. */
export function fallbackAllToAll(cals: readonly AllToAllCalibration[]): { latencyFloorSeconds: number; linkFraction: number } {
  if (cals.length === 0) throw new Error('no all-to-all tables to fall back on');
  return { latencyFloorSeconds: medianOf(cals.map((c) => c.latencyFloorSeconds)), linkFraction: medianOf(cals.map((c) => c.linkFraction)) };
}

/**
 * One all-to-all over `gpus` GPUs in which each GPU's buffer is `bytesPerGpu`, seconds. `table` is this GPU type's
 * calibration when measured; `general` the floor and link share to use otherwise.
 */
export function allToAllSeconds(
  gpu: GpuSpec, gpus: number, bytesPerGpu: number,
  table: AllToAllCalibration | undefined, general: { latencyFloorSeconds: number; linkFraction: number },
): number {
  if (gpus <= 1 || bytesPerGpu <= 0) return 0;
  const domain = gpu.gpusPerNode;
  const measured = table?.points[String(gpus)];
  if (measured && gpus <= domain) return interpolateWithin(measured, bytesPerGpu, `all-to-all over ${gpus} ${gpu.id}`);
  const floor = table?.latencyFloorSeconds ?? general.latencyFloorSeconds;
  const fraction = table?.linkFraction ?? general.linkFraction;
  const inDomain = Math.min(gpus, domain);
  // Of a GPU's buffer, (peers in its domain)/gpus stays on the fast link, (peers elsewhere)/gpus crosses the NIC.
  const intraSeconds = (bytesPerGpu * (inDomain - 1)) / gpus / (gpu.intraNodeBandwidthBytesPerSecond * fraction);
  const interSeconds = gpus > domain ? (bytesPerGpu * (gpus - inDomain)) / gpus / (gpu.interNodeBandwidthBytesPerSecond * fraction) : 0;
  return floor + Math.max(intraSeconds, interSeconds);
}
