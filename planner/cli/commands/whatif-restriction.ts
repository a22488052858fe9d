/**
 * The search restriction a what-if session keeps to: which weight formats (`--precisions`) and layouts (`--tp`/`--ep`)
 * every re-plan searches. It exists apart from the session flow (whatif.ts) because it is one rule with three sources
 * and one refusal: the restriction comes from the flag, else the plan's record, else the scenario's start, each checked
 * in plan's words (plan.ts's checks) at the place it came from; and a GPU type added later that has none of the formats
 * or runs none of the layouts searched is refused (refusedChange) rather than silently planned around.
 */
import { InputError, type PlanFile } from '../../../catalogs/index.js';
import type { Catalog, GpuSpec, LlmSpec, Precision } from '../../../catalogs/types.js';
import type { RestrictionField, WhatIfChange, WhatIfInputs } from '../../whatif/index.js';
import { candidateEpFlag, candidatePrecisionFlag, candidateTpFlag, checkLayoutDegrees, checkLayoutsRun, checkPrecisions, type LayoutAt } from './plan.js';

/** The whatif flags the restriction reads: its own three, and the scenario file named in messages. */
export interface RestrictionFlags {
  readonly tp?: readonly string[];
  readonly ep?: readonly string[];
  readonly precisions?: readonly string[];
  readonly script?: string;
}

/** A scenario file's start, with the lines of the fields checked here (`precisions`, `tp`, `ep`). */
export type ScriptStart = Partial<WhatIfInputs> & { readonly lines?: Readonly<Partial<Record<RestrictionField, number>>> };

/** Where a scenario start's field is, for a one-line message about its value (file, field, line). */
function scriptAt(args: RestrictionFlags, fromScript: ScriptStart, field: RestrictionField): { file: string; path: string; code: 'invalid_value'; line?: number } {
  const line = fromScript.lines?.[field];
  return { file: args.script ?? '', path: `start.${field}`, code: 'invalid_value', ...(line !== undefined ? { line } : {}) };
}

/**
 * The session's starting restriction (formats, then layouts), checked against its LLM and starting GPUs: each
 * starting GPU must run a layout searched, said where the restriction's wider degree came from.
 */
export function startRestriction(
  args: RestrictionFlags, plan: PlanFile | undefined, fromScript: ScriptStart, llm: LlmSpec, gpus: readonly GpuSpec[],
): Pick<WhatIfInputs, 'precisions' | 'tpDegrees' | 'epDegrees'> {
  const precisions = startPrecisions(args, plan, fromScript, gpus);
  const layouts = startLayouts(args, plan, fromScript, llm);
  checkLayoutsRun(llm, gpus, { ...(layouts.tpDegrees ? { tp: layouts.tpDegrees } : {}), ...(layouts.epDegrees ? { ep: layouts.epDegrees } : {}) }, (kind) => layoutSourceAt(args, plan, fromScript, kind));
  return { ...(precisions !== undefined ? { precisions } : {}), ...layouts };
}

/**
 * The layout search's restriction the session starts with, per degree kind: `--tp`/`--ep` (plan's parser and
 * messages), else what the plan recorded (plan.yaml `tp`/`ep`, plan.json `inputs.tp`/`inputs.ep`), else the scenario's
 * start; none = every layout, as `plan` without the flags. Degrees from a file are checked against the session's LLM
 * too (it may differ from the one the file was written for), in one line naming the file and field.
 */
function startLayouts(args: RestrictionFlags, plan: PlanFile | undefined, fromScript: ScriptStart, llm: LlmSpec): Pick<WhatIfInputs, 'tpDegrees' | 'epDegrees'> {
  const pick = (kind: 'tp' | 'ep'): readonly number[] | undefined => {
    const flag = kind === 'tp' ? candidateTpFlag(args, llm) : candidateEpFlag(args, llm);
    if (flag !== undefined) return flag;
    const planned = kind === 'tp' ? plan?.tpDegrees : plan?.epDegrees;
    if (plan && planned !== undefined) {
      const at = plan.layoutAt![kind];
      checkLayoutDegrees(kind, planned, llm, { file: plan.file, path: at.path, code: 'invalid_value', ...(at.line !== undefined ? { line: at.line } : {}) });
      return planned;
    }
    const scripted = kind === 'tp' ? fromScript.tpDegrees : fromScript.epDegrees;
    if (scripted !== undefined) checkLayoutDegrees(kind, scripted, llm, scriptAt(args, fromScript, kind));
    return scripted;
  };
  const tp = pick('tp');
  const ep = pick('ep');
  return { ...(tp !== undefined ? { tpDegrees: tp } : {}), ...(ep !== undefined ? { epDegrees: ep } : {}) };
}

