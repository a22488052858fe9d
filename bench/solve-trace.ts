/**
 * Every HiGHS run of a bench, one record each (`npx tsx bench/planner.ts --whole --solves`): which step of the loop
 * asked for it, its size, branch-and-bound nodes, simplex iterations, status, wall time and this thread's CPU time.
 * Where the loop's main-thread MILP time goes: a few hard solves, many small ones, or solves repeated.
 *
 * The step is read from the model and from the checks around it: a model with an `objective-bound` row is the cheaper
 * search's (below the cheapest proved fleet; `beside_check` when a kernel check was pending meanwhile — the loop's
 * solve ahead, check/loop.ts), any other the search's; the shape from its count columns (prefill pools:
 * disaggregated; colocated pools: colocated). `after_checks` is how many kernel checks had started before it.
 */
import { observeHighsRuns, type HighsRunRecord } from '../planner/milp/solvers/highs.js';
import { mainThreadCpuMs } from './thread-cpu.js';

export interface SolveTraceRow {
  readonly index: number;
  readonly kind: 'lp' | 'milp';
  readonly step: 'search' | 'cheaper';
  readonly shape: 'disaggregated' | 'colocated' | 'any';
  readonly after_checks: number;
  readonly beside_check: boolean;
  readonly refuted_fleets: number;
  readonly columns: number;
  readonly rows: number;
  readonly integers: number;
  readonly status: string;
  readonly nodes: number;
  readonly simplex_iterations: number;
  readonly wall_ms: number;
  readonly main_cpu_ms: number;
}

export interface SolveTrace {
  /** Call when a kernel check starts and when it ends. */
  checkStarted(): void;
  checkEnded(): void;
  /** Stops observing; the rows and their totals per (step, kind). */
  stop(): { solves: SolveTraceRow[]; totals: Record<string, { solves: number; nodes: number; wall_ms: number; main_cpu_ms: number }> };
}

function shapeOf(columnNames: readonly string[]): SolveTraceRow['shape'] {
  const counts = columnNames.filter((n) => n.startsWith('n['));
  const prefill = counts.some((n) => n.includes('/prefill/'));
  const colocated = counts.some((n) => n.includes('/colocated/'));
  return prefill && !colocated ? 'disaggregated' : colocated && !prefill ? 'colocated' : 'any';
}

/** Starts recording this thread's HiGHS runs. */
export function traceSolves(clockMs: () => number): SolveTrace {
  const rows: SolveTraceRow[] = [];
  let started = 0;
  let pending = 0;
  let t0 = 0;
  let cpu0 = 0;
  observeHighsRuns({
    before() {
      cpu0 = mainThreadCpuMs();
      t0 = clockMs();
    },
    after(r: HighsRunRecord) {
      const wallMs = clockMs() - t0;
      rows.push({
        index: rows.length,
        kind: r.integers > 0 ? 'milp' : 'lp',
        step: r.rowNames.includes('objective-bound') ? 'cheaper' : 'search',
        shape: shapeOf(r.columnNames),
        after_checks: started,
        beside_check: pending > 0,
        refuted_fleets: r.rowNames.filter((n) => /^refuted\[\d+\]$/.test(n)).length,
        columns: r.columns,
        rows: r.rows,
        integers: r.integers,
        status: r.status,
        nodes: r.nodes,
        simplex_iterations: r.simplexIterations,
        wall_ms: Math.round(wallMs),
        main_cpu_ms: mainThreadCpuMs() - cpu0,
      });
    },
  });
  return {
    checkStarted: () => {
      started++;
      pending++;
    },
    checkEnded: () => {
      pending--;
    },
    stop() {
      observeHighsRuns(undefined);
      const totals: Record<string, { solves: number; nodes: number; wall_ms: number; main_cpu_ms: number }> = {};
      for (const r of rows) {
        const key = `${r.step} ${r.kind}`;
        const t = (totals[key] ??= { solves: 0, nodes: 0, wall_ms: 0, main_cpu_ms: 0 });
        t.solves++;
        t.nodes += r.nodes;
        t.wall_ms += r.wall_ms;
        t.main_cpu_ms += r.main_cpu_ms;
      }
      return { solves: rows, totals };
    },
  };
}
