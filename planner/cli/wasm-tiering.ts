/**
 * HiGHS is a 3.5 MB WebAssembly module. V8 runs it first as baseline (Liftoff) code and recompiles every function that
 * gets warm with its optimising compiler, on background threads — on the README command that recompilation cost more
 * CPU than it saved (measured with `node --wasm-tiering-budget=…`: the catalog-wide first solve 5.6 s → 3.8 s of CPU,
 * three solves in a row 8.5 s → 7.2 s; the whole `plan` ~2 s less). A hundred times V8's default budget (1,800,000)
 * still optimises what stays hot through a long solve. V8 reads the flag when it decides to tier a function up, so it
 * only has to be set before the first solve; it changes no result (the same code, compiled later or not at all).
 */
import { setFlagsFromString } from 'node:v8';

const WASM_TIERING_BUDGET = 180_000_000;

let done = false;

/** Raises V8's WebAssembly tier-up budget for this process (once; the CLI shell calls it before planning). */
export function raiseWasmTieringBudget(): void {
  if (done) return;
  done = true;
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}
