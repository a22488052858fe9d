/**
 * `fleetplan predict --gpu G --llm L [--tp N] [--ep N] [--precision P] [--kv-dtype D] [--batch N] --input-tokens N
 * [--output-tokens N] [--power-cap-w N] [--json]`.
 */
import { checkLayoutFlags, InputError, inputError, loadCatalog, suggestId, type InstanceLayout, type KvDtype, type Precision } from '../../../catalogs/index.js';
import { resolve } from 'node:path';
import { predictOperatingPoint, type PredictResult } from '../../../models/index.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { nodesSpanned, resolveLayout } from '../../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../../catalogs/types.js';
import { loadCalibrationFile } from '../calibration.js';
import type { Backend } from '../../../models/serving/runs.js';

export interface PredictArgs {
  readonly gpu: string;
  readonly llm: string;
  readonly tp?: number;
  /** Expert-parallel degree (MoE LLMs). */
  readonly ep?: number;
  readonly precision?: Precision;
  readonly kvDtype?: KvDtype;
  readonly batch?: number;
  readonly inputTokens: number;
  readonly outputTokens?: number;
  /** Per-GPU power cap in watts. */
  readonly powerCapW?: number;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
  /** A serving calibration file (`--calibration`). */
  readonly calibration?: string;
  readonly backend?: Backend;
}

function requireWhole(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) throw inputError('usage', '', name, `found ${value}, expected a whole number ≥ ${min}`);
}

/** Prints one operating point. Exit 0; exit 1 when the model does not fit on that many GPUs (the reason is printed). */
export async function runPredict(args: PredictArgs, ctx: CommandContext): Promise<number> {
  requireWhole('--tp', args.tp, 1);
  requireWhole('--ep', args.ep, 1);
  requireWhole('--batch', args.batch, 1);
  requireWhole('--input-tokens', args.inputTokens, 1);
  requireWhole('--output-tokens', args.outputTokens, 1);
  if (args.powerCapW !== undefined && !(args.powerCapW > 0)) throw inputError('usage', '', '--power-cap-w', `found ${args.powerCapW}, expected a positive number of watts`);
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => (ctx.cwd === process.cwd() ? f : resolve(ctx.cwd, f))) /* as named when the cwd is the process's: messages show the user's path */ });
  const gpu = catalog.gpus.get(args.gpu);
  if (!gpu) throw inputError('unknown_reference', '', '--gpu', `found ${JSON.stringify(args.gpu)}, expected a known GPU id${suggestId(args.gpu, catalog.gpus.keys())}`);
  const llm = catalog.llms.get(args.llm);
  if (!llm) throw inputError('unknown_reference', '', '--llm', `found ${JSON.stringify(args.llm)}, expected a known LLM id${suggestId(args.llm, catalog.llms.keys())}`);
  const cap = args.powerCapW;
  if (cap !== undefined && (cap < gpu.powerCap.minWatts || cap > gpu.powerCap.maxWatts)) {
    throw inputError('usage', '', '--power-cap-w', `found ${cap}, expected ${gpu.powerCap.minWatts}–${gpu.powerCap.maxWatts} W for ${gpu.id}`);
  }
  const loaded = args.calibration !== undefined ? loadCalibrationFile(args.calibration, ctx.cwd, catalog) : undefined;
  const layout: InstanceLayout = {
    tp: args.tp ?? 1,
    ...(args.ep !== undefined ? { ep: args.ep } : {}),
    ...(args.precision !== undefined ? { precision: args.precision } : {}),
    ...(args.kvDtype !== undefined ? { kvDtype: args.kvDtype } : {}),
  };
  // Tensor parallelism splits the attention heads: a degree that does not divide them is no layout (TP 1024 printed 303 kW).
  if (llm.attentionHeads % layout.tp !== 0) throw inputError('usage', '', '--tp', `found ${layout.tp}, expected a degree that divides ${llm.id}'s ${llm.attentionHeads} attention heads`);
  const layoutIssues = checkLayoutFlags(gpu, llm, layout);
  if (layoutIssues.length > 0) throw new InputError(layoutIssues);
  const result = predictOperatingPoint(gpu, llm, layout, {
    inputTokens: args.inputTokens,
    ...(args.batch !== undefined ? { batch: args.batch } : {}),
    ...(args.outputTokens !== undefined ? { outputTokens: args.outputTokens } : {}),
  }, {
    ...(cap !== undefined ? { powerCapWatts: cap } : {}),
    ...(loaded ? { calibration: loaded.calibration } : {}),
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
  });
  if (args.json) ctx.stdout(`${JSON.stringify({ ...toJson(result), ...(loaded ? { inputs: { calibration: loaded.record } } : {}) }, null, 2)}\n`);
  else ctx.stdout((result.fits ? operatingPointLine(gpu, llm, layout, args) : '') + renderPrediction(result, ctx.stdoutIsTTY, loaded !== undefined));
  return result.fits ? EXIT_OK : EXIT_FAILS;
}

