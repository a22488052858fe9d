/**
 * The "inputs as given" section: the mix, SLOs, prices, seed, version and catalog hash a result was made from,
 * summarised in tables where their shape is known, then shown verbatim. Pure.
 */
import { formatNumber, formatUsd } from './format.js';
import type { ResultInputs } from './result-types.js';
import {
  codeBlock, column, fact, factsBlock, numberCell, readArray, readNumber, readRecord, readString, section, table,
  tableBlock, textCell,
} from './view-model-blocks.js';
import type { Block, Fact, Section } from './view-model-types.js';

/** The first present field among alternative spellings (file form snake_case, typed form camelCase). */
function pick(record: Record<string, unknown> | undefined, keys: readonly string[]): unknown {
  if (!record) return undefined;
  for (const key of keys) if (record[key] !== undefined) return record[key];
  return undefined;
}

/** A catalog reference shown by id: a string as is, an object by its id or name. */
export function describeReference(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const record = readRecord(value);
  return readString(record?.['id']) ?? readString(record?.['name']);
}

/**
 * A distribution in words, in either the file syntax (`{lognormal: {median, sigma}}`) or the typed form
 * (`{kind: 'lognormal', median, sigma}`); bounds are appended.
 *
 * @example describeDistribution({ lognormal: { median: 2000, sigma: 0.8 } }) // "lognormal, median 2,000, σ 0.8"
 */
export function describeDistribution(value: unknown): string {
  if (typeof value === 'number') return `fixed ${formatNumber(value)}`;
  const record = readRecord(value);
  if (!record) return '—';
  const kind = readString(record['kind']) ?? ['fixed', 'uniform', 'exponential', 'lognormal', 'empirical'].find((k) => record[k] !== undefined);
  const body = readRecord(record[kind ?? '']) ?? record;
  const bounds = [readNumber(record['min']) === undefined ? '' : `, ≥ ${formatNumber(record['min'])}`, readNumber(record['max']) === undefined ? '' : `, ≤ ${formatNumber(record['max'])}`].join('');
  switch (kind) {
    case 'fixed':
      return `fixed ${formatNumber(readNumber(record['fixed']) ?? body['value'])}`;
    case 'uniform':
      return `uniform ${formatNumber(body['min'])} to ${formatNumber(body['max'])}`;
    case 'exponential':
      return `exponential, mean ${formatNumber(body['mean'])}${bounds}`;
    case 'lognormal':
      return `lognormal, median ${formatNumber(body['median'])}, σ ${formatNumber(body['sigma'])}${bounds}`;
    case 'empirical': {
      const points = readArray(record['empirical'] ?? body['points']);
      return `empirical, ${points.length} points${bounds}`;
    }
    default:
      return 'unrecognised shape (see the inputs below)';
  }
}

function buildClassTable(mix: Record<string, unknown>): Block | null {
  const classes = readArray(mix['classes']).map((c) => readRecord(c) ?? {});
  if (classes.length === 0) return null;
  const rows = classes.map((c) => [
    textCell(readString(c['id']) ?? readString(c['name']) ?? '—', { strong: true }),
    numberCell(formatNumber(pick(c, ['arrival_rate_per_s', 'rate_per_s', 'arrivalRatePerSecond']))),
    textCell(describeDistribution(pick(c, ['turns']))),
    textCell(describeDistribution(pick(c, ['first_input_tokens', 'firstInputTokens']))),
    textCell(describeDistribution(pick(c, ['appended_input_tokens', 'appendedInputTokens']))),
    textCell(describeDistribution(pick(c, ['output_tokens', 'outputTokens']))),
    textCell(describeDistribution(pick(c, ['tool_latency_s', 'toolLatencySeconds']))),
  ]);
  const columns = [column('class'), column('conversations/s', true), column('turns'), column('turn-1 input tokens'), column('appended tokens per turn'), column('output tokens per turn'), column('tool latency (s)')];
  return tableBlock(table('inputs-mix', `Traffic mix ${describeReference(mix) ?? ''}`.trim(), columns, rows));
}

function buildSloTable(slo: Record<string, unknown>): Block | null {
  const targets = readArray(slo['targets']).map((t) => readRecord(t) ?? {});
  if (targets.length === 0) return null;
  const rows = targets.map((t) => {
    const metric = readString(t['metric']) ?? '—';
    const slowdown = readNumber(pick(t, ['max_slowdown', 'maxSlowdown']));
    const absolute = pick(t, ['max_value', 'maxValue', 'max', 'target', 'value']);
    const bound = slowdown !== undefined ? `${formatNumber(slowdown)} × standalone` : `${formatNumber(absolute)}${metric.endsWith('_ms') ? ' ms' : metric.endsWith('_s') ? ' s' : ''}`;
    return [textCell(metric, { strong: true }), numberCell(`p${formatNumber(t['percentile'])}`), numberCell(`≤ ${bound}`)];
  });
  const attainment = readNumber(slo['attainment']);
  const note = attainment === undefined ? null : `At least ${formatNumber(attainment * 100)}% of conversations must meet every target.`;
  return tableBlock(table('inputs-slo', `SLO set ${describeReference(slo) ?? ''}`.trim(), [column('metric'), column('percentile', true), column('target', true)], rows, note));
}

