/**
 * Outputs are written atomically and never over an input: to a temporary file beside the target — created with
 * O_EXCL under a random name, so a planted symlink is never followed — fsynced, then renamed over the target (a
 * rename replaces a symlink, it does not write through it), and the directory fsynced. A crash or Ctrl-C never
 * leaves half a file. Every file-system refusal becomes one line naming the output path (exit 2), not a stack.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError, realPathOrSelf } from '../../catalogs/index.js';

/** How the user named an output (for messages), defaulting to the path itself. */
export interface WriteOptions {
  /** Paths this run read: never written over (compared after resolving symlinks). */
  readonly inputs?: readonly string[];
  /** The path as the user wrote it, or the flag that named it (`--out`), for messages. */
  readonly shown?: string;
}

/** Turns a file-system refusal while writing `shown` into one line (exit 2); anything else is rethrown. */
export function explainWriteError(error: unknown, shown: string): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const say = (message: string): never => {
    throw inputError('output', shown, '', message);
  };
  if (code === 'ENOTDIR' || code === 'EEXIST') say('found a file where a directory of the output path should be, expected a path inside a directory');
  if (code === 'EACCES' || code === 'EPERM') say('found a location this user may not write, expected a writable output path');
  if (code === 'EROFS') say('found a read-only file system, expected a writable output path');
  if (code === 'EISDIR') say('found a directory, expected a file path for the output');
  if (code === 'ENOSPC' || code === 'EDQUOT') say('found no space left on the device, expected room for the output');
  if (code === 'ENAMETOOLONG') say('found a name too long for the file system, expected a shorter output path');
  if (code === 'ENOENT') say('found a location where the output directory cannot be created, expected a writable output path');
  if (code === 'ELOOP') say('found a loop of symbolic links, expected a real output path');
  throw error;
}

/** Refuses an output path that is one of the run's inputs (after symlinks: `out/plan.yaml` may be the mix). */
export function refuseInputAsOutput(target: string, inputs: readonly string[], shown: string): void {
  const real = realPathOrSelf(target);
  if (inputs.some((p) => realPathOrSelf(resolve(p)) === real)) {
    throw inputError('output', shown, '', 'found an input file of this run as the output path, expected a path that is not one of the inputs (an output never overwrites an input)');
  }
}

/** A new temporary file beside `target`: O_CREAT | O_EXCL (fails on an existing file or symlink), mode 0644. */
function openTemporary(target: string): { fd: number; path: string } {
  for (let attempt = 0; ; attempt++) {
    const path = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return { fd: openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644), path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
  }
}

/** Flushes a directory's entries (the renames) to disk; some file systems refuse, which is not an error here. */
export function fsyncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // EISDIR/EINVAL/EPERM on some platforms: the rename is still atomic, only its durability is the OS's.
  }
}

/** Writes `content` into a fresh temporary file beside `target`, fsynced; returns its path (the caller renames). */
export function writeTemporary(target: string, content: string | Uint8Array): string {
  const { fd, path } = openTemporary(target);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return path;
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdirSync never returns on some paths (`/proc/x` loops on ENOENT),
 * so the missing directories are made from the nearest existing ancestor down, each failure an ordinary error.
 */
export function makeDirectories(path: string): void {
  const missing: string[] = [];
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) {
    missing.push(dir);
    dir = dirname(dir);
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Writes `content` to `path`, creating missing parent directories. */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  const target = resolve(path);
  const shown = options.shown ?? path;
  refuseInputAsOutput(target, options.inputs ?? [], shown);
  let temporary: string | undefined;
  try {
    if (isDirectory(target)) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    makeDirectories(dirname(target));
    temporary = writeTemporary(target, content);
    renameSync(temporary, target);
    temporary = undefined;
    fsyncDirectory(dirname(target));
  } catch (error) {
    if (temporary !== undefined) rmSync(temporary, { force: true });
    if (error instanceof Error && error.name === 'InputError') throw error;
    explainWriteError(error, shown);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
