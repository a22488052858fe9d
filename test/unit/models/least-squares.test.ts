import { describe, expect, it } from 'vitest';
import { meanAbsolutePercentageError, solveLeastSquares } from '../../../models/least-squares.js';

describe('solveLeastSquares()', () => {
  it('recovers exact coefficients from badly scaled [1, tok, tok²] columns (the LIBS.md pitfall)', () => {
    const rows = [128, 512, 1024, 2048, 4096, 8192, 16384].map((t) => [1, t, t * t]);
    const truth = [19.5, 0.003, 2e-7];
    const y = rows.map((r) => r[0] * truth[0] + r[1] * truth[1] + r[2] * truth[2]);
    const c = solveLeastSquares(rows, y, { nonNegative: 'none' });
    c.forEach((v, i) => expect(v / truth[i]).toBeCloseTo(1, 6));
  });

  it('keeps constrained coefficients non-negative where the unconstrained answer is negative', () => {
    const rows = [[1, 1], [1, 2], [1, 3], [1, 4]];
    const y = [4, 3, 2, 1]; // unconstrained slope is −1
    const free = solveLeastSquares(rows, y, { nonNegative: 'none', relative: false });
    expect(free[1]).toBeCloseTo(-1, 9);
    const bounded = solveLeastSquares(rows, y, { relative: false });
    expect(bounded[1]).toBe(0);
    expect(bounded[0]).toBeCloseTo(2.5, 9);
  });

  it('weights by 1/target so small rows are fitted as well as large ones', () => {
    const rows = [[1], [1]];
    expect(solveLeastSquares(rows, [1, 100])[0]).toBeLessThan(5);
    expect(solveLeastSquares(rows, [1, 100], { relative: false })[0]).toBeCloseTo(50.5, 9);
  });
});

describe('meanAbsolutePercentageError()', () => {
  it('is a fraction', () => expect(meanAbsolutePercentageError([110, 90], [100, 100])).toBeCloseTo(0.1, 12));
});
