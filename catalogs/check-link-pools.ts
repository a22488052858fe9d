/**
 * A link's `from_pool` names the prefill pool whose KV transfers use it, by its 0-based index in `instances` (the
 * `instances[i]` error messages use). A fleet or plan file whose `from_pool` names no prefill pool, sits on a link with
 * no prefill end, or repeats a pool for the same direction is refused, one issue per link, with the field's path and
 * line: the kernel would otherwise silently price those transfers at another link (planner/kernel/fleet-setup.ts).
 */
import { toDotPath, type InputIssue } from './issues.js';
import type { ParsedDocument } from './parse-document.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the input has passed its JSON Schema */
type Raw = any;

export function checkLinkPools(raw: Raw, doc: ParsedDocument): InputIssue[] {
  const pools: Raw[] = Array.isArray(raw?.instances) ? raw.instances : [];
  const links: Raw[] = Array.isArray(raw?.links) ? raw.links : [];
  const prefill = pools.flatMap((p, i) => (p?.role === 'prefill' ? [i] : []));
  const expected = prefill.length === 0 ? 'no from_pool: the fleet has no prefill pool' : `the index of a prefill pool in instances (${prefill.join(', ')})`;
  const firstAt = new Map<string, number>();
  const out: InputIssue[] = [];
  links.forEach((link, i) => {
    const index = link?.from_pool;
    if (typeof index !== 'number') return;
    const segments = ['links', i, 'from_pool'];
    const issue = (message: string): void => {
      const line = doc.lineOf(segments);
      out.push({ code: 'invalid_value', file: doc.file, path: toDotPath(segments), message, ...(line !== undefined ? { line } : {}) });
    };
    if (link.from !== 'prefill' && link.to !== 'prefill') return issue(`found ${index} on a link from ${link.from} to ${link.to}, expected from_pool only on a link with prefill at one end`);
    const role = pools[index]?.role;
    if (role !== 'prefill') return issue(`found ${index} (${role === undefined ? `the fleet has ${pools.length} instances` : `instances[${index}] has role ${role}`}), expected ${expected}`);
    const key = `${link.from}>${link.to}>${index}`;
    const first = firstAt.get(key);
    if (first !== undefined) return issue(`found ${index} again for ${link.from} to ${link.to} (first at links[${first}]), expected one link per prefill pool and direction`);
    firstAt.set(key, i);
  });
  return out;
}
