/**
 * The paper-reproduction parts of a comparison (`compare --scenario paper`): every run of the grid as one table
 * row (slowdowns normalised to standalone latency), with the paper's own figures beside ours where it gives them.
 * Pure.
 */
import { formatCount, formatNumber, formatShare } from './format.js';
import { column, numberCell, paragraphsBlock, readArray, readNumber, readRecord, readString, section, table, tableBlock, textCell } from './view-model-blocks.js';
import type { Block, Section } from './view-model-types.js';

function factor(value: unknown): string {
  return readNumber(value) === undefined ? '—' : `${formatNumber(value)}×`;
}

function describeRun(r: Record<string, unknown>): string {
  const mispredict = readNumber(r['misprediction_rate']);
  return `${readString(r['policy']) ?? '—'}, ${formatNumber(r['rate_per_s'])}/s, ${formatCount(r['decoder_w'])} W${mispredict === undefined ? '' : `, ${formatShare(mispredict, 0)} mispredicted`}`;
}

/** Our figures beside the paper's, for the runs where the paper reports a point; null when it reports none. */
function buildAgainstPaperTable(rows: ReadonlyArray<Record<string, unknown>>, note: string | undefined): Block | null {
  const withPaper = rows.filter((r) => readRecord(r['paper']) !== undefined);
  if (withPaper.length === 0) return null;
  const pairs = [['ttfet_norm_p95', 'p95 TTFET slowdown', factor], ['last_turn_tbt_norm_p95', 'p95 last-turn TBT slowdown', factor], ['ttfet_slo_violations', 'TTFET SLO violations', formatShare], ['tokens_per_j', 'tokens per J', formatNumber]] as const;
  const cells = withPaper.map((r) => {
    const paper = readRecord(r['paper']);
    return [textCell(describeRun(r), { strong: true }), ...pairs.flatMap(([key, , show]) => [numberCell(show(r[key])), numberCell(readNumber(paper?.[key]) === undefined ? '—' : show(paper?.[key]))])];
  });
  const columns = [column('run'), ...pairs.flatMap(([, label]) => [column(`${label}: ours`, true), column('paper', true)])];
  return tableBlock(table('paper-against', 'Ours against the paper’s figures', columns, cells, note ? `Paper figures: ${note}.` : null));
}

/** The run grid as a table; null when the comparison has no `paper_table`. */
export function buildPaperSection(paperTable: unknown, paperFigures: unknown): Section | null {
  const rows = readArray(paperTable).map((r) => readRecord(r) ?? {});
  if (rows.length === 0) return null;
  const cells = rows.map((r) => {
    const mispredict = readNumber(r['misprediction_rate']);
    return [
      textCell(readString(r['policy']) ?? '—', { strong: true }), numberCell(formatNumber(r['rate_per_s'])), numberCell(readNumber(r['decoder_w']) === undefined ? '—' : `${formatCount(r['decoder_w'])} W`),
      numberCell(mispredict === undefined ? '—' : formatShare(mispredict)),
      numberCell(factor(r['ttfet_norm_p95'])),
      numberCell(factor(r['last_turn_tbt_norm_p95'])),
      numberCell(formatShare(r['ttfet_slo_violations'])),
      numberCell(formatNumber(r['tokens_per_j'])),
      numberCell(formatCount(r['preemptions'])),
    ];
  });
  const columns = [
    column('policy'), column('conv/s', true), column('decoder cap', true), column('mispredicted', true), column('p95 TTFET slowdown', true),
    column('p95 last-turn TBT slowdown', true), column('TTFET SLO violations', true), column('tokens per J', true), column('preemptions', true),
  ];
  const note = readString(readRecord(paperFigures)?.['note']);
  const against = buildAgainstPaperTable(rows, note);
  return section('paper', 'Every run of the paper experiment', [
    ...(against ? [against] : []),
    paragraphsBlock(['Slowdowns are each conversation’s latency over its standalone latency (1× = as fast as alone); geomeans and end-to-end figures are in the result file’s paper_table.']),
    tableBlock(table('paper-table', `All ${rows.length} runs: policy × arrival rate × decoder power cap × misprediction rate`, columns, cells)),
  ]);
}