/**
 * The operating point the figures are for, as `benchmark` opens with one: the layout (tp × ep, GPUs, nodes, attention
 * data-parallel degree) and formats are otherwise only in the flags the user typed or the defaults applied to them.
 * Not in --json: its fields are DESIGN.md's contract.
 */
function operatingPointLine(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, args: PredictArgs): string {
  const l = resolveLayout(llm, layout);
  const nodes = nodesSpanned(gpu, l.gpus);
  const shape = `tp ${l.tp}${l.ep > 1 ? ` × ep ${l.ep}` : ''} (${l.gpus} GPU${l.gpus > 1 ? 's' : ''}${nodes > 1 ? ` over ${nodes} nodes` : ''}${l.attentionDp > 1 ? `, attention data-parallel ${l.attentionDp}` : ''})`;
  return `${llm.id} on ${gpu.id}: ${shape}, ${l.precision} weights, KV ${l.kvDtype}; batch ${args.batch ?? 1}, ${args.inputTokens} input / ${args.outputTokens ?? 128} output tokens\n`;
}

function toJson(r: PredictResult) {
  if (!r.fits) return { fits: false, misfit: r.misfit, reason: r.reason, kv_bytes_per_token: r.kv_bytes_per_token, kv_capacity_tokens: r.kv_capacity_tokens };
  const { fits: _fits, ...fields } = r;
  return fields;
}

/** Said under every uncalibrated prediction: how the same models fare against measured serving runs, and how to use them. */
const SERVING_NOTE = 'serving runs: these figures are not calibrated against measured serving benchmarks; --calibration builtin applies the one fitted on the staged dense vLLM/SGLang/TensorRT-LLM runs (held-out error, MoE runs included: docs/accuracy.md)';

function renderPrediction(r: PredictResult, terminal: boolean, calibrated = false): string {
  if (!r.fits) {
    // The capacity is real even when only this batch overflows it; say which of the two does not fit.
    return r.misfit === 'batch' ? `does not fit: ${r.reason}\nkv_capacity_tokens: ${r.kv_capacity_tokens}\n` : `does not fit: ${r.reason}\n`;
  }
  const ms = (s: number) => (s * 1000).toFixed(2);
  const rows: Array<[string, string]> = [
    ['prefill_s', `${r.prefill_s.toPrecision(4)} (${ms(r.prefill_s)} ms)`],
    ['decode_step_s', `${r.decode_step_s.toPrecision(4)} (${ms(r.decode_step_s)} ms)`],
    ['ttft_s', `${r.ttft_s.toPrecision(4)} (the prefill: the first token leaves with it, as in simulate)`],
    ['tpot_s', `${r.tpot_s.toPrecision(4)} (${ms(r.tpot_s)} ms)`],
    ['kv_bytes_per_token', String(r.kv_bytes_per_token)],
    ['kv_capacity_tokens', String(r.kv_capacity_tokens)],
    ['prefill_power_w', r.prefill_power_w.toFixed(0)],
    ['decode_power_w', r.decode_power_w.toFixed(0)],
  ];
  return renderTable(['field', 'value'], rows, { terminal }) + `source: ${r.source}\n` + (calibrated ? '' : `${SERVING_NOTE}\n`);
}
