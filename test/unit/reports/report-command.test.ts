import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultReportPath, runReport } from '../../../planner/cli/commands/report.js';
import type { CommandContext } from '../../../planner/cli/context.js';
import { repoRoot, scratchDir } from '../../helpers/paths.js';

function context(cwd: string): CommandContext & { readonly out: string[] } {
  const out: string[] = [];
  return {
    out, stdout: (t) => void out.push(t), stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false,
    cwd, env: {}, signal: new AbortController().signal,
  };
}

function withPlan(): string {
  const dir = scratchDir('fleetplan-report-');
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'results', 'plan.json'), join(dir, 'plan.json'));
  return dir;
}

async function failure(run: Promise<number>): Promise<string> {
  try {
    await run;
  } catch (error) {
    expect((error as Error).name).toBe('InputError');
    return (error as Error).message;
  }
  return 'did not fail';
}

describe('fleetplan report', () => {
  it('writes the report beside the input by default and says where', async () => {
    const dir = withPlan();
    const ctx = context(dir);
    expect(await runReport({ input: 'plan.json' }, ctx)).toBe(0);
    const html = readFileSync(join(dir, 'plan.html'), 'utf8');
    expect(html).toContain('HOLDS');
    expect(ctx.out.join('')).toMatch(/^Report written to plan\.html \(\d+\.\d KiB\)/);
    expect(readdirSync(dir).sort()).toEqual(['plan.html', 'plan.json']);
  });

  it('creates a missing output directory and leaves no temporary file', async () => {
    const dir = withPlan();
    expect(await runReport({ input: 'plan.json', out: 'a/b/report.html' }, context(dir))).toBe(0);
    expect(existsSync(join(dir, 'a', 'b', 'report.html'))).toBe(true);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['report.html']);
  });

  it('writes report.html inside an existing directory given as --out', async () => {
    const dir = withPlan();
    mkdirSync(join(dir, 'out'));
    const ctx = context(dir);
    await runReport({ input: 'plan.json', out: 'out' }, ctx);
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
    expect(ctx.out.join('')).toContain('out/report.html');
  });

  it('never writes over its input', async () => {
    const dir = withPlan();
    const before = readFileSync(join(dir, 'plan.json'), 'utf8');
    expect(await failure(runReport({ input: 'plan.json', out: 'plan.json' }, context(dir)))).toMatchInlineSnapshot(
      `"plan.json: found the input file as the output path, expected a different path (a report never overwrites its input)"`,
    );
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(before);
  });

  it('refuses a file that is not a result and says which kinds it accepts', async () => {
    const dir = scratchDir('fleetplan-report-');
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ instances: [] }));
    expect(await failure(runReport({ input: 'fleet.json' }, context(dir)))).toMatchInlineSnapshot(
      `"fleet.json: found no "kind" field, expected a fleetplan result with "kind" one of "plan", "simulation", "comparison", "validation""`,
    );
    expect(existsSync(join(dir, 'fleet.html'))).toBe(false);
  });

  it('refuses a result from a newer format version and says so', async () => {
    const dir = scratchDir('fleetplan-report-');
    writeFileSync(join(dir, 'new.json'), JSON.stringify({ kind: 'simulation', format_version: 7 }));
    expect(await failure(runReport({ input: 'new.json' }, context(dir)))).toMatch(/^new\.json: format_version: found 7, expected at most 1: this result was written by a newer fleetplan/);
  });

  it('says when the input is missing or the output sits under a file', async () => {
    const dir = withPlan();
    expect(await failure(runReport({ input: 'nope.json' }, context(dir)))).toBe('nope.json: found no such file, expected an existing file');
    expect(await failure(runReport({ input: 'plan.json', out: 'plan.json/x.html' }, context(dir)))).toMatch(/^plan\.json\/x\.html: found a file where a directory of the output path should be/);
  });

  it('defaultReportPath() replaces .json by .html and never returns the input', () => {
    expect(defaultReportPath('out/plan.json')).toBe('out/plan.html');
    expect(defaultReportPath('result')).toBe('result.html');
  });
});
