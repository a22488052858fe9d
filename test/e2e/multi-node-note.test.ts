/**
 * Issue 12 review: `plan` and `whatif` under `--backend`/`--calibration` print each multi-node pool's inter-node note
 * on the model the pool is planned with (the serving choice reaches enumeratePools through the plan request), not on
 * the default uncalibrated model. test/unit/planner/multi-node-pools.test.ts checks the note's figures themselves.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { loadCalibrationFile } from '../../planner/cli/calibration.js';
import { createPerfModelFor, type ServingChoice } from '../../planner/demand/perf-adapter.js';
import { enumeratePools } from '../../planner/demand/pools.js';
import { resolveOptions } from '../../planner/options.js';
import { repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const catalog = loadBuiltinCatalog();
const h100 = catalog.gpus.get('h100-sxm')!;
const dsv3 = catalog.llms.get('deepseek-v3')!;
const START = ['--mix', 'coding-agent', '--llm', 'deepseek-v3', '--gpus', 'h100-sxm'];

/** The multi-node notes enumeratePools writes for H100 under a serving choice (every precision H100 has). */
const expectedNotes = (serving?: ServingChoice) => enumeratePools([h100], dsv3, createPerfModelFor(undefined, serving), resolveOptions({}), serving).multiNode;
const multiNodeNotes = (notes: readonly string[]) => notes.filter((n) => n.includes('fits no single'));

describe('multi-node notes under a serving choice', () => {
  const calibration = loadCalibrationFile('builtin', repoRoot, catalog).calibration;

  it('plan --backend trtllm: the notes are priced on the TensorRT-LLM model, not the default one', async () => {
    const r = await runCli(['plan', ...START, '--backend', 'trtllm', '--check-seeds', '1', '--json']);
    expect(r.code).toBe(0);
    const notes = multiNodeNotes((JSON.parse(r.stdout) as { notes: string[] }).notes);
    expect(notes).toEqual(expectedNotes({ backend: 'trtllm' }));
    expect(notes).not.toEqual(expectedNotes());
  }, 120_000);

  it('whatif --calibration builtin: the re-planned notes are priced on the calibrated model', async () => {
    const r = await runCli(['whatif', ...START, '--calibration', 'builtin', '--scale-rate', '*=1', '--json'], { cwd: repoRoot });
    expect(r.code).toBe(0);
    const notes = multiNodeNotes((JSON.parse(r.stdout) as { plan: { notes: string[] } }).plan.notes);
    expect(notes).toEqual(expectedNotes({ calibration }));
    expect(notes).not.toEqual(expectedNotes());
  }, 120_000);
});
