import { describe, expect, it } from 'vitest';
import { MAX_UTILISATION, utilisationCap, waitTailProbability } from '../../../planner/demand/queueing.js';

const exponential = (mean: number) => ({ meanSeconds: mean, secondMomentSeconds2: 2 * mean * mean });

describe('queueing bound', () => {
  it('waitTailProbability() equals the exact M/M/1 tail for exponential service', () => {
    const rho = 0.7;
    const mean = 0.5;
    const w = 2;
    expect(waitTailProbability(rho, w, exponential(mean))).toBeCloseTo(rho * Math.exp((-(1 - rho) * w) / mean), 12);
  });

  it('utilisationCap() meets the percentile exactly at the boundary', () => {
    const service = exponential(0.4);
    const rho = utilisationCap(1.5, 0.95, service);
    expect(rho).toBeGreaterThan(0);
    expect(rho).toBeLessThan(MAX_UTILISATION);
    expect(waitTailProbability(rho, 1.5, service)).toBeCloseTo(0.05, 6);
  });

  it('utilisationCap() grows with the wait budget and is capped', () => {
    const service = { meanSeconds: 0.3, secondMomentSeconds2: 0.2 };
    const caps = [0.1, 0.5, 1, 2, 5].map((w) => utilisationCap(w, 0.95, service));
    for (let i = 1; i < caps.length; i++) expect(caps[i]).toBeGreaterThanOrEqual(caps[i - 1]);
    expect(utilisationCap(1e6, 0.95, service)).toBe(MAX_UTILISATION);
  });

  it('utilisationCap() is 0 when there is no room to queue', () => {
    expect(utilisationCap(0, 0.95, exponential(1))).toBe(0);
    expect(utilisationCap(-1, 0.95, exponential(1))).toBe(0);
  });

  it('a higher percentile never allows a higher utilisation', () => {
    const service = exponential(0.2);
    expect(utilisationCap(1, 0.99, service)).toBeLessThan(utilisationCap(1, 0.9, service));
  });
});
