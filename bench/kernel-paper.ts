/**
 * The ConServe paper's experiment in the kernel (`npx tsx bench/kernel-paper.ts [--conversations N]`): the same
 * runs as `fleetplan compare --scenario paper` (planner/cli/commands/paper.ts) — Qwen3-0.6B on four A40s
 * (examples/fleets/paper-a40*.yaml), the SWE-agent trace cut to 5 turns, the paper's six rates, 300 W and 200 W
 * decoders, the 0/10/50% misprediction sweep — printed as one JSON document with the scenario's wall time.
 * docs/paper-reproduction.md holds the table beside the paper's figures and explains the differences.
 */
import { runPaperScenario } from '../planner/cli/commands/paper.js';

const argIndex = process.argv.indexOf('--conversations');
const conversations = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1500;
let json = '';
const started = performance.now();
await runPaperScenario({ conversations, json: true }, {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => void (json += text),
  stderr: (text) => void process.stderr.write(text),
  stdoutIsTTY: false,
  stderrIsTTY: false,
  stdinIsTTY: false,
  signal: new AbortController().signal,
});
const doc = JSON.parse(json) as { paper_table: unknown[]; paper_figures: unknown };
const wallSeconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ conversations_per_run: conversations, runs: doc.paper_table.length, wall_s: Number(wallSeconds.toFixed(2)), rows: doc.paper_table, paper: doc.paper_figures }, null, 1)}\n`);
