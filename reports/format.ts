/**
 * Number formatting for reports. Written by hand, not with `toLocaleString`, so the bytes of a report do not depend on
 * the machine's locale or ICU data. A missing value renders as an em dash, never as "NaN" or "undefined".
 */

export const MISSING = '—';

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Groups thousands with commas: 1234567.8 → "1,234,567.8". */
export function formatGrouped(value: number, decimals: number): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '−' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Three significant digits for mid-sized numbers, grouped integers for large ones. */
export function formatNumber(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 1000) return formatGrouped(value, 0);
  if (magnitude >= 100) return formatGrouped(value, 1).replace(/\.0$/, '');
  if (magnitude >= 0.01) return formatGrouped(value, magnitude >= 10 ? 2 : 3).replace(/\.?0+$/, '');
  return value.toExponential(2).replace('-', '−');
}

/** A whole count: 12345 → "12,345". */
export function formatCount(value: unknown): string {
  return isNumber(value) ? formatGrouped(Math.round(value), 0) : MISSING;
}

/** US dollars: whole dollars above $100, cents below. */
export function formatUsd(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const text = formatGrouped(value, Math.abs(value) >= 100 ? 0 : 2);
  return text.startsWith('−') ? `−$${text.slice(1)}` : `$${text}`;
}

/** A share 0..1 as a percentage: 0.9734 → "97.3%". */
export function formatShare(value: unknown, decimals = 1): string {
  return isNumber(value) ? `${formatGrouped(value * 100, decimals)}%` : MISSING;
}

/** Seconds with a unit that suits the size: 0.0123 → "12.3 ms", 4.07 → "4.07 s", 3725 → "1.03 h". */
export function formatSeconds(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const magnitude = Math.abs(value);
  if (magnitude > 0 && magnitude < 1) return `${formatNumber(value * 1000)} ms`;
  if (magnitude >= 3600) return `${formatNumber(value / 3600)} h`;
  return `${formatNumber(value)} s`;
}

/** A value with a fixed unit, e.g. formatWithUnit(4.2, 'ms') → "4.2 ms". */
export function formatWithUnit(value: unknown, unit: string): string {
  return isNumber(value) ? `${formatNumber(value)} ${unit}` : MISSING;
}

/** Watts as kilowatts: 12_500 → "12.5 kW". */
export function formatKilowatts(watts: unknown): string {
  return isNumber(watts) ? `${formatNumber(watts / 1000)} kW` : MISSING;
}

/** Joules in the largest SI prefix that keeps the mantissa ≥ 1: 3.6e9 → "3.6 GJ". */
export function formatJoules(joules: unknown): string {
  if (!isNumber(joules)) return MISSING;
  const prefixes: ReadonlyArray<readonly [number, string]> = [[1e12, 'TJ'], [1e9, 'GJ'], [1e6, 'MJ'], [1e3, 'kJ']];
  for (const [scale, unit] of prefixes) if (Math.abs(joules) >= scale) return `${formatNumber(joules / scale)} ${unit}`;
  return `${formatNumber(joules)} J`;
}

/** Joules as kilowatt-hours, the unit electricity is billed in: 3.6e6 → "1 kWh". */
export function formatKwh(joules: unknown): string {
  return isNumber(joules) ? `${formatNumber(joules / 3.6e6)} kWh` : MISSING;
}

/** Bytes in binary prefixes: 1.5 × 2^30 → "1.5 GiB". */
export function formatBytes(bytes: unknown): string {
  if (!isNumber(bytes)) return MISSING;
  const prefixes: ReadonlyArray<readonly [number, string]> = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [scale, unit] of prefixes) if (Math.abs(bytes) >= scale) return `${formatNumber(bytes / scale)} ${unit}`;
  return `${formatNumber(bytes)} B`;
}

/** A signed relative change: −0.51 → "−51.0%", 0.075 → "+7.5%". */
export function formatChange(share: unknown): string {
  if (!isNumber(share)) return MISSING;
  return share > 0 ? `+${formatShare(share)}` : formatShare(share);
}

/** A metric value in its unit, chosen by the metric's name suffix (`_s`, `_ms`, `_j`, `_w`, `_usd`, `_bytes`). */
export function formatMetric(name: string, value: unknown): string {
  if (name.endsWith('_ms')) return formatWithUnit(value, 'ms');
  if (name.endsWith('_s')) return formatSeconds(value);
  if (name.endsWith('_bytes')) return formatBytes(value);
  if (name.endsWith('_usd')) return formatUsd(value);
  if (name.endsWith('_w')) return formatKilowatts(value);
  if (name.endsWith('_j')) return formatJoules(value);
  if (name === 'slo_attainment' || name.endsWith('_share') || name === 'utilization') return formatShare(value);
  return formatNumber(value);
}
