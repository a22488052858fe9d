/**
 * Lays a view model out as one self-contained HTML page with handlebars: escaping on (no `noEscape`), prototype
 * access off (the defaults of handlebars ≥ 4.6, never relaxed here), strict mode (a missing field throws instead of
 * rendering empty), and partials for the repeated parts. The only unescaped output is our own chart SVG, returned
 * by the `chart` helper as a SafeString after the chart module escaped every label in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { renderChart } from './charts/index.js';
import type { ChartSpec } from './charts/types.js';
import type { ReportViewModel } from './view-model-types.js';

const PARTIALS = ['styles', 'verdict', 'facts', 'table', 'chart', 'block'] as const;

/**
 * The templates sit next to this file when run from source, and under the package's `reports/templates` when run
 * from `dist/reports/` (package.json ships that folder).
 */
function findTemplateDirectory(): string {
  const candidates = [new URL('./templates/', import.meta.url), new URL('../../reports/templates/', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(`${path}report.hbs`)) return path;
  }
  throw new Error(`report templates not found; looked in ${candidates.map((c) => fileURLToPath(c)).join(' and ')}`);
}

let compiled: HandlebarsTemplateDelegate<ReportViewModel> | undefined;

function compileReportTemplate(): HandlebarsTemplateDelegate<ReportViewModel> {
  if (compiled) return compiled;
  const directory = findTemplateDirectory();
  const read = (name: string): string => readFileSync(`${directory}${name}.hbs`, 'utf8');
  const instance = Handlebars.create();
  const options = { strict: true, preventIndent: true } as const;
  instance.registerHelper('chart', (spec: ChartSpec) => new instance.SafeString(renderChart(spec)));
  for (const name of PARTIALS) instance.registerPartial(name, instance.compile(read(name), options));
  compiled = instance.compile<ReportViewModel>(read('report'), options);
  return compiled;
}

/** Renders a view model as the report's HTML text. */
export function renderViewModel(viewModel: ReportViewModel): string {
  return compileReportTemplate()(viewModel);
}
