/**
 * `plan --tp` restricts the attention-TP degrees searched, as `--ep` restricts the expert-parallel ones (issue 12:
 * "plan searches it (a user can restrict it)"): every pool of the plan keeps to it, it is recorded in plan.json's
 * inputs, and a degree that is no layout of the LLM is refused in one line before any work.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { resolveOptions } from '../../../planner/options.js';
import type { PlanOptions } from '../../../planner/types.js';

describe('plan --tp', () => {
  it('DeepSeek-V3 on H200 with --tp 8 --ep 8: every pool is tp8ep8, and the inputs say so', async () => {
    const run = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'deepseek-v3', '--gpus', 'h200', '--tp', '8', '--ep', '8', '--precisions', 'fp8', '--check-seeds', '1', '--json'], { cwd: repoRoot });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.instances.length).toBeGreaterThan(0);
    expect(doc.instances.every((i: { tp: number; ep?: number }) => i.tp === 8 && i.ep === 8)).toBe(true);
    expect(doc.inputs.tp).toEqual([8]);
  }, 120_000);

  it('refuses a degree that does not divide the attention heads, or is not a whole number: exit 2, one line', async () => {
    const three = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'deepseek-v3', '--tp', '3'], { cwd: repoRoot });
    expect([three.code, three.stdout, three.stderr]).toEqual([2, '', "fleetplan: --tp: found 3, expected a degree that divides deepseek-v3's 128 attention heads\n"]);
    const word = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'deepseek-v3', '--tp', 'eight'], { cwd: repoRoot });
    expect([word.code, word.stderr]).toEqual([2, 'fleetplan: --tp: found "eight", expected whole numbers ≥ 1, comma separated\n']);
  });
});

describe('a degree given twice (--tp 8,8, --ep 8,8)', () => {
  it('is searched once: every candidate pool key is unique', () => {
    const catalog = loadBuiltinCatalog();
    const keys = (llm: string, options: PlanOptions) => enumeratePools([catalog.gpus.get('h200')!], catalog.llms.get(llm)!, createPerfModelFor(), resolveOptions({ precisions: ['fp8'], ...options })).pools.map((p) => p.key);
    for (const k of [keys('llama-3.1-70b', { tpDegrees: [8, 8] }), keys('deepseek-v3', { tpDegrees: [8, 8], epDegrees: [8, 8] })]) {
      expect(k.length).toBeGreaterThan(0);
      expect(new Set(k).size).toBe(k.length);
    }
  });
});
