/**
 * Shared reading of benchmark JSON exports (vLLM `bench serve --save-result`, aiperf, genai-perf): a parsed document,
 * field lookups by dot path that collect one issue per problem, unit-aware metric blocks, and the run context a
 * single-run file does not carry (GPU, TP, serving backend, precision), given on the command line.
 */
import { InputError, type InputIssue } from '../../catalogs/issues.js';
import { parseJsonText } from '../../catalogs/json-text.js';
import { BACKENDS, catalogLlmId, type Backend, type MeasuredRun, type RunPrecision } from '../serving/runs.js';
import type { CatalogIds } from './silicon.js';

/** What a single-run export does not say about the deployment it measured (`calibrate --gpu --tp --backend --precision`). */
export interface RunContext {
  readonly gpu?: string;
  readonly tp?: number;
  readonly backend?: string;
  readonly precision?: RunPrecision;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Collects problems with one JSON document and builds the run once everything read cleanly. */
export class JsonRunReader {
  readonly issues: InputIssue[] = [];
  private readonly doc: Json;
  constructor(text: string, readonly file: string) {
    this.doc = parseJsonText(text, file, 'one JSON object') as Json;
    if (this.doc === null || typeof this.doc !== 'object' || Array.isArray(this.doc)) {
      throw new InputError([{ code: 'schema', file, path: '', message: 'found no JSON object at the top, expected one benchmark result object' }]);
    }
  }

  /** The value at a dot path, or undefined. */
  get(path: string): Json | undefined {
    let v: Json | undefined = this.doc;
    for (const key of path.split('.')) {
      if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) return undefined;
      v = (v as Record<string, Json>)[key];
    }
    return v;
  }

  problem(path: string, message: string): undefined {
    this.issues.push({ code: 'invalid_value', file: this.file, path, message });
    return undefined;
  }

  /** A number (or numeric string, as older genai-perf writes) at the first present path; `min` is exclusive for 'positive'. */
  number(paths: readonly string[], what: 'positive' | 'whole'): number | undefined {
    const path = paths.find((p) => this.get(p) !== undefined && this.get(p) !== null);
    if (path === undefined) return this.problem(paths[0], `found nothing, expected ${what === 'whole' ? 'a whole number ≥ 1' : 'a positive number'}${paths.length > 1 ? ` (or ${paths.slice(1).join(' or ')})` : ''}`);
    const raw = this.get(path);
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) return this.problem(path, `found ${JSON.stringify(raw)}, expected a number`);
    if (value <= 0) return this.problem(path, `found ${value}, expected ${what === 'whole' ? 'a whole number ≥ 1' : 'a positive number'}`);
    return what === 'whole' ? Math.round(value) : value;
  }

  /** A latency metric block `{unit, avg}` in seconds. */
  latencySeconds(metric: string): number | undefined {
    const unit = this.get(`${metric}.unit`);
    const avg = this.number([`${metric}.avg`], 'positive');
    if (avg === undefined) return undefined;
    const factor = typeof unit === 'string' ? UNIT_SECONDS[unit.trim()] : undefined;
    if (factor === undefined) return this.problem(`${metric}.unit`, `found ${JSON.stringify(unit ?? null)}, expected one of ${Object.keys(UNIT_SECONDS).join(', ')}`);
    return avg * factor;
  }

  /** A string, or the first string of a list (tools that accept several models list them). */
  name(paths: readonly string[]): string | undefined {
    for (const p of paths) {
      const v = this.get(p);
      if (typeof v === 'string' && v !== '') return v;
      if (Array.isArray(v) && typeof v[0] === 'string' && v[0] !== '') return v[0];
    }
    return this.problem(paths[0], 'found nothing, expected the served model name (a Hugging Face id or catalog id)');
  }

  /** The run, once its fields are read; throws every collected issue at once. */
  finish(fields: RunFields, context: RunContext, ids: CatalogIds): MeasuredRun {
    const ctx = this.readContext(context, ids);
    const llm = fields.modelName === undefined ? undefined : catalogLlmId(fields.modelName, ids.hasLlm);
    if (fields.modelName !== undefined && llm === undefined) this.problem(fields.modelPath, `found ${JSON.stringify(fields.modelName)}, expected a model the catalog has (add it with --catalog FILE)`);
    if (this.issues.length > 0 || llm === undefined || ctx === undefined) throw new InputError(this.issues);
    const need = (v: number | undefined): number => v as number;
    return {
      source: this.file, line: 1, backend: ctx.backend, gpu: ctx.gpu, llm, modelName: fields.modelName as string,
      precision: ctx.precision, mode: 'agg', tp: ctx.tp,
      concurrency: need(fields.concurrency), inputTokens: need(fields.inputTokens), outputTokens: need(fields.outputTokens),
      ttftSeconds: need(fields.ttftSeconds), tpotSeconds: need(fields.tpotSeconds),
    };
  }

  private readContext(c: RunContext, ids: CatalogIds): { gpu: string; tp: number; backend: Backend; precision: RunPrecision } | undefined {
    const before = this.issues.length;
    const flag = (path: string, message: string) => this.issues.push({ code: 'usage', file: '', path, message: `${message} (${this.file} does not say)` });
    if (c.gpu === undefined) flag('--gpu', 'found nothing, expected the GPU catalog id the run used');
    else if (!ids.hasGpu(c.gpu)) flag('--gpu', `found ${JSON.stringify(c.gpu)}, expected a GPU id the catalog has`);
    if (c.tp === undefined) flag('--tp', 'found nothing, expected the tensor-parallel degree the run used');
    if (c.backend === undefined) flag('--backend', `found nothing, expected the serving engine: ${BACKENDS.join(', ')}`);
    else if (!(BACKENDS as readonly string[]).includes(c.backend)) flag('--backend', `found ${JSON.stringify(c.backend)}, expected one of ${BACKENDS.join(', ')}`);
    if (this.issues.length > before) return undefined;
    return { gpu: c.gpu as string, tp: c.tp as number, backend: c.backend as Backend, precision: c.precision ?? 'bf16' };
  }
}

export interface RunFields {
  readonly modelName?: string;
  /** Where the model name was read, for the message when the catalog lacks it. */
  readonly modelPath: string;
  readonly concurrency?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly ttftSeconds?: number;
  readonly tpotSeconds?: number;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1 };
