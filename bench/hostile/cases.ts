/**
 * The hostile-input battery's cases: a table of templates × commands (issue 14's categories — unbounded work,
 * interruptions and files, stack traces, wrong exit codes, security, paths from dist/). `F` in an argument is the
 * fixtures directory, `C` the case's own working directory.
 */
import { EXTENSIONS, SPECIAL_PATHS, hostileContents } from './fixtures.js';

export interface HostileCase {
  readonly id: string;
  readonly category: 'file-slot' | 'numeric-flag' | 'content' | 'reference' | 'output' | 'interrupt' | 'pipe' | 'dist-path';
  readonly command: string;
  readonly argv: readonly string[];
  /** Exit codes that are right for this case. */
  readonly expect: readonly number[];
  /** Wall-clock bound: over it the case is a hang (killed). 5 s for anything that must be refused before work. */
  readonly deadlineSeconds: number;
  /** Files to write in the case directory first (name → content); hashed before and after (an input overwritten). */
  readonly files?: Readonly<Record<string, string>>;
  /** Output files the command owns in C that must not survive a run that exits 0 or 1 with the stale marker. */
  readonly owned?: readonly string[];
  /** Press Ctrl-C (SIGINT) this many ms after start; the case then expects 130 and no new file in C. */
  readonly interruptAfterMs?: number;
  /** Run through `bash -c 'set -o pipefail; fleetplan … | head -1'`. */
  readonly pipeToHead?: boolean;
  /** The working directory: the case directory (default) or one outside the repository (dist-path cases). */
  readonly cwd?: 'case' | 'tmp';
  /** stderr must match (e.g. the limit a case hits). */
  readonly stderrMatch?: RegExp;
}

/** Marker planted in output files before a run: still there after exit 0/1 means a stale output. */
export const STALE = 'STALE-OUTPUT-FROM-AN-EARLIER-RUN';

/** One valid, quick invocation per command and the input slots a hostile file can take. */
interface CommandBase {
  readonly argv: readonly string[];
  /** slot name → [the argument list with the slot holding `@`, the extension the slot's file would have]. */
  readonly slots: Readonly<Record<string, readonly [readonly string[], string]>>;
}

const PLAN = ['--llm', 'qwen3-0.6b', '--gpus', 'a40', '--no-trim', '--check-seeds', '1'];
const SIM = ['--duration-s', '30'];
const WHATIF = ['--llm', 'qwen3-0.6b', '--gpus', 'a40', '--check-duration-s', '30', '--json'];
const PROFILE = '../shared/data/splitwise/perf_model.csv';
const RUNS = '../shared/data/aiconfigurator/silicon/silicon_runs_h100_b200.csv';