function buildPriceFacts(inputs: ResultInputs): Fact[] {
  const fleet = readRecord(inputs.fleet);
  const datacenter = readRecord(pick(fleet, ['datacenter'])) ?? readRecord(inputs['datacenter']);
  const facts: Fact[] = [];
  const kwh = readNumber(pick(datacenter, ['electricity_usd_per_kwh', 'electricityUsdPerKwh']));
  if (kwh !== undefined) facts.push(fact('Electricity', `${formatUsd(kwh)} per kWh`));
  const pue = readNumber(pick(datacenter, ['pue']));
  if (pue !== undefined) facts.push(fact('PUE', formatNumber(pue)));
  const prices = readRecord(inputs['prices']);
  for (const key of Object.keys(prices ?? {}).sort()) {
    const price = readRecord(prices![key]);
    const value = readNumber(prices![key]);
    if (price) {
      const capex = readNumber(price['capex_usd']);
      const rent = readNumber(price['rent_usd_per_h']);
      facts.push(fact(`Price of ${key}`, [capex === undefined ? '' : `${formatUsd(capex)} to buy`, rent === undefined ? '' : `${formatUsd(rent)}/h to rent`].filter((s) => s !== '').join(', ') || '—'));
    } else if (value !== undefined) {
      facts.push(fact(`Price: ${key}`, key.endsWith('_usd') || key.includes('usd') ? formatUsd(value) : formatNumber(value)));
    }
  }
  return facts;
}

const LABELS: Readonly<Record<string, string>> = { llm: 'LLM', gpus: 'GPU types', duration_s: 'Simulated arrivals (s)', rate_per_s: 'Arrival rate (conversations/s)' };

const SHOWN_ELSEWHERE = new Set(['mix', 'slo', 'seed', 'version', 'catalog_hash', 'prices', 'datacenter']);

/** Words for the other inputs producers echo (fleet, workload, llm, gpus, duration_s, plan, …), in their order. */
function buildOtherFacts(inputs: ResultInputs): Fact[] {
  return Object.keys(inputs).filter((key) => !SHOWN_ELSEWHERE.has(key)).flatMap((key) => {
    const value = inputs[key];
    const label = LABELS[key] ?? key.replace(/_/g, ' ').replace(/ s$/, ' (s)').replace(/^./, (c) => c.toUpperCase());
    if (typeof value === 'string') return [fact(label, value)];
    if (typeof value === 'number') return [fact(label, formatNumber(value))];
    if (typeof value === 'boolean') return [fact(label, value ? 'yes' : 'no')];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return [fact(label, value.join(', '))];
    const reference = describeReference(value);
    return reference ? [fact(label, reference)] : [];
  });
}

/** The inputs section; says so plainly when the result carries no inputs. */
export function buildInputsSection(inputs: ResultInputs | undefined): Section {
  if (!inputs) return section('inputs', 'Inputs as given', [factsBlock([fact('Inputs', 'not recorded in this result')])]);
  const mix = readRecord(inputs.mix);
  const slo = readRecord(inputs.slo);
  const facts = [
    fact('Mix', describeReference(inputs.mix) ?? '—'),
    fact('SLO set', describeReference(inputs.slo) ?? '—'),
    fact('Seed', readNumber(inputs.seed) === undefined ? '—' : String(inputs.seed)),
    fact('fleetplan version', readString(inputs.version) ?? 'not recorded'),
    fact('Catalog hash', readString(inputs.catalog_hash) ?? 'not recorded', 'content hash of the catalogs, coefficients, mix, SLO set and trace used'),
    ...buildOtherFacts(inputs),
    ...buildPriceFacts(inputs),
  ];
  const blocks: Block[] = [factsBlock(facts)];
  const classTable = mix ? buildClassTable(mix) : null;
  if (classTable) blocks.push(classTable);
  const sloTable = slo ? buildSloTable(slo) : null;
  if (sloTable) blocks.push(sloTable);
  blocks.push(codeBlock(JSON.stringify(inputs, null, 2)));
  return section('inputs', 'Inputs as given', blocks);
}
