/**
 * References inside input files (a plan's `mix:`, a sweep grid's `slo:`, a what-if script's `start.mix`) may only
 * reach files under the directories the user named: the working directory, the directories of the files on the
 * command line, and any `--allow-dir`. In CI a pull request edits plan.yaml, not the command line, so a reference
 * to `/proc/self/environ` or `../../secrets` must be refused before the file is opened. Paths are compared after
 * resolving symlinks, so a planted link cannot lead outside either.
 */
import { realpathSync } from 'node:fs';
import { dirname, basename, join, relative, isAbsolute, sep } from 'node:path';

/** The real path of `path`, or of its nearest existing ancestor joined with the rest (for files not yet made). */
export function realPathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPathOrSelf(parent), basename(path));
  }
}

/** True when `path` (after symlinks) is `root` or under it, for one of `roots`. */
export function isInsideRoots(path: string, roots: readonly string[]): boolean {
  const real = realPathOrSelf(path);
  return roots.some((root) => {
    const rel = relative(realPathOrSelf(root), real);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  });
}
