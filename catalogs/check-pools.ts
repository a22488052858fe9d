/**
 * Rules on a fleet's or plan's pool dimensions (precision, KV dtype, tp × ep layout), one issue per broken rule with
 * the field's path and line. `checkPoolLayouts` needs only the file; `checkPoolsAgainstCatalog` needs the GPU's
 * formats and the LLM's experts.
 */
import type { InputIssue } from './issues.js';
import type { ParsedDocument } from './parse-document.js';
import { gpuPrecisions, layoutProblem, scaleUpProblem, unsupportedPrecisionMessage, widerDegree } from './precision.js';
import type { Catalog, GpuSpec, InstanceLayout, LlmSpec } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the input has passed its JSON Schema */
type Raw = any;

function issueAt(doc: ParsedDocument, segments: Array<string | number>, path: string, message: string): InputIssue {
  const line = doc.lineOf(segments);
  return { code: 'invalid_value', file: doc.file, path, message, ...(line !== undefined ? { line } : {}) };
}

/** tp and ep must nest: the smaller divides the larger (an instance is max(tp, ep) GPUs). */
export function checkPoolLayouts(raw: Raw, doc: ParsedDocument): InputIssue[] {
  const out: InputIssue[] = [];
  (Array.isArray(raw?.instances) ? raw.instances : []).forEach((pool: Raw, i: number) => {
    const tp = pool?.tp;
    const ep = pool?.ep;
    if (typeof tp !== 'number' || typeof ep !== 'number' || Math.max(tp, ep) % Math.min(tp, ep) === 0) return;
    out.push(issueAt(doc, ['instances', i, 'ep'], `instances[${i}].ep`,
      `found ep ${ep} with tp ${tp}, expected an ep that divides tp or that tp divides (an instance is max(tp, ep) GPUs)`));
  });
  return out;
}

/**
 * The same rules for a layout given on the command line (`--tp`, `--ep`, `--precision`): issues with the flag as
 * their path, for commands that take one instance (predict, benchmark).
 */
export function checkLayoutFlags(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout): InputIssue[] {
  const out: InputIssue[] = [];
  const flag = (path: string, message: string): InputIssue => ({ code: 'usage', file: '', path, message });
  if (layout.precision !== undefined && !gpuPrecisions(gpu).includes(layout.precision)) out.push(flag('--precision', unsupportedPrecisionMessage(gpu, layout.precision)));
  const ep = layout.ep ?? 1;
  if (ep !== 1 && !llm.moe) out.push(flag('--ep', `found ${ep}, expected 1: ${llm.id} is a dense LLM (no experts to spread)`));
  else if (llm.moe && llm.moe.experts % ep !== 0) out.push(flag('--ep', `found ${ep}, expected a divisor of ${llm.id}'s ${llm.moe.experts} experts`));
  else if (layoutProblem(layout.tp, ep)) out.push(flag('--ep', `found ep ${ep} with tp ${layout.tp}, expected an ep that divides tp or that tp divides (an instance is max(tp, ep) GPUs)`));
  const span = scaleUpProblem(gpu, layout.tp, ep);
  if (span !== undefined && out.length === 0) out.push(flag(`--${widerDegree(layout.tp, ep)}`, span));
  return out;
}

/** Formats the GPU lacks, a layout past the domain of a GPU with no inter-node link, ep on a dense LLM, ep that does not divide the experts. */
export function checkPoolsAgainstCatalog(raw: Raw, doc: ParsedDocument, catalog: Catalog): InputIssue[] {
  const out: InputIssue[] = [];
  raw.instances.forEach((pool: Raw, i: number) => {
    const gpu = catalog.gpus.get(pool.gpu);
    if (gpu && pool.precision !== undefined && !gpuPrecisions(gpu).includes(pool.precision)) {
      out.push(issueAt(doc, ['instances', i, 'precision'], `instances[${i}].precision`, unsupportedPrecisionMessage(gpu, pool.precision)));
    }
    const span = gpu && typeof pool.tp === 'number' ? scaleUpProblem(gpu, pool.tp, pool.ep ?? 1) : undefined;
    if (span !== undefined) {
      const field = widerDegree(pool.tp, pool.ep ?? 1);
      out.push(issueAt(doc, ['instances', i, field], `instances[${i}].${field}`, span));
    }
    const llm = catalog.llms.get(pool.llm ?? raw.llm);
    if (!llm || pool.ep === undefined || pool.ep === 1) return;
    if (!llm.moe) {
      out.push(issueAt(doc, ['instances', i, 'ep'], `instances[${i}].ep`, `found ${pool.ep}, expected 1 or no ep: ${llm.id} is a dense LLM (no experts to spread)`));
    } else if (llm.moe.experts % pool.ep !== 0) {
      out.push(issueAt(doc, ['instances', i, 'ep'], `instances[${i}].ep`, `found ${pool.ep}, expected a divisor of ${llm.id}'s ${llm.moe.experts} experts`));
    }
  });
  return out;
}