export function commandBases(repo: string): Record<string, CommandBase> {
  const profile = `${repo}/${PROFILE}`;
  const runs = `${repo}/${RUNS}`;
  return {
    plan: {
      argv: ['plan', '--mix', 'swe-agent-paper', '--slo', 'relaxed', ...PLAN],
      slots: {
        mix: [['plan', '--mix', '@', '--slo', 'relaxed', ...PLAN], 'yaml'],
        slo: [['plan', '--mix', 'swe-agent-paper', '--slo', '@', ...PLAN], 'yaml'],
        catalog: [['plan', '--mix', 'swe-agent-paper', '--slo', 'relaxed', ...PLAN, '--catalog', '@'], 'yaml'],
        calibration: [['plan', '--mix', 'swe-agent-paper', '--slo', 'relaxed', ...PLAN, '--calibration', '@'], 'json'],
      },
    },
    simulate: {
      argv: ['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', ...SIM],
      slots: {
        fleet: [['simulate', '--fleet', '@', '--mix', 'swe-agent-paper', ...SIM], 'yaml'],
        plan: [['simulate', '--plan', '@', ...SIM], 'yaml'],
        mix: [['simulate', '--fleet', 'F/fleet.yaml', '--mix', '@', ...SIM], 'yaml'],
        trace: [['simulate', '--fleet', 'F/fleet.yaml', '--trace', '@'], 'jsonl'],
        slo: [['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--slo', '@', ...SIM], 'yaml'],
        catalog: [['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--catalog', '@', ...SIM], 'yaml'],
        calibration: [['simulate', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--calibration', '@', ...SIM], 'json'],
      },
    },
    compare: {
      argv: ['compare', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--policies', 'conserve', ...SIM],
      slots: {
        fleet: [['compare', '--fleet', '@', '--mix', 'swe-agent-paper', '--policies', 'conserve', ...SIM], 'yaml'],
        mix: [['compare', '--fleet', 'F/fleet.yaml', '--mix', '@', '--policies', 'conserve', ...SIM], 'yaml'],
        trace: [['compare', '--fleet', 'F/fleet.yaml', '--trace', '@', '--policies', 'conserve'], 'csv'],
        slo: [['compare', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--slo', '@', '--policies', 'conserve', ...SIM], 'yaml'],
        catalog: [['compare', '--fleet', 'F/fleet.yaml', '--mix', 'swe-agent-paper', '--catalog', '@', '--policies', 'conserve', ...SIM], 'yaml'],
      },
    },
    validate: {
      argv: ['validate', 'F/plan.yaml', ...SIM],
      slots: {
        plan: [['validate', '@', ...SIM], 'yaml'],
        mix: [['validate', 'F/plan.yaml', '--mix', '@', ...SIM], 'yaml'],
        slo: [['validate', 'F/plan.yaml', '--slo', '@', ...SIM], 'yaml'],
        catalog: [['validate', 'F/plan.yaml', '--catalog', '@', ...SIM], 'yaml'],
        calibration: [['validate', 'F/plan.yaml', '--calibration', '@', ...SIM], 'json'],
      },
    },
    sweep: {
      argv: ['sweep', 'F/grid.yaml', '--threads', '1'],
      slots: {
        grid: [['sweep', '@', '--threads', '1'], 'yaml'],
        catalog: [['sweep', 'F/grid.yaml', '--threads', '1', '--catalog', '@'], 'yaml'],
      },
    },
    merge: { argv: ['merge', 'F/shard.json'], slots: { shard: [['merge', '@'], 'json'], 'second-shard': [['merge', 'F/shard.json', '@'], 'json'] } },
    whatif: {
      argv: ['whatif', '--mix', 'swe-agent-paper', '--slo', 'relaxed', ...WHATIF],
      slots: {
        mix: [['whatif', '--mix', '@', '--slo', 'relaxed', ...WHATIF], 'yaml'],
        slo: [['whatif', '--mix', 'swe-agent-paper', '--slo', '@', ...WHATIF], 'yaml'],
        plan: [['whatif', '--plan', '@', '--json'], 'yaml'],
        script: [['whatif', '--script', '@', '--json'], 'yaml'],
        catalog: [['whatif', '--mix', 'swe-agent-paper', '--slo', 'relaxed', ...WHATIF, '--catalog', '@'], 'yaml'],
      },
    },
    report: { argv: ['report', 'F/sim/result.json', '--out', 'C/r.html'], slots: { result: [['report', '@', '--out', 'C/r.html'], 'json'] } },
    predict: {
      argv: ['predict', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--input-tokens', '100'],
      slots: {
        catalog: [['predict', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--input-tokens', '100', '--catalog', '@'], 'yaml'],
        calibration: [['predict', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--input-tokens', '100', '--calibration', '@'], 'json'],
      },
    },
    benchmark: {
      argv: ['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--concurrency', '4', '--isl', '100', '--osl', '10'],
      slots: {
        catalog: [['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--concurrency', '4', '--isl', '100', '--osl', '10', '--catalog', '@'], 'yaml'],
        calibration: [['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--concurrency', '4', '--isl', '100', '--osl', '10', '--calibration', '@'], 'json'],
      },
    },
    calibrate: {
      argv: ['calibrate', runs, '--out', 'C/cal.json'],
      slots: {
        runs: [['calibrate', '@', '--out', 'C/cal.json'], 'csv'],
        catalog: [['calibrate', runs, '--out', 'C/cal.json', '--catalog', '@'], 'yaml'],
      },
    },
    export: {
      argv: ['export', 'F/plan.yaml', '--to', 'kubernetes'],
      slots: {
        plan: [['export', '@', '--to', 'kubernetes'], 'yaml'],
        mapping: [['export', 'F/plan.yaml', '--to', 'kubernetes', '--mapping', '@'], 'yaml'],
        catalog: [['export', 'F/plan.yaml', '--to', 'kubernetes', '--catalog', '@'], 'yaml'],
      },
    },
    catalog: { argv: ['catalog', 'gpus'], slots: { catalog: [['catalog', 'gpus', '--catalog', '@'], 'yaml'] } },
    fit: { argv: ['fit', profile, '--format', 'splitwise'], slots: { profile: [['fit', '@'], 'csv'] } },
  };
}

/** Variants tried in every slot; the others rotate over the slots (each in several commands). */
const EVERY_SLOT = ['canary-json', 'proc-environ'];
const ROTATED_PER_SLOT = 3;

/** Hostile file variants in every input slot of every command: exit 2, one line, in 5 s. */
function fileSlotCases(repo: string): HostileCase[] {
  const out: HostileCase[] = [];
  const rest = [...Object.keys(hostileContents()), ...SPECIAL_PATHS, 'huge', 'many-keys'].filter((v) => !EVERY_SLOT.includes(v));
  let k = 0;
  for (const [command, base] of Object.entries(commandBases(repo))) {
    for (const [slot, [argv, ext]] of Object.entries(base.slots)) {
      const rotated = Array.from({ length: ROTATED_PER_SLOT }, (_, i) => rest[(k * ROTATED_PER_SLOT + i) % rest.length]!);
      k++;
      for (const variant of [...EVERY_SLOT, ...rotated]) {
        if (!EXTENSIONS.includes(ext as never)) throw new Error(ext);
        out.push({ id: `file/${command}/${slot}/${variant}`, category: 'file-slot', command, argv: argv.map((a) => (a === '@' ? `@${variant}.${ext}` : a)), expect: [2], deadlineSeconds: 5 });
      }
    }
  }
  return out;
}

/** Hostile values of every numeric flag of every command: refused (2) or a bounded result. */
function numericFlagCases(repo: string, numericFlags: Readonly<Record<string, readonly string[]>>): HostileCase[] {
  const bases = commandBases(repo);
  const out: HostileCase[] = [];
  const values: Array<[string, readonly number[], number]> = [
    ['1e308', [2], 5],
    ['NaN', [2], 5],
    ['0x7fffffff', [0, 1, 2], 20],
  ];
  for (const [command, flags] of Object.entries(numericFlags)) {
    const base = bases[command];
    if (base === undefined) continue;
    for (const flag of flags) {
      for (const [value, expect, deadline] of values) {
        // Replace the flag when the base sets it, else add it.
        const argv = [...base.argv];
        const at = argv.indexOf(flag);
        if (at >= 0) argv[at + 1] = value;
        else argv.push(flag, value);
        if (command === 'compare' && flag === '--conversations') argv.splice(1, argv.length - 1, '--scenario', 'paper', '--policies', 'conserve', flag, value);
        out.push({ id: `flag/${command}/${flag.slice(2)}=${value}`, category: 'numeric-flag', command, argv, expect, deadlineSeconds: deadline });
      }
    }
  }
  return out;
}

export interface CaseTables {
  readonly repo: string;
  /** command → its numeric flags (from the command table, so a new flag is covered without editing this file). */
  readonly numericFlags: Readonly<Record<string, readonly string[]>>;
  readonly commands: readonly string[];
}

import { contentCases, distPathCases, interruptCases, outputCases, pipeCases, referenceCases } from './case-templates.js';

export function allCases(tables: CaseTables): HostileCase[] {
  const cases = [
    ...fileSlotCases(tables.repo),
    ...numericFlagCases(tables.repo, tables.numericFlags),
    ...contentCases(),
    ...referenceCases(),
    ...outputCases(),
    ...interruptCases(),
    ...pipeCases(tables.commands),
    ...distPathCases(),
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    seen.add(c.id);
  }
  return cases;
}
