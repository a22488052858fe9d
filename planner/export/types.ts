/**
 * What `fleetplan export` turns a plan into: Kubernetes objects (plain manifests, llm-d Helm values, or Dynamo
 * DynamoGraphDeployments) grouped into files, plus warnings a person must act on (a placeholder to fill in).
 */
import type { GpuSpec, InstancePool, LlmSpec } from '../../catalogs/types.js';

export type { KvDtype, Precision } from '../../catalogs/types.js';

export type ExportTarget = 'kubernetes' | 'llm-d' | 'dynamo';
export const EXPORT_TARGETS: readonly ExportTarget[] = ['kubernetes', 'llm-d', 'dynamo'];

/** A plan pool as export reads it: GPU, LLM, role, count, cap, and the layout (tp, ep, precision, kv dtype). */
export type ExportPool = InstancePool;

/** Where a plan came from, stamped on every object so the running cluster can be tied back to it. */
export interface PlanIdentity {
  /** `sha256:<hex>` of the plan file's bytes. */
  readonly planSha256: string;
  /** The plan file as the user named it (for people; not used to match). */
  readonly planFile: string;
  readonly fleetplanVersion: string;
  /** The plan's name (plan.yaml `name`), if any. */
  readonly planName?: string;
}

/** A GPU's Kubernetes scheduling facts: the extended resource its device plugin advertises and a node label. */
export interface GpuNodeFacts {
  /** e.g. `nvidia.com/gpu`, `amd.com/gpu`, `habana.ai/gaudi`. */
  readonly resourceName: string;
  /** The node label that selects this GPU type, e.g. `nvidia.com/gpu.product`. */
  readonly labelKey: string;
  /** Its value; undefined when no label is known (the export writes a placeholder and warns). */
  readonly labelValue?: string;
  readonly source: string;
}

export interface ExportOptions {
  /** Serving image for the vLLM containers (kubernetes and llm-d) or Dynamo's vLLM runtime (dynamo). */
  readonly image?: string;
  /** Kubernetes namespace written on every object (default: none, so `kubectl apply -n` decides). */
  readonly namespace?: string;
  /** Overrides by GPU id (node label value) and LLM id (Hugging Face repo), e.g. from `--mapping FILE`. */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  readonly hfModels?: Readonly<Record<string, string>>;
}

export interface ExportInput {
  readonly pools: readonly ExportPool[];
  readonly gpus: ReadonlyMap<string, GpuSpec>;
  readonly llms: ReadonlyMap<string, LlmSpec>;
  readonly identity: PlanIdentity;
  /** A base name for the objects (DNS-1123), e.g. from the plan's name or file. */
  readonly name: string;
}

/** One emitted Kubernetes object or Helm values document: plain JSON-able data. */
export type ManifestObject = Record<string, unknown>;

export interface ManifestFile {
  /** Relative path inside the output directory, e.g. `10-decode-a40-tp1.yaml`. */
  readonly path: string;
  /** Comment lines written at the top (without `# `). */
  readonly header: readonly string[];
  readonly documents: readonly ManifestObject[];
}

export interface ExportResult {
  readonly target: ExportTarget;
  readonly files: readonly ManifestFile[];
  /** Placeholders the user must fill and anything not applied automatically, one line each. */
  readonly warnings: readonly string[];
}
