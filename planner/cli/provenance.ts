/**
 * What every result records about where it came from, beside the seed: fleetplan's version and a content hash of the
 * catalogs and shipped coefficients plus what the run read beside them (its mix and SLO set, which may come from a
 * user file; a trace's bytes). Two results agreeing on these and the seed came from the same inputs.
 */
import { catalogFingerprint, packageVersion, type Catalog } from '../../catalogs/index.js';
import type { Backend } from '../../models/serving/runs.js';

export interface RunProvenance {
  readonly version: string;
  readonly catalog_hash: string;
  /** The serving calibration the models used (`--calibration`), when one was given; its text is in the hash. */
  readonly calibration?: { readonly file: string; readonly sha256: string; readonly fleetplan_version: string; readonly source_hash: string };
  /** The serving stack named with `--backend` (its KV memory rule and scheduler were applied); in the hash too. */
  readonly backend?: Backend;
}

/** `extraInputs`: text of other inputs read (a trace's content, a user file) that should change the hash. */
export function runProvenance(catalog: Catalog, extraInputs: readonly string[] = [], calibration?: { readonly record: NonNullable<RunProvenance['calibration']>; readonly text: string }, backend?: Backend): RunProvenance {
  const extra = [...extraInputs, ...(calibration ? [`calibration ${calibration.text}`] : []), ...(backend !== undefined ? [`backend ${backend}`] : [])];
  return { version: packageVersion(), catalog_hash: catalogFingerprint(catalog, extra), ...(calibration ? { calibration: calibration.record } : {}), ...(backend !== undefined ? { backend } : {}) };
}
