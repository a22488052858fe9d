/**
 * Resource limits that no real input reaches, checked before the work starts so a hostile or mistaken input ends in
 * one line (exit 2) instead of minutes of work or an out-of-memory abort. Each limit has a name; `--limit NAME=N` on
 * any command raises (or lowers) it for a legitimate large run. The values and what they bound:
 *
 * - `input-items` (100,000): lines plus commas of one YAML/JSON input (a cheap upper bound on its nodes). The YAML
 *   parser costs ~2–5 s and ~250 MB per 100,000 nodes on the shared 2-core machine; a 14 MB list took 4.2 GB. The
 *   largest catalog file has a few hundred lines; an empirical distribution of 10,000 points fits 10× over.
 * - `conversations` (2,000,000): conversations one simulation may generate (arrival rate × duration, or a trace's
 *   Poisson rate × duration). The paper's runs have ~1,500; a day of 20 conv/s is 1.7 million.
 * - `instances` (10,000): instances in one fleet or plan (the sum of pool counts); 10,000 8-GPU instances is 80,000
 *   GPUs, beyond the largest clusters planned today. Each instance costs the kernel state and events per step.
 * - `sim-seconds` (2,592,000 = 30 days): any simulated time an input sets — `--duration-s`, a plan's `duration_s`,
 *   a what-if `check_duration_s`, a tool latency, a trace's arrival time. A simulated time near 1e308 makes the
 *   clock stop advancing (t + step = t in floating point), so the run would never end.
 * - `sweep-cells` (10,000): cells of one sweep grid (x values × y values), each a whole planning problem of seconds;
 *   a 100 × 100 grid is far past any study the README shows, and a 3,000 × 3,000 one would run for weeks.
 *
 * The limits live in an AsyncLocalStorage scope that the CLI opens per run (main), so the loaders see the flag's
 * value without a global setting and in-process test runs never leak a raised limit into the next run.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { inputError, type InputError } from './issues.js';

export const LIMIT_NAMES = ['input-items', 'conversations', 'instances', 'sim-seconds', 'sweep-cells'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type Limits = Readonly<Record<LimitName, number>>;

export const DEFAULT_LIMITS: Limits = {
  'input-items': 100_000,
  conversations: 2_000_000,
  instances: 10_000,
  'sim-seconds': 30 * 24 * 3600,
  'sweep-cells': 10_000,
};

const scope = new AsyncLocalStorage<Limits>();

/** Runs `fn` with `limits` in force for every loader and check it reaches (also across awaits). */
export function withLimits<T>(limits: Limits, fn: () => T): T {
  return scope.run(limits, fn);
}

/** The limits of the current run (the defaults outside a `withLimits` scope). */
export function currentLimits(): Limits {
  return scope.getStore() ?? DEFAULT_LIMITS;
}

function formatCount(n: number): string {
  return Number.isFinite(n) && Math.abs(n) < 1e15 ? Math.round(n).toLocaleString('en-US') : String(n);
}

/** The one line a limit hit prints: what was found, the limit, and the flag that raises it. */
export function limitError(name: LimitName, file: string, path: string, found: string, line?: number): InputError {
  const limit = currentLimits()[name];
  return inputError('limit', file, path, `found ${found}, expected at most ${formatCount(limit)} (limit ${name}; raise it with --limit ${name}=N)`, line);
}

/** Throws the limit's error when `value` (a count or seconds; NaN and ∞ count as over) exceeds limit `name`. */
export function checkLimit(name: LimitName, value: number, where: { file?: string; path: string; line?: number; describe?: (v: number) => string }): void {
  const limit = currentLimits()[name];
  if (value <= limit) return;
  const found = where.describe ? where.describe(value) : formatCount(value);
  throw limitError(name, where.file ?? '', where.path, found, where.line);
}

/** `--limit NAME=N` → [name, value]; refuses unknown names and values that are not positive numbers. */
export function parseLimitAssignment(text: string): [LimitName, number] {
  const m = /^\s*([a-z-]+)\s*=\s*(\S+)\s*$/.exec(text);
  const name = m?.[1] as LimitName | undefined;
  const value = Number(m?.[2]);
  if (!m || !LIMIT_NAMES.includes(name!) || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`found "${text}", expected NAME=N with NAME one of ${LIMIT_NAMES.join(', ')} and N a number > 0`);
  }
  return [name!, value];
}
