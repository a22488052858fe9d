/** Profile formats `fleetplan fit` accepts, each text → ProfileRows. */
import { inputError } from '../../catalogs/issues.js';
import type { ImportedProfile } from '../profile.js';
import { importFleetplanProfile } from './fleetplan-profile.js';
import { importSplitwise } from './splitwise.js';

export const PROFILE_FORMATS = ['fleetplan', 'splitwise'] as const;
export type ProfileFormat = (typeof PROFILE_FORMATS)[number];

/** Guesses the format from the header when none is given. */
export function detectProfileFormat(text: string): ProfileFormat {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  return header.includes('prompt_time') && header.includes('token_time') ? 'splitwise' : 'fleetplan';
}

/**
 * Imports a latency profile. Vidur, aiconfigurator and ML.ENERGY tables are operator or run level, not instance
 * latencies: they calibrate the roofline (builtin-fit.ts) and are refused here with a reason.
 */
export function importProfileText(text: string, file: string, format?: string): ImportedProfile {
  const f = format ?? detectProfileFormat(text);
  if (f === 'fleetplan') return importFleetplanProfile(text, file);
  if (f === 'splitwise') return importSplitwise(text, file);
  if (f === 'vidur' || f === 'aiconfigurator' || f === 'mlenergy') {
    throw inputError('usage', file, 'format', `found ${JSON.stringify(f)}, which holds per-operator or per-run figures, expected an instance latency profile (fleetplan or splitwise); ${f} tables calibrate the built-in roofline instead`);
  }
  throw inputError('usage', file, 'format', `found ${JSON.stringify(f)}, expected one of ${PROFILE_FORMATS.join(', ')}`);
}
