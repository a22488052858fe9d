import { describe, expect, it } from 'vitest';
import { weightShareRead } from '../../../models/energy.js';

describe('weightShareRead()', () => {
  it('is 1 for a dense model at any batch', () => {
    for (const b of [1, 8, 512]) expect(weightShareRead(70e9, 70e9, b)).toBe(1);
  });
  it('for an MoE starts at the active share and rises towards 1 with the batch', () => {
    const at = (b: number) => weightShareRead(3e9, 30e9, b);
    expect(at(1)).toBeCloseTo(0.1, 12);
    expect(at(8)).toBeCloseTo(1 - 0.9 ** 8, 12);
    expect(at(2)).toBeGreaterThan(at(1));
    expect(at(256)).toBeGreaterThan(0.999);
    expect(at(256)).toBeLessThanOrEqual(1);
  });
});
