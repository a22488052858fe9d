/**
 * planner/ reads as a pipeline (planner/README.md): demand → milp → check → result. An import circle between two
 * files means neither can be read, tested or changed alone — demand.ts ⇄ floors.ts and loop.ts ⇄ trim.ts were two.
 * This test follows every relative import (type-only ones included) of the pure core under planner/ (the CLI shell,
 * planner/cli/, is left out: whatif.ts loads its prompts lazily and they import its types back) and names each circle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/paths.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'cli' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]).replace(/\.js$/, '.ts');
      if (known.has(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), each as a sorted list of paths. */
function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.map((f) => relative(repoRoot, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('planner/ import graph', () => {
  const files = tsFiles(join(repoRoot, 'planner'));
  const graph = importGraph(files);

  it('sees the stage folders and their imports', () => {
    expect(files.some((f) => f.includes(join('planner', 'milp')))).toBe(true);
    expect(graph.get(join(repoRoot, 'planner', 'check', 'loop.ts'))?.length).toBeGreaterThan(2);
  });

  it('finds a circle when there is one (the detector itself works)', () => {
    const a = '/x/a.ts';
    const b = '/x/b.ts';
    expect(circles(new Map([[a, [b]], [b, [a]]])).length).toBe(1);
  });

  it('has no import circles', () => {
    expect(circles(graph)).toEqual([]);
  });
});
