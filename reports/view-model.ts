/**
 * The report's view model: a pure function of the result JSON (no clock, no files, no environment), so the same
 * result always gives the same report. Templates only lay it out.
 */
import { detectResultKind } from './detect.js';
import type { AnyResult, ComparisonResult, PlanResult, SimulationResult, ValidationResult } from './result-types.js';
import { readNumber, readString } from './view-model-blocks.js';
import { buildComparisonViewModel } from './view-model-comparison.js';
import { buildPlanViewModel } from './view-model-plan.js';
import { buildSweepPlanViewModel, isSweepDocument } from './view-model-sweep-plan.js';
import { buildSimulationViewModel, buildValidationViewModel } from './view-model-runs.js';
import type { ReportViewModel } from './view-model-types.js';

export type { ReportViewModel } from './view-model-types.js';

function describeProvenance(result: AnyResult): string {
  const inputs = result.inputs;
  const parts = [
    readString(inputs?.version) ? `fleetplan ${inputs?.version}` : 'fleetplan (version not recorded)',
    readNumber(inputs?.seed) !== undefined ? `seed ${inputs?.seed}` : null,
    readString(inputs?.catalog_hash) ? `catalogs ${inputs?.catalog_hash}` : null,
  ];
  return parts.filter((p): p is string => p !== null).join(' · ');
}

/**
 * Builds the view model of any result kind. Throws an InputError when the document is not a result this version
 * can read (see {@link detectResultKind}).
 *
 * @param file how the user named the result file, for error messages
 */
export function buildViewModel(result: unknown, file = ''): ReportViewModel {
  const kind = detectResultKind(result, file);
  const typed = result as AnyResult;
  const body =
    kind === 'plan'
      ? isSweepDocument(typed as PlanResult) ? buildSweepPlanViewModel(typed as PlanResult) : buildPlanViewModel(typed as PlanResult)
      : kind === 'simulation'
        ? buildSimulationViewModel(typed as SimulationResult)
        : kind === 'comparison'
          ? buildComparisonViewModel(typed as ComparisonResult)
          : buildValidationViewModel(typed as ValidationResult);
  return { ...body, subtitle: describeProvenance(typed), footer: `Made by fleetplan from a ${kind} result (format version ${typed.format_version}). Every figure above comes from that result file.` };
}
