import { describe, expect, it } from 'vitest';
import {
  formatBytes, formatChange, formatCount, formatGrouped, formatJoules, formatKilowatts, formatKwh, formatMetric,
  formatNumber, formatSeconds, formatShare, formatUsd, MISSING,
} from '../../../reports/format.js';

describe('report number formatting', () => {
  it('formatGrouped() groups thousands and uses a true minus sign', () => {
    expect(formatGrouped(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatGrouped(-1234, 0)).toBe('−1,234');
    expect(formatGrouped(-0.0001, 2)).toBe('0.00');
  });

  it('formatNumber() keeps about three significant digits and never prints NaN', () => {
    expect(formatNumber(4.0712)).toBe('4.071');
    expect(formatNumber(62.1)).toBe('62.1');
    expect(formatNumber(141.73)).toBe('141.7');
    expect(formatNumber(3_904_112)).toBe('3,904,112');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.000123)).toBe('1.23e−4');
    expect(formatNumber(Number.NaN)).toBe(MISSING);
    expect(formatNumber(undefined)).toBe(MISSING);
    expect(formatNumber('12')).toBe(MISSING);
  });

  it('formats money, shares, counts and signed changes', () => {
    expect(formatUsd(776213.4)).toBe('$776,213');
    expect(formatUsd(2.99)).toBe('$2.99');
    expect(formatUsd(-36667)).toBe('−$36,667');
    expect(formatShare(0.9734)).toBe('97.3%');
    expect(formatCount(12345.6)).toBe('12,346');
    expect(formatChange(-0.531)).toBe('−53.1%');
    expect(formatChange(0.075)).toBe('+7.5%');
  });

  it('picks a unit prefix that suits the size', () => {
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(4.07)).toBe('4.07 s');
    expect(formatSeconds(7200)).toBe('2 h');
    expect(formatJoules(3.6e9)).toBe('3.6 GJ');
    expect(formatJoules(41800)).toBe('41.8 kJ');
    expect(formatKwh(3.6e6)).toBe('1 kWh');
    expect(formatKilowatts(13240)).toBe('13.24 kW');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
  });

  it('formatMetric() reads the unit from the metric name suffix', () => {
    expect(formatMetric('tbt_ms', 46.77)).toBe('46.77 ms');
    expect(formatMetric('ttfet_s', 7.66)).toBe('7.66 s');
    expect(formatMetric('kv_transfer_bytes', 2 ** 20)).toBe('1 MiB');
    expect(formatMetric('slo_attainment', 0.973)).toBe('97.3%');
    expect(formatMetric('power_w', 1500)).toBe('1.5 kW');
  });
});
