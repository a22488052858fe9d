/**
 * Outputs are written atomically: to a temporary file beside the target, then renamed, so a crash or Ctrl-C never
 * leaves half a file; and never over an input file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError } from '../../catalogs/index.js';

/** Writes `content` to `path`, creating missing parent directories. `inputs` are paths this run read. */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: { inputs?: readonly string[] } = {}): void {
  const target = resolve(path);
  if ((options.inputs ?? []).some((p) => resolve(p) === target)) {
    throw inputError('usage', path, '', 'found an input file as the output path, expected a path that is not one of the inputs');
  }
  mkdirSync(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
