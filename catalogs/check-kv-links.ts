/**
 * A fleet or plan file whose KV would cross a GPU with no inter-node link (`inter_node_bytes_per_s: 0`). Without a
 * `links` entry the loader defaults the prefill → decode link from the prefill GPUs' inter-node share
 * (default-links.ts); a prefiller or a receiving decoder that has none would then either get no link at all (and the
 * kernel refuses the fleet with a message that does not say why) or be wired through a NIC it lacks — and `export`
 * would write the KV-transfer wiring regardless. The planner offers such a GPU colocated pools only (demand/pools.ts);
 * a hand-written file that disaggregates on it must name its link (e.g. prefill and decode inside one node).
 */
import type { InputIssue } from './issues.js';
import type { ParsedDocument } from './parse-document.js';
import type { Catalog } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the input has passed its JSON Schema */
type Raw = any;

export function checkKvLinks(raw: Raw, doc: ParsedDocument, catalog: Pick<Catalog, 'gpus'>): InputIssue[] {
  const pools: Raw[] = Array.isArray(raw?.instances) ? raw.instances : [];
  const links: Raw[] = Array.isArray(raw?.links) ? raw.links : [];
  if (!pools.some((p) => p.role === 'prefill')) return [];
  // The role KV lands on: decode when the fleet has decoders, else colocated (planner/kernel/fleet-setup.ts).
  const receiver = pools.some((p) => p.role === 'decode') ? 'decode' : 'colocated';
  const named = (from: string, to?: string) => links.some((l) => l?.from === from && (to === undefined || l?.to === to));
  const out: InputIssue[] = [];
  pools.forEach((pool, i) => {
    const gpu = catalog.gpus.get(pool.gpu);
    if (!gpu || gpu.interNodeBandwidthBytesPerSecond > 0) return;
    // A prefill pool sends over a role-level link or its own (`from_pool`: its index).
    const sends = pool.role === 'prefill' && !links.some((l) => l?.from === 'prefill' && (l?.from_pool === undefined || l?.from_pool === i));
    const receives = pool.role === receiver && !named('prefill', receiver);
    if (!sends && !receives) return;
    const line = doc.lineOf(['instances', i, 'role']);
    out.push({
      code: 'invalid_value', file: doc.file, path: `instances[${i}].role`,
      message: `found ${pool.role} on ${gpu.id} with no link ${sends ? 'from prefill' : `from prefill to ${receiver}`} in links, expected such a link or role colocated: ${gpu.id} has no inter-node link (inter_node_bytes_per_s 0) to ${sends ? 'send' : 'receive'} KV over`,
      ...(line !== undefined ? { line } : {}),
    });
  });
  return out;
}
