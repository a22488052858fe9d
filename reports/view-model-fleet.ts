/** Words and tables for fleets: instance lists in one line, and the bill of GPUs per role and type. Pure. */
import { formatCount, formatWithUnit } from './format.js';
import type { PlanInstance } from './result-types.js';
import { column, numberCell, readArray, readNumber, readRecord, readString, table, tableBlock, textCell } from './view-model-blocks.js';
import type { Block } from './view-model-types.js';

const ROLE_ORDER: Readonly<Record<string, number>> = { prefill: 0, decode: 1, colocated: 2 };

/** Instances read defensively and sorted prefill → decode → colocated, then by GPU id and TP. */
export function readInstances(value: unknown): PlanInstance[] {
  const list = readArray(value).flatMap((raw) => {
    const r = readRecord(raw);
    if (!r) return [];
    const instance: PlanInstance = {
      gpu: readString(r['gpu']) ?? '—', role: readString(r['role']) ?? '—', count: readNumber(r['count']) ?? 0,
      ...(readString(r['llm']) ? { llm: readString(r['llm']) } : {}),
      ...(readNumber(r['tp']) !== undefined ? { tp: readNumber(r['tp']) } : {}),
      ...(readNumber(r['ep']) !== undefined ? { ep: readNumber(r['ep']) } : {}),
      ...(readString(r['precision']) ? { precision: readString(r['precision']) } : {}),
      ...(readString(r['kv_dtype']) ? { kv_dtype: readString(r['kv_dtype']) } : {}),
      ...(readNumber(r['power_cap_w']) !== undefined ? { power_cap_w: readNumber(r['power_cap_w']) } : {}),
    };
    return [instance];
  });
  const rank = (i: PlanInstance): number => ROLE_ORDER[i.role] ?? 3;
  const text = (x: string | undefined) => x ?? '';
  return list.sort((a, b) => rank(a) - rank(b) || (a.gpu < b.gpu ? -1 : a.gpu > b.gpu ? 1 : 0) || (a.tp ?? 1) - (b.tp ?? 1) ||
    (a.ep ?? 1) - (b.ep ?? 1) || text(a.precision).localeCompare(text(b.precision)));
}

/** GPUs of one instance: max(tp, ep). */
export function instanceGpuCount(i: PlanInstance): number {
  return Math.max(i.tp ?? 1, i.ep ?? 1);
}

/** GPUs an instance list occupies: instances × max(TP, EP). */
export function countGpus(instances: readonly PlanInstance[]): number {
  return instances.reduce((sum, i) => sum + i.count * instanceGpuCount(i), 0);
}

/** `fp8`, or `fp8 · KV bf16` when the KV cache is in another format; `—` when the result says neither. */
export function describePrecision(i: { readonly precision?: string; readonly kv_dtype?: string }): string {
  if (i.precision === undefined) return i.kv_dtype !== undefined ? `KV ${i.kv_dtype}` : '—';
  return i.kv_dtype !== undefined && i.kv_dtype !== i.precision ? `${i.precision} · KV ${i.kv_dtype}` : i.precision;
}

/**
 * A fleet in one line.
 *
 * @example describeInstances([{ gpu: 'h100-sxm', role: 'prefill', tp: 2, count: 4 }]) // "4 × h100-sxm prefill (TP 2)"
 */
export function describeInstances(instances: readonly PlanInstance[]): string {
  if (instances.length === 0) return 'no instances';
  return instances
    .map((i) => {
      const layout = [(i.tp ?? 1) > 1 ? `TP ${i.tp}` : '', (i.ep ?? 1) > 1 ? `EP ${i.ep}` : '', i.precision ?? ''].filter((x) => x !== '');
      return `${formatCount(i.count)} × ${i.gpu} ${i.role}${layout.length > 0 ? ` (${layout.join(', ')})` : ''}${i.power_cap_w !== undefined ? ` at ${formatCount(i.power_cap_w)} W` : ''}`;
    })
    .join(' + ');
}

/** The bill of GPUs: one row per pool plus a total, so the purchase order can be read off it. */
export function buildBillTable(instances: readonly PlanInstance[], id: string): Block {
  // The EP column appears only when some pool spreads experts (a dense LLM's fleets never do), the precision column
  // when the result records formats (results written before precision was a pool dimension do not).
  const withEp = instances.some((i) => (i.ep ?? 1) > 1);
  const withPrecision = instances.some((i) => i.precision !== undefined || i.kv_dtype !== undefined);
  const rows = instances.map((i) => [
    textCell(i.role, { strong: true }), textCell(i.gpu), textCell(i.llm ?? '—'), numberCell(formatCount(i.tp ?? 1)),
    ...(withEp ? [numberCell(formatCount(i.ep ?? 1))] : []), ...(withPrecision ? [textCell(describePrecision(i))] : []),
    numberCell(formatCount(i.count)), numberCell(formatCount(i.count * instanceGpuCount(i)), { strong: true }),
    numberCell(i.power_cap_w === undefined ? 'TDP' : formatWithUnit(i.power_cap_w, 'W')),
  ]);
  rows.push([
    textCell('total', { strong: true }), textCell(''), textCell(''), numberCell(''), ...(withEp ? [numberCell('')] : []), ...(withPrecision ? [textCell('')] : []),
    numberCell(formatCount(instances.reduce((s, i) => s + i.count, 0))), numberCell(formatCount(countGpus(instances)), { strong: true }), numberCell(''),
  ]);
  const columns = [
    column('role'), column('GPU'), column('LLM'), column('TP', true), ...(withEp ? [column('EP', true)] : []), ...(withPrecision ? [column('precision')] : []),
    column('instances', true), column('GPUs', true), column('power cap per GPU', true),
  ];
  const note = withEp ? 'An instance is one serving engine on max(TP, EP) GPUs of one type.' : 'An instance is one serving engine on TP GPUs of one type.';
  return tableBlock(table(id, 'Bill of GPUs per role and type', columns, rows, withPrecision ? `${note} Precision is the weight format (and the KV cache's when it differs).` : note));
}
