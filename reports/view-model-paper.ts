/**
 * The paper-reproduction parts of a comparison (`compare --scenario paper`): every run of the grid as one table
 * row (slowdowns normalised to standalone latency), with the paper's own figures beside ours where it gives them.
 * Pure.
 */
import { formatCount, formatNumber, formatShare } from './format.js';
import { column, numberCell, paragraphsBlock, readArray, readNumber, readRecord, readString, section, table, tableBlock, textCell } from './view-model-blocks.js';
import type { Cell, Section } from './view-model-types.js';

function factor(value: unknown): string {
  return readNumber(value) === undefined ? '—' : `${formatNumber(value)}×`;
}

/** Our figure, followed by the paper's in brackets when the paper reports that point. */
function withPaper(ours: string, paper: Record<string, unknown> | undefined, key: string, show: (v: unknown) => string): Cell {
  const theirs = paper?.[key];
  return numberCell(readNumber(theirs) === undefined ? ours : `${ours} (paper ${show(theirs)})`);
}

/** The run grid as a table; null when the comparison has no `paper_table`. */
export function buildPaperSection(paperTable: unknown, paperFigures: unknown): Section | null {
  const rows = readArray(paperTable).map((r) => readRecord(r) ?? {});
  if (rows.length === 0) return null;
  const cells = rows.map((r) => {
    const paper = readRecord(r['paper']);
    const mispredict = readNumber(r['misprediction_rate']);
    return [
      textCell(readString(r['policy']) ?? '—', { strong: true }), numberCell(formatNumber(r['rate_per_s'])), numberCell(readNumber(r['decoder_w']) === undefined ? '—' : `${formatCount(r['decoder_w'])} W`),
      numberCell(mispredict === undefined ? '—' : formatShare(mispredict)),
      withPaper(factor(r['ttfet_norm_p95']), paper, 'ttfet_norm_p95', factor), numberCell(factor(r['ttfet_norm_geomean'])),
      withPaper(factor(r['last_turn_tbt_norm_p95']), paper, 'last_turn_tbt_norm_p95', factor), numberCell(factor(r['e2e_norm_p95'])),
      withPaper(formatShare(r['ttfet_slo_violations']), paper, 'ttfet_slo_violations', formatShare),
      withPaper(formatNumber(r['tokens_per_j']), paper, 'tokens_per_j', formatNumber),
      numberCell(formatCount(r['max_in_flight'])), numberCell(formatCount(r['preemptions'])),
    ];
  });
  const columns = [
    column('policy'), column('conv/s', true), column('decoder cap', true), column('mispredicted', true), column('p95 TTFET slowdown', true),
    column('TTFET geomean', true), column('p95 last-turn TBT slowdown', true), column('p95 end-to-end slowdown', true),
    column('TTFET SLO violations', true), column('tokens per J', true), column('max in flight', true), column('preemptions', true),
  ];
  const note = readString(readRecord(paperFigures)?.['note']);
  return section('paper', 'Every run of the paper experiment', [
    paragraphsBlock(['Slowdowns are each conversation’s latency over its standalone latency (1× = as fast as alone). Where the paper reports a point, its figure follows ours in brackets.']),
    tableBlock(table('paper-table', `All ${rows.length} runs: policy × arrival rate × decoder power cap × misprediction rate`, columns, cells, note ? `Paper figures: ${note}.` : null)),
  ]);
}
