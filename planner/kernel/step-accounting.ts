/**
 * Per-term step accounting of one engine (models with `stepAccounting`, i.e. serving-calibrated ones): the engine
 * keeps a running sum of the term vectors of the iterations it has finished — a clock in term units. A request's
 * stamps of that clock at arrival, first token and last token give its TTFT and TPOT as term vectors, exactly what
 * the linear fit needs (time = Σ secondsPerUnit × terms for every iteration). Stamps are exact when requests arrive
 * on iteration boundaries, as in a closed-loop benchmark; an open-loop arrival mid-iteration is stamped at the last
 * boundary before it.
 */
import type { PrefillPiece, StepAccounting } from '../../models/types.js';

export class TermClock {
  readonly total: Float64Array;

  constructor(private readonly accounting: StepAccounting) {
    this.total = new Float64Array(accounting.terms.length);
  }

  /** Terms of one iteration. */
  iteration(batch: number, contextTokens: number, pieces: readonly PrefillPiece[], noDecoder = false): number[] {
    return this.accounting.iterationTerms(batch, contextTokens, pieces, noDecoder);
  }

  /** Seconds of an iteration with these terms. */
  seconds(terms: readonly number[]): number {
    const w = this.accounting.secondsPerUnit;
    let s = 0;
    for (let j = 0; j < terms.length; j++) s += w[j] * terms[j];
    return s;
  }

  /** A pure decode iteration's terms as base + perContextToken × context (they are affine in the context). */
  decodeAffine(batch: number): { base: number[]; perContextToken: number[] } {
    const base = this.accounting.iterationTerms(batch, 0, []);
    const one = this.accounting.iterationTerms(batch, 1, []);
    return { base, perContextToken: one.map((v, j) => v - base[j]) };
  }

  /** Adds `scale` × terms. */
  add(terms: readonly number[], scale = 1): void {
    for (let j = 0; j < terms.length; j++) this.total[j] += scale * terms[j];
  }

  /** n decode iterations of `batch` sequences from context `context0`, the context growing by `batch` each. */
  addDecodeRun(base: readonly number[], perContextToken: readonly number[], n: number, batch: number, context0: number): void {
    this.add(base, n);
    this.add(perContextToken, n * context0 + (batch * n * (n - 1)) / 2);
  }

  stamp(): Float64Array {
    return this.total.slice();
  }
}
