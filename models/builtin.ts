/** The built-in coefficients shipped in catalogs/coefficients (no ../shared needed at run time). */
import pairsFile from '../catalogs/coefficients/latency-pairs.json' with { type: 'json' };
import powerFile from '../catalogs/coefficients/power.json' with { type: 'json' };
import rooflineFile from '../catalogs/coefficients/roofline.json' with { type: 'json' };
import type { CoefficientSet, PairFitRecord, PowerCalibration, RooflineCalibration } from './coefficients.js';

/** The shipped set, typed. */
export const BUILTIN_COEFFICIENTS: CoefficientSet = {
  pairs: pairsFile.pairs as readonly PairFitRecord[],
  roofline: rooflineFile as unknown as RooflineCalibration,
  power: powerFile as unknown as PowerCalibration,
};
