/** The shipped MoE calibration (catalogs/coefficients/moe.json; no ../shared needed at run time). */
import moeFile from '../../catalogs/coefficients/moe.json' with { type: 'json' };
import type { MoeCalibration } from './calibration.js';

export const BUILTIN_MOE_CALIBRATION: MoeCalibration = moeFile as unknown as MoeCalibration;
