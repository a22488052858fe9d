/**
 * Runs one battery case as its own process against the built CLI (dist/), with a wall-clock bound (the process group
 * is killed past it), a heap bound (--max-old-space-size) and its peak RSS measured by /usr/bin/time, and judges it:
 * stack trace, hang, out of memory, input overwritten, stale output, canary leaked, wrong exit code, not one line.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CANARY, hostilePath } from './fixtures.js';
import { STALE, type HostileCase } from './cases.js';

/** Heap limit of a case (MiB): a run past it aborts (exit 134) instead of taking the shared machine's memory. */
export const HEAP_LIMIT_MB = 2048;
/** Peak resident memory (KiB) over which a case counts as unbounded memory even when it ended. */
export const RSS_LIMIT_KB = 1_500_000;

export type Defect = 'stack' | 'hang' | 'oom' | 'overwritten' | 'stale' | 'leaked' | 'wrong-exit' | 'not-one-line' | 'message';

export interface CaseOutcome {
  readonly id: string;
  readonly code: number | null;
  readonly signal: string | null;
  readonly seconds: number;
  /** User + system CPU seconds of the run (the bound that does not depend on how loaded the machine is). */
  readonly cpuSeconds: number | null;
  readonly peakRssKb: number | null;
  readonly defects: readonly Defect[];
  readonly stderr: string;
}

export interface RunContext {
  readonly bin: string;
  readonly repo: string;
  readonly fixtures: string;
  /** Signature of every fixture file before the battery (path → size:mtime:hash). */
  readonly fixtureSignature: () => Map<string, string>;
  readonly baseline: Map<string, string>;
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every regular file under `dir` (not following symlinks) with its content hash. */
export function hashTree(dir: string, skip: (name: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (skip(p)) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(p, st.size > 4_000_000 ? `${st.size}:${st.mtimeMs}` : sha(p));
    }
  };
  walk(dir);
  return out;
}

