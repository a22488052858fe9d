/**
 * A calibrated prediction on a GPU the calibration has no runs of (H200, B300, GB200, GB300 in the built-in one) is
 * priced by a scope fitted on other GPUs, and says so with the error to expect: the leave-one-GPU-out one.
 */
import { describe, expect, it } from 'vitest';
import { otherGpusNote, type FittedScope } from '../../../models/serving/fit.js';
import { runCli } from '../../helpers/run-cli.js';

const scope = (name: string): FittedScope => ({ scope: name, runs: 10, tpot: [], ttft: [] });

async function modelNote(argv: string[]): Promise<string> {
  const run = await runCli(['benchmark', ...argv, '--concurrency', '4', '--isl', '1024', '--osl', '128', '--calibration', 'builtin', '--json']);
  expect(run.code).toBe(0);
  const out = JSON.parse(run.stdout) as { model: { from: string; note?: string } };
  return `${out.model.from} ${out.model.note ?? ''}`;
}

describe('otherGpusNote()', () => {
  it('is silent when the scope names the GPU, and speaks for backend-wide and root scopes', () => {
    expect(otherGpusNote(scope('trtllm/b200'), 'trtllm', 'b200')).toBeUndefined();
    expect(otherGpusNote(scope('trtllm/b200/fp4'), 'trtllm', 'b200')).toBeUndefined();
    expect(otherGpusNote(scope('trtllm'), 'trtllm', 'gb200')).toMatch(/no trtllm × gb200 scope.*leave-one-GPU-out/);
    expect(otherGpusNote(scope('*'), 'vllm', 'h200')).toMatch(/scope \* is fitted on other GPUs' runs/);
  });

  it('benchmark --calibration builtin names it on a GPU without runs, dense and MoE, and not on B200', async () => {
    const h200 = await modelNote(['--gpu', 'h200', '--llm', 'llama-3.1-70b', '--tp', '4', '--backend', 'trtllm']);
    expect(h200).toMatch(/no trtllm × h200 scope in this calibration.*leave-one-GPU-out/);
    const gb200 = await modelNote(['--gpu', 'gb200', '--llm', 'deepseek-r1', '--precision', 'fp4', '--tp', '1', '--ep', '4', '--backend', 'trtllm']);
    expect(gb200).toMatch(/no trtllm × gb200 scope.*dense runs: TTFT \d+\.\d%, TPOT \d+\.\d% median abs/);
    const b200 = await modelNote(['--gpu', 'b200', '--llm', 'llama-3.1-70b', '--tp', '4', '--backend', 'trtllm']);
    expect(b200).not.toMatch(/scope in this calibration/);
  });
});
