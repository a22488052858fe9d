/**
 * fleetplan's own profile CSV (catalogs/schemas/profile.schema.json): the format a user fills with their engine's
 * measurements. Every problem is an InputError naming the file, line and column.
 */
import { inputError } from '../../catalogs/issues.js';
import type { ImportedProfile, ProfileRow } from '../profile.js';
import { parseCsvTable, readNumber, readPositive } from './csv.js';

/** Columns the format knows (the schema's properties). */
export const PROFILE_COLUMNS = ['gpu', 'llm', 'tp', 'phase', 'batch', 'input_tokens', 'cached_tokens', 'context_tokens', 'latency_s', 'latency_ms', 'power_w', 'power_cap_w'] as const;
const REQUIRED = ['gpu', 'llm', 'tp', 'phase', 'batch'] as const;

/** Parses a fleetplan profile CSV. */
export function importFleetplanProfile(text: string, file = 'profile.csv'): ImportedProfile {
  const table = parseCsvTable(text, file);
  const known = new Set<string>(PROFILE_COLUMNS);
  const unknown = table.header.filter((h) => !known.has(h));
  // A header with no column of the format is not a profile (it may be any file a flag points at): never quoted.
  if (!table.header.some((h) => known.has(h))) {
    throw inputError('schema', file, '', `found a first line with none of the profile's columns (its contents are not shown), expected a CSV header with columns ${REQUIRED.join(', ')} and latency_s or latency_ms`, 1);
  }
  if (unknown.length > 0) {
    throw inputError('schema', file, unknown[0], `found unknown column ${JSON.stringify(unknown[0])}, expected one of ${PROFILE_COLUMNS.join(', ')}`, 1);
  }
  const missing = REQUIRED.filter((c) => !table.header.includes(c));
  if (missing.length > 0) throw inputError('schema', file, missing[0], `found no column ${JSON.stringify(missing[0])}, expected columns ${REQUIRED.join(', ')}`, 1);
  const hasS = table.header.includes('latency_s');
  const hasMs = table.header.includes('latency_ms');
  if (hasS && hasMs) throw inputError('schema', file, 'latency_ms', 'found both latency_s and latency_ms (mixed units), expected exactly one latency column', 1);
  if (!hasS && !hasMs) throw inputError('schema', file, 'latency_s', 'found no latency column, expected latency_s or latency_ms', 1);
  const latencyColumn = hasS ? 'latency_s' : 'latency_ms';
  const toSeconds = hasS ? 1 : 1 / 1000;
  const rows: ProfileRow[] = table.records.map(({ line, cells }) => {
    const phase = cells.phase;
    if (phase !== 'prefill' && phase !== 'decode') throw inputError('invalid_value', file, 'phase', `found ${JSON.stringify(phase)}, expected "prefill" or "decode"`, line);
    for (const c of ['gpu', 'llm'] as const) if (!cells[c]) throw inputError('invalid_value', file, c, 'found an empty cell, expected a catalog id', line);
    const tp = readPositive(cells, 'tp', file, line);
    const batch = readPositive(cells, 'batch', file, line);
    if (!Number.isInteger(tp)) throw inputError('invalid_value', file, 'tp', `found ${tp}, expected a whole number`, line);
    if (!Number.isInteger(batch)) throw inputError('invalid_value', file, 'batch', `found ${batch}, expected a whole number`, line);
    const optional = (c: string) => (cells[c] === undefined || cells[c] === '' ? undefined : readNumber(cells, c, file, line));
    const nonNegative = (c: string, v: number | undefined) => {
      if (v !== undefined && v < 0) throw inputError('invalid_value', file, c, `found ${v}, expected a number ≥ 0`, line);
      return v;
    };
    const inputTokens = nonNegative('input_tokens', optional('input_tokens'));
    const cachedTokens = nonNegative('cached_tokens', optional('cached_tokens')) ?? 0;
    const contextTokens = nonNegative('context_tokens', optional('context_tokens'));
    if (phase === 'prefill' && (inputTokens === undefined || inputTokens <= 0)) throw inputError('invalid_value', file, 'input_tokens', `found ${JSON.stringify(cells.input_tokens ?? '')}, expected a positive token count on a prefill row`, line);
    if (phase === 'decode' && contextTokens === undefined) throw inputError('invalid_value', file, 'context_tokens', 'found an empty cell, expected the mean context tokens per sequence on a decode row', line);
    const latencySeconds = readPositive(cells, latencyColumn, file, line) * toSeconds;
    const powerWatts = optional('power_w');
    const powerCapWatts = optional('power_cap_w');
    for (const [c, v] of [['power_w', powerWatts], ['power_cap_w', powerCapWatts]] as const) if (v !== undefined && v <= 0) throw inputError('invalid_value', file, c, `found ${v}, expected a positive number of watts`, line);
    return {
      gpu: cells.gpu, llm: cells.llm, tp, phase, batch,
      inputTokens: phase === 'prefill' ? (inputTokens as number) : 0,
      contextTokens: phase === 'prefill' ? cachedTokens : (contextTokens as number),
      latencySeconds, repeats: 1, line,
      ...(powerWatts !== undefined ? { powerWatts } : {}),
      ...(powerCapWatts !== undefined ? { powerCapWatts } : {}),
    };
  });
  if (rows.length === 0) throw inputError('syntax', file, '', 'found a header and no data rows, expected measured rows');
  return { format: 'fleetplan', rows, excluded: [], notes: [] };
}
