/**
 * A GPU's `kernel_tables_from` must name a catalog GPU that has measured kernel tables, and only a GPU without tables
 * of its own may carry it: each mistake is one line naming the file, line and field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, loadCatalog } from '../../catalogs/index.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

let dir: string;
const gb200 = readFileSync(join(repoRoot, 'catalogs/gpus/gb200.yaml'), 'utf8').replace(/^\$schema:.*\n/m, '');
const gpuFile = (name: string, text: string) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
};
const messages = (path: string): string[] => {
  try {
    loadCatalog({ userFiles: [path] });
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.issues.map((i) => `${i.path}@${i.line}: ${i.message}`);
  }
};
const line = (text: string) => text.split('\n').findIndex((l) => l.startsWith('kernel_tables_from')) + 1;

beforeAll(() => {
  dir = scratchDir();
});

describe('kernel_tables_from', () => {
  it('is read into the GPU spec', () => {
    const path = gpuFile('rack', gb200.replace('id: gb200', 'id: rack'));
    expect(loadCatalog({ userFiles: [path] }).gpus.get('rack')!.kernelTablesFrom).toBe('b200');
  });

  it('an unknown id: one issue, with the measured ids and the nearest', () => {
    const text = gb200.replace('id: gb200', 'id: rack').replace(/^kernel_tables_from: b200.*$/m, 'kernel_tables_from: b2000');
    expect(messages(gpuFile('unknown', text))).toEqual([`kernel_tables_from@${line(text)}: found "b2000", expected a known GPU id with measured kernel tables (a100-80gb-sxm, b200, h100-sxm, h200, l40s) (did you mean "b200"?)`]);
  });

  it('a GPU without tables of its own: one issue', () => {
    const text = gb200.replace('id: gb200', 'id: rack').replace(/^kernel_tables_from: b200.*$/m, 'kernel_tables_from: gb300');
    expect(messages(gpuFile('tableless', text))).toEqual([`kernel_tables_from@${line(text)}: found "gb300", expected a GPU with measured kernel tables (a100-80gb-sxm, b200, h100-sxm, h200, l40s): gb300 has none`]);
  });

  it('on a GPU with measured tables (its own win): one issue', () => {
    const h100 = readFileSync(join(repoRoot, 'catalogs/gpus/h100-sxm.yaml'), 'utf8').replace(/^\$schema:.*\n/m, '').replace('price:', 'kernel_tables_from: h200\nprice:');
    expect(messages(gpuFile('h100-sxm', h100))).toEqual([`kernel_tables_from@${line(h100)}: found "h200", expected no kernel_tables_from: h100-sxm has measured kernel tables of its own`]);
  });

  it('through the CLI: exit 2, one line with file, line and field', async () => {
    const text = gb200.replace('id: gb200', 'id: rack').replace(/^kernel_tables_from: b200.*$/m, 'kernel_tables_from: mi355x');
    const path = gpuFile('cli', text);
    const run = await runCli(['catalog', 'gpus', '--catalog', path]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split(dir).join('DIR')).toBe(`fleetplan: DIR/cli.yaml:${line(text)}: kernel_tables_from: found "mi355x", expected a GPU with measured kernel tables (a100-80gb-sxm, b200, h100-sxm, h200, l40s): mi355x has none\n`);
  });
});
