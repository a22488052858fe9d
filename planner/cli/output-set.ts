/**
 * An output directory describes one run, whole. A command that writes a set of files into `--out DIR` (plan:
 * plan.yaml, plan.json, report.html, slo.yaml; simulate: result.json, report.html; compare; new commands such as
 * export) declares the names it owns. Before the work starts `prepareOutputDir` checks the directory can be written
 * and that no owned name is one of the run's inputs; at the end `write` puts the new set in place under a lock file
 * (two concurrent runs never mix their files), each file atomically (write-atomic.ts), and removes owned files the
 * new run did not produce — so a re-plan that finds no plan leaves no stale plan.yaml for `validate` to pass in CI.
 * Files in DIR that the command does not own (a user's mix, notes) are never touched.
 */
import { accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, rmdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inputError } from '../../catalogs/index.js';
import { explainWriteError, fsyncDirectory, makeDirectories, refuseInputAsOutput, writeTemporary } from './write-atomic.js';

export interface OutputFile {
  readonly name: string;
  readonly content: string | Uint8Array;
}

export interface OutputDir {
  /** The directory as the user named it (for messages and "Report: …" lines). */
  readonly shown: string;
  readonly path: string;
  /** Writes `files` (a subset of the owned names) as the directory's new set; removes owned files not in it. */
  write(files: readonly OutputFile[]): void;
}

const LOCK_NAME = '.fleetplan-out.lock';
/** How long a run waits for another run writing the same directory (writing a set takes milliseconds). */
const LOCK_WAIT_MS = 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock (O_EXCL), breaking one left by a process that no longer runs. Returns the release. */
function lockDirectory(dir: string, shown: string): () => void {
  const lock = join(dir, LOCK_NAME);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    } catch {
      // Gone between open and read: try again.
    }
    // Same pid: a lock this process left behind (an in-process run that failed before releasing it cannot, but be safe).
    if (Number.isInteger(holder) && (!processAlive(holder) || holder === process.pid)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw inputError('output', shown, '', `found another fleetplan run (pid ${holder}) writing this directory for over ${LOCK_WAIT_MS / 1000} s, expected it to finish (or remove ${LOCK_NAME} if that run is gone)`);
    sleepSync(25);
  }
}

/**
 * A directory the output needs does not exist yet: create (and remove) a probe in its nearest existing ancestor, so
 * a location where nothing can be created (/proc, a read-only mount — access() lets root through) is found before the
 * work, not after it.
 */
function probeCreatable(existing: string): void {
  const probe = join(existing, `.fleetplan-probe-${process.pid}`);
  mkdirSync(probe);
  rmdirSync(probe);
}

/**
 * Checks `--out DIR` before the work: not empty, not a file, writable (or creatable), and no owned name an input.
 * `names` are every file name the command may write there; `inputs` are the paths the run reads.
 */
export function prepareOutputDir(out: string, options: { cwd: string; names: readonly string[]; inputs: readonly string[]; flag?: string }): OutputDir {
  const flag = options.flag ?? '--out';
  if (out.trim() === '') throw inputError('usage', '', flag, 'found an empty path, expected a directory to write into');
  const path = resolve(options.cwd, out);
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) {
      throw inputError('output', out, '', existing === path ? 'found a file, expected a directory (or a path to create)' : `found a file (${existing}) where a directory of the path should be, expected a path inside a directory`);
    }
    accessSync(existing, constants.W_OK);
    if (existing !== path) probeCreatable(existing);
  } catch (error) {
    if (error instanceof Error && error.name === 'InputError') throw error;
    explainWriteError(error, out);
  }
  for (const name of options.names) {
    const target = join(path, name);
    refuseInputAsOutput(target, options.inputs, join(out, name));
    try {
      if (lstatSync(target).isDirectory()) throw inputError('output', join(out, name), '', 'found a directory, expected a file path (or nothing) for this output');
    } catch (error) {
      if (error instanceof Error && error.name === 'InputError') throw error;
    }
  }
  return {
    shown: out,
    path,
    write(files) {
      const unknown = files.filter((f) => !options.names.includes(f.name));
      if (unknown.length > 0) throw new Error(`output-set: ${unknown.map((f) => f.name).join(', ')} not declared among ${options.names.join(', ')}`);
      writeOutputSet(path, out, files, options.names, options.inputs);
    },
  };
}

function writeOutputSet(dir: string, shown: string, files: readonly OutputFile[], owned: readonly string[], inputs: readonly string[]): void {
  for (const f of files) refuseInputAsOutput(join(dir, f.name), inputs, join(shown, f.name));
  const temporaries: string[] = [];
  let release: (() => void) | undefined;
  try {
    makeDirectories(dir);
    release = lockDirectory(dir, shown);
    for (const f of files) temporaries.push(writeTemporary(join(dir, f.name), f.content));
    files.forEach((f, i) => {
      renameSync(temporaries[i]!, join(dir, f.name));
      temporaries[i] = '';
    });
    const produced = new Set(files.map((f) => f.name));
    for (const name of owned) if (!produced.has(name)) rmSync(join(dir, name), { force: true });
    fsyncDirectory(dir);
  } catch (error) {
    for (const t of temporaries) if (t !== '') rmSync(t, { force: true });
    if (error instanceof Error && error.name === 'InputError') throw error;
    explainWriteError(error, shown);
  } finally {
    release?.();
  }
}

/**
 * Checks a single-file output (`--junit`, `--save`, `--report`, sweep/merge `--out`) before the work: not empty, not
 * a directory, its folder writable or creatable, and not one of the run's inputs. Returns the resolved path; write it
 * with writeFileAtomic.
 */
export function prepareOutputFile(file: string, options: { cwd: string; inputs: readonly string[]; flag: string }): string {
  if (file.trim() === '') throw inputError('usage', '', options.flag, 'found an empty path, expected a file to write');
  const path = resolve(options.cwd, file);
  refuseInputAsOutput(path, options.inputs, file);
  let existing = dirname(path);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw inputError('output', file, '', 'found a directory, expected a file path for the output');
    if (!statSync(existing).isDirectory()) throw inputError('output', file, '', `found a file (${existing}) where a directory of the path should be, expected a path inside a directory`);
    accessSync(existing, constants.W_OK);
    if (existing !== dirname(path)) probeCreatable(existing);
  } catch (error) {
    if (error instanceof Error && error.name === 'InputError') throw error;
    explainWriteError(error, file);
  }
  return path;
}
