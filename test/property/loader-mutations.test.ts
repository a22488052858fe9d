/**
 * Random mutations of valid catalog files never crash the loader: the CLI exits 0 or 2, and on 2 every problem is one
 * line naming the file. fast-check prints the seed and the shrunk mutation when this fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { listDataFiles } from '../../catalogs/index.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const sources = ['gpus', 'llms', 'mixes', 'slos', 'datacenters'].flatMap((d) => listDataFiles(join(repoRoot, 'catalogs', d)));

type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'set'; pick: number; value: unknown }
  | { op: 'text'; at: number; insert: string }
  | { op: 'truncate'; keep: number };

const junkValue = fc.oneof(
  fc.constant('80GB'), fc.constant(-1), fc.constant(0), fc.constant(null), fc.constant([]), fc.constant({}),
  fc.constant(1e308), fc.constant('<script>alert(1)</script>'), fc.double({ noNaN: true }), fc.string({ maxLength: 8 }),
  fc.constant(true),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: junkValue }),
  fc.record({ op: fc.constant('text' as const), at: fc.nat(), insert: fc.constantFrom(':', '- ', '\t', '"', '{', '\n  x', '&a *a', '? ') }),
  fc.record({ op: fc.constant('truncate' as const), keep: fc.nat() }),
);

/** Every [container, key] pair in a parsed document, depth first. */
function slots(node: unknown, out: Array<[Record<string | number, unknown>, string | number]> = []) {
  if (node && typeof node === 'object') {
    for (const key of Object.keys(node)) {
      const k = Array.isArray(node) ? Number(key) : key;
      out.push([node as Record<string | number, unknown>, k]);
      slots((node as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

function mutate(text: string, m: Mutation): string {
  if (m.op === 'text') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.insert + text.slice(at);
  }
  if (m.op === 'truncate') return text.slice(0, m.keep % (text.length + 1));
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return text; // an earlier text mutation already broke the syntax; keep that
  }
  const all = slots(data);
  if (all.length === 0) return text;
  const [container, key] = all[m.pick % all.length];
  if (m.op === 'delete') {
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key];
  } else container[key] = m.value;
  return stringify(data);
}

describe('loader under random mutation of built-in catalog files', () => {
  it('has catalog files to mutate', () => {
    expect(sources.length).toBeGreaterThanOrEqual(12 + 7 + 4 + 3);
  });

  it('exits 0 or 2 and prints one line per problem, naming the file', async () => {
    const dir = scratchDir();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: sources.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const original = readFileSync(sources[which], 'utf8');
        let text = original;
        for (const m of mutations) text = mutate(text, m);
        const file = join(dir, 'mutated.yaml');
        writeFileSync(file, text);
        const run = await runCli(['catalog', 'gpus', '--json', '--catalog', file]);
        expect([0, 2]).toContain(run.code);
        if (run.code === 2) {
          const lines = run.stderr.trimEnd().split('\n');
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) {
            expect(line).toMatch(new RegExp(`^fleetplan: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: `));
            expect(line).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack frames
          }
          expect(run.stdout).toBe('');
        } else {
          expect(() => JSON.parse(run.stdout)).not.toThrow();
        }
      }),
      { numRuns: 250, seed: 20261125 },
    );
  });
});
