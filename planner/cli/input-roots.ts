/**
 * The directories references inside input files may reach (catalogs/confine.ts says why): the working directory,
 * the directory of every file named on the command line, and each `--allow-dir`. Shared by every command that
 * follows a file's `mix:`/`slo:` reference (validate, simulate, compare, whatif, sweep; new commands reuse it).
 */
import { dirname, resolve } from 'node:path';
import type { ReferencedFrom } from '../../catalogs/index.js';
import type { CommandContext } from './context.js';

/** Roots for references in files named by `namedFiles` (paths as given, relative to ctx.cwd). */
export function referenceRoots(ctx: CommandContext, namedFiles: ReadonlyArray<string | undefined>): string[] {
  const roots = [ctx.cwd, ...namedFiles.filter((f): f is string => f !== undefined).map((f) => dirname(resolve(ctx.cwd, f))), ...(ctx.allowDirs ?? []).map((d) => resolve(ctx.cwd, d))];
  return [...new Set(roots)];
}

/** Where a reference sits: in `file` (as the user named it), at field `path`, on `line`. */
export function referencedFrom(file: string, path: string, line: number | undefined, roots: readonly string[]): ReferencedFrom {
  return { file, path, roots, ...(line !== undefined ? { line } : {}) };
}