function substitute(arg: string, ctx: RunContext, caseDir: string): string {
  if (arg.startsWith('@')) {
    const dot = arg.lastIndexOf('.');
    return hostilePath(ctx.fixtures, arg.slice(1, dot), arg.slice(dot + 1));
  }
  return arg.replace(/^F\//, `${ctx.fixtures}/`).replace(/^C\//, `${caseDir}/`).replace(/^R\//, `${ctx.repo}/`);
}

/**
 * The wall-clock kill: the case's bound × 6 (at least 20 s). The bound itself is checked on CPU time; a process that
 * waits without computing (a FIFO opened for reading) is caught here.
 */
export function wallDeadlineSeconds(c: HostileCase): number {
  return Math.max(20, c.deadlineSeconds * 6);
}

/** User + system CPU seconds of a running process (Linux /proc), or undefined when it is gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function runCase(c: HostileCase, ctx: RunContext, root: string): Promise<CaseOutcome> {
  const caseDir = mkdtempSync(join(root, `${c.id.replace(/[^a-z0-9]+/gi, '_').slice(0, 80)}-`));
  for (const [name, content] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(caseDir, name)), { recursive: true });
    writeFileSync(join(caseDir, name), content);
  }
  if (c.id.endsWith('symlink-at-output')) symlinkSync(join(caseDir, 'victim.txt'), join(caseDir, 'link.html'));
  const inputsBefore = hashTree(caseDir);
  const argv = c.argv.map((a) => substitute(a, ctx, caseDir));
  const cwd = c.cwd === 'tmp' ? mkdtempSync(join(tmpdir(), 'hostile-cwd-')) : caseDir;
  const rssFile = join(root, `${caseDir.split('/').pop()}.rss`);
  const node = ['node', `--max-old-space-size=${HEAP_LIMIT_MB}`, ctx.bin, ...argv];
  // Interrupted cases run node directly (its CPU time is polled to time the Ctrl-C); the rest under /usr/bin/time.
  const command = c.pipeToHead
    ? ['bash', '-c', `set -o pipefail; ${node.map(shellQuote).join(' ')} | head -1 >/dev/null`]
    : c.interruptAfterMs !== undefined ? node : ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, ...node];
  const t0 = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: caseDir, HOSTILE_CANARY: CANARY, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1_000_000) stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1_000_000) stderr += d.toString(); });
  let killed = false;
  const kill = setTimeout(() => {
    killed = true;
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
  }, wallDeadlineSeconds(c) * 1000);
  // Ctrl-C once the run has used interruptAfterMs of CPU (not wall time: the machine is shared, a loaded one would
  // press it before the command had even loaded).
  let interruptedAtCpu: number | undefined;
  let interruptedAtWall: number | undefined;
  const poll = c.interruptAfterMs !== undefined ? setInterval(() => {
    const cpu = cpuSecondsOf(child.pid!);
    if (interruptedAtCpu === undefined && cpu !== undefined && cpu * 1000 >= c.interruptAfterMs!) {
      interruptedAtCpu = cpu;
      interruptedAtWall = performance.now();
      try { process.kill(-child.pid!, 'SIGINT'); } catch { /* gone */ }
    }
  }, 50) : undefined;
  // A case the harness cannot start (E2BIG: an argument over 128 KiB) is reported, not a crash of the battery.
  const [code, signal] = await new Promise<[number | null, string | null]>((done) => {
    child.on('error', (error) => { stderr += `harness: ${error.message}`; done([-1, null]); });
    child.on('close', (co, si) => done([co, si]));
  });
  clearTimeout(kill);
  if (poll) clearInterval(poll);
  const ended = performance.now();
  const seconds = (ended - t0) / 1000;
  // /usr/bin/time's own lines ("Command exited with non-zero status", "Command terminated by signal") precede its figures.
  let peakRssKb: number | null = null;
  let cpuSeconds: number | null = null;
  let childSignal: string | null = signal;
  if (existsSync(rssFile)) {
    const text = readFileSync(rssFile, 'utf8');
    const lines = text.trim().split('\n');
    const [rss, user, sys] = lines[lines.length - 1]!.split(' ').map(Number);
    peakRssKb = rss || null;
    cpuSeconds = user !== undefined && sys !== undefined ? user + sys : null;
    const sig = /terminated by signal (\d+)/.exec(text);
    if (sig) childSignal = `signal ${sig[1]}`;
    rmSync(rssFile, { force: true });
  }
  const exit = childSignal !== null && code !== null && code > 128 && /signal/.test(childSignal) ? null : code;
  const defects: Defect[] = [];
  if (/internal error|\n\s+at [^\n]+[:(]/.test(`\n${stderr}`) || exit === 70) defects.push('stack');
  // A hang: killed at the wall bound, or more CPU than the case's bound (the work is not bounded).
  if (killed || (cpuSeconds ?? 0) > c.deadlineSeconds) defects.push('hang');
  // Ctrl-C must end the run promptly (10 s of wall time on the loaded machine).
  if (interruptedAtWall !== undefined && (ended - interruptedAtWall) / 1000 > 10) defects.push('hang');
  if (!killed && (exit === 134 || exit === 137 || /heap out of memory|Allocation failed/.test(stderr) || (peakRssKb ?? 0) > RSS_LIMIT_KB || (childSignal !== null && c.interruptAfterMs === undefined))) defects.push('oom');
  if (`${stdout}${stderr}`.includes(CANARY)) defects.push('leaked');
  // Inputs: the case's own files (minus the outputs it owns) and the shared fixtures.
  const inputsAfter = hashTree(caseDir);
  const owned = new Set((c.owned ?? []).map((o) => join(caseDir, o)));
  let overwritten = false;
  for (const [path, hash] of inputsBefore) if (!owned.has(path) && inputsAfter.get(path) !== hash && !(c.files?.[path.slice(caseDir.length + 1)] === STALE)) overwritten = true;
  if (overwritten) defects.push('overwritten');
  const fixturesNow = ctx.fixtureSignature();
  for (const [path, hash] of ctx.baseline) if (fixturesNow.get(path) !== hash) overwritten = true;
  if (overwritten && !defects.includes('overwritten')) defects.push('overwritten');
  if ((exit === 0 || exit === 1) && c.owned?.some((o) => existsSync(join(caseDir, o)) && readFileSync(join(caseDir, o), 'utf8') === STALE)) defects.push('stale');
  if (c.interruptAfterMs !== undefined) {
    const created = [...inputsAfter.keys()].filter((p) => !inputsBefore.has(p));
    if (created.length > 0) defects.push('stale');
  }
  const interruptedOk = c.interruptAfterMs !== undefined && exit === 130 && /interrupted/.test(stderr);
  if (!killed && !interruptedOk && !c.expect.includes(exit ?? -1) && !defects.includes('stack') && !defects.includes('oom')) defects.push('wrong-exit');
  if (exit === 2 && stderr.trim().split('\n').some((l) => !l.startsWith('fleetplan: '))) defects.push('not-one-line');
  if (c.stderrMatch && !c.stderrMatch.test(stderr)) defects.push('message');
  if (c.pipeToHead && stderr.trim() !== '') defects.push('wrong-exit');
  rmSync(caseDir, { recursive: true, force: true });
  if (cwd !== caseDir) rmSync(cwd, { recursive: true, force: true });
  return { id: c.id, code: exit, signal: childSignal, seconds: Number(seconds.toFixed(2)), cpuSeconds, peakRssKb, defects: [...new Set(defects)], stderr: stderr.slice(0, 600) };
}
