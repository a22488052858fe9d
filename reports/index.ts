/**
 * reports/: one self-contained HTML file per result (plan, simulation, comparison, validation), made from the
 * result JSON alone.
 */
import { parseResultText } from './detect.js';
import { renderViewModel } from './render.js';
import { buildViewModel } from './view-model.js';

export { detectResultKind, parseResultText } from './detect.js';
export { renderChart } from './charts/index.js';
export type { ChartSpec } from './charts/index.js';
export { RESULT_FORMAT_VERSION, RESULT_KINDS } from './result-types.js';
export type { AnyResult, ComparisonResult, PlanResult, ResultKind, SimulationResult, ValidationResult } from './result-types.js';
export { renderViewModel } from './render.js';
export { buildViewModel } from './view-model.js';
export type { ReportViewModel } from './view-model-types.js';

/**
 * Renders the HTML report of a result: a parsed result document, or its JSON text. Throws an InputError when it
 * is not a result this version can read.
 *
 * @param file how the user named the result file, for error messages
 */
export function renderReport(result: unknown, file = ''): string {
  const document = typeof result === 'string' ? parseResultText(result, file) : result;
  return renderViewModel(buildViewModel(document, file));
}