/** Where the session's tp or ep restriction came from, for a one-line message about it: flag, plan file or scenario. */
function layoutSourceAt(args: RestrictionFlags, plan: PlanFile | undefined, fromScript: ScriptStart, kind: 'tp' | 'ep'): LayoutAt {
  if (args[kind] !== undefined) return { file: '', path: `--${kind}` };
  if (plan && (kind === 'tp' ? plan.tpDegrees : plan.epDegrees) !== undefined) {
    const at = plan.layoutAt![kind];
    return { file: plan.file, path: at.path, code: 'invalid_value', ...(at.line !== undefined ? { line: at.line } : {}) };
  }
  return scriptAt(args, fromScript, kind);
}

/**
 * The weight formats the session starts with, in tp/ep's order of precedence: `--precisions` (plan's parser and
 * messages), else what the plan recorded (plan.yaml `precisions`, plan.json `inputs.precisions`), else the scenario's
 * start; none = every format each GPU has. Formats from a file are checked against the session's starting GPUs too
 * (`--gpus` may differ from the file's), in one line naming the file, field and line.
 */
function startPrecisions(args: RestrictionFlags, plan: PlanFile | undefined, fromScript: ScriptStart, gpus: readonly GpuSpec[]): readonly Precision[] | undefined {
  const flag = candidatePrecisionFlag(args, gpus);
  if (flag !== undefined) return flag;
  if (plan && plan.precisions !== undefined) {
    const at = plan.precisionsAt!;
    return checkPrecisions(plan.precisions, gpus, { file: plan.file, path: at.path, code: 'invalid_value', ...(at.line !== undefined ? { line: at.line } : {}) });
  }
  if (fromScript.precisions !== undefined) checkPrecisions(fromScript.precisions, gpus, scriptAt(args, fromScript, 'precisions'));
  return fromScript.precisions;
}

/** The restriction as the start line says it (nothing when every format and layout is searched). */
export function layoutsNote(inputs: WhatIfInputs): string {
  const formats = inputs.precisions ? `, formats searched: ${inputs.precisions.join(',')}` : '';
  const parts = [...(inputs.tpDegrees ? [`tp ${inputs.tpDegrees.join(',')}`] : []), ...(inputs.epDegrees ? [`ep ${inputs.epDegrees.join(',')}`] : [])];
  return `${formats}${parts.length > 0 ? `, layouts searched: ${parts.join(', ')}` : ''}`;
}

/**
 * Where a change came from, for the one line refusing it: a flag (`--add-gpus`), a scenario entry (file and line),
 * or neither (a prompt in the interactive session, said as the scenario field).
 */
export interface ChangeAt {
  readonly flag?: string;
  readonly file?: string;
  readonly line?: number;
}

/**
 * A GPU type a change adds that has none of the formats searched, or runs none of the layouts searched, would get no
 * pools in every re-plan: the change is refused in plan's words (checkPrecisions, checkLayoutsRun), not silently
 * planned around. Ids the catalog lacks are left to applyWhatIf's own check. Returns the refusal (one line) or undefined.
 */
export function refusedChange(catalog: Catalog, inputs: WhatIfInputs, change: WhatIfChange, at: ChangeAt): InputError | undefined {
  if (change.kind !== 'add-gpus') return undefined;
  const restriction = { ...(inputs.tpDegrees ? { tp: inputs.tpDegrees } : {}), ...(inputs.epDegrees ? { ep: inputs.epDegrees } : {}) };
  for (const [i, id] of change.gpus.entries()) {
    const gpu = catalog.gpus.get(id);
    if (gpu === undefined || inputs.gpus.includes(id)) continue;
    const where = {
      file: at.file ?? '', path: at.flag ?? `add_gpus[${i}]`, code: at.flag !== undefined ? 'usage' as const : 'invalid_value' as const,
      leaveOutOf: at.flag ?? 'add_gpus', ...(at.line !== undefined ? { line: at.line } : {}),
    };
    try {
      if (inputs.precisions !== undefined) checkPrecisions(inputs.precisions, [gpu], where);
      checkLayoutsRun(catalog.llms.get(inputs.llm)!, [gpu], restriction, where);
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
  }
  return undefined;
}

/**
 * The scenario's undo stack during a replay, entry by entry: a refused (skipped) entry's `undo` is skipped with it
 * rather than taking back the change before it. `skips` is asked first for every step (it pops on each undo), then
 * `record` with the step's refusal.
 */
export function replayUndoTracker(): { skips: (change: WhatIfChange) => boolean; record: (change: WhatIfChange, refused: InputError | undefined) => void } {
  const undoable: boolean[] = [];
  return {
    skips: (change) => change.kind === 'undo' && undoable.pop() === false,
    record: (change, refused) => {
      if (change.kind !== 'undo') undoable.push(refused === undefined);
    },
  };
}
