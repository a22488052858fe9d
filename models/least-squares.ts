/**
 * Least squares for the latency and power models: relative-error weighting (each row divided by its target, so the
 * fit minimises squared percentage error, which is what MAPE rewards), standardized columns (LIBS.md: an unscaled
 * `[tok, tok²]` design silently broke a regression library here), ml-matrix QR for the unconstrained solve and
 * Lawson–Hanson active sets for coefficients that physics says cannot be negative.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';

export interface LeastSquaresOptions {
  /** Column indices that must be ≥ 0 (default: all). */
  readonly nonNegative?: readonly number[] | 'all' | 'none';
  /** Weight rows by 1 / target so the residual is relative (default true). */
  readonly relative?: boolean;
  /** Tikhonov penalty on the standardized coefficients (default 0): keeps sparse terms from extrapolating wildly. */
  readonly ridge?: number;
}

/** Fits `y ≈ X c`; returns c in the original (unscaled) units of X. */
export function solveLeastSquares(rows: readonly (readonly number[])[], targets: readonly number[], options: LeastSquaresOptions = {}): number[] {
  const n = rows.length;
  if (n === 0) throw new Error('least squares needs at least one row');
  const p = rows[0].length;
  const relative = options.relative ?? true;
  const scale = new Array<number>(p).fill(0);
  for (const r of rows) for (let j = 0; j < p; j++) scale[j] = Math.max(scale[j], Math.abs(r[j]));
  for (let j = 0; j < p; j++) if (scale[j] === 0) scale[j] = 1;
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = relative ? 1 / Math.abs(targets[i]) : 1;
    a.push(rows[i].map((x, j) => (x / scale[j]) * w));
    b.push(targets[i] * w);
  }
  const ridge = options.ridge ?? 0;
  if (ridge > 0) {
    // Scaled columns are O(1) and rows are relative errors, so one penalty value suits every column.
    for (let j = 0; j < p; j++) {
      a.push(Array.from({ length: p }, (_, k) => (k === j && j > 0 ? Math.sqrt(ridge) : 0)));
      b.push(0);
    }
  }
  const nonNeg = options.nonNegative ?? 'all';
  const constrained = new Set<number>(nonNeg === 'all' ? [...Array(p).keys()] : nonNeg === 'none' ? [] : nonNeg);
  const scaled = solveBoundedLeastSquares(a, b, constrained);
  return scaled.map((c, j) => c / scale[j]);
}

/** Unconstrained least squares on a column subset via QR (falls back to zero for columns QR finds singular). */
function solveOnColumns(a: readonly number[][], b: readonly number[], columns: readonly number[]): number[] {
  const p = a[0].length;
  const out = new Array<number>(p).fill(0);
  if (columns.length === 0) return out;
  const sub = new Matrix(a.map((r) => columns.map((j) => r[j])));
  const rhs = Matrix.columnVector([...b]);
  let x: Matrix;
  if (sub.rows >= sub.columns) {
    const qr = new QrDecomposition(sub);
    if (qr.isFullRank()) x = qr.solve(rhs);
    else x = pseudoSolve(sub, rhs);
  } else {
    x = pseudoSolve(sub, rhs);
  }
  columns.forEach((j, k) => (out[j] = x.get(k, 0)));
  return out;
}

function pseudoSolve(a: Matrix, b: Matrix): Matrix {
  // Minimum-norm solution by ridge-stabilised normal equations on the rank-deficient case.
  const at = a.transpose();
  const ata = at.mmul(a);
  for (let i = 0; i < ata.rows; i++) ata.set(i, i, ata.get(i, i) + 1e-10);
  return new QrDecomposition(ata).solve(at.mmul(b));
}

/**
 * Lawson–Hanson NNLS generalised to a subset of constrained columns: free columns always stay in the passive set.
 * Converges in a finite number of steps; the iteration cap only guards against floating-point cycling.
 */
function solveBoundedLeastSquares(a: readonly number[][], b: readonly number[], constrained: ReadonlySet<number>): number[] {
  const p = a[0].length;
  const passive = new Set<number>([...Array(p).keys()].filter((j) => !constrained.has(j)));
  let x = solveOnColumns(a, b, [...passive]);
  const tol = 1e-12;
  for (let outer = 0; outer < 10 * p + 10; outer++) {
    const residual = b.map((bi, i) => bi - a[i].reduce((s, aij, j) => s + aij * x[j], 0));
    let best = -1;
    let bestGradient = tol;
    for (const j of constrained) {
      if (passive.has(j)) continue;
      const g = a.reduce((s, row, i) => s + row[j] * residual[i], 0);
      if (g > bestGradient) {
        bestGradient = g;
        best = j;
      }
    }
    if (best < 0) break;
    passive.add(best);
    for (let inner = 0; inner < 10 * p + 10; inner++) {
      const z = solveOnColumns(a, b, [...passive].sort((u, v) => u - v));
      const violating = [...passive].filter((j) => constrained.has(j) && z[j] <= 0);
      if (violating.length === 0) {
        x = z;
        break;
      }
      let alpha = 1;
      for (const j of violating) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
      x = x.map((xj, j) => xj + alpha * (z[j] - xj));
      for (const j of [...passive]) if (constrained.has(j) && Math.abs(x[j]) <= 1e-15) {
        passive.delete(j);
        x[j] = 0;
      }
    }
  }
  return x.map((v, j) => (constrained.has(j) && v < 0 ? 0 : v));
}

/** Mean absolute percentage error as a fraction (0.05 = 5%). */
export function meanAbsolutePercentageError(predicted: readonly number[], measured: readonly number[]): number {
  if (predicted.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < predicted.length; i++) sum += Math.abs(predicted[i] - measured[i]) / Math.abs(measured[i]);
  return sum / predicted.length;
}
