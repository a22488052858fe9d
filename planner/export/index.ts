/**
 * planner/export: a loaded plan → the manifests a platform team applies (pure: no I/O, no clock). The CLI shell
 * (planner/cli/commands/export.ts) reads the plan and writes the files.
 */
import { stringify } from 'yaml';
import { inputError } from '../../catalogs/issues.js';
import { dynamoFiles } from './dynamo.js';
import { kubernetesFiles } from './kubernetes.js';
import { llmdFiles } from './llmd.js';
import { deployPools } from './pools.js';
import { DEFAULT_DYNAMO_IMAGE, DEFAULT_VLLM_IMAGE } from './vllm.js';
import type { ExportInput, ExportOptions, ExportResult, ExportTarget, ManifestFile } from './types.js';

export type * from './types.js';
export { EXPORT_TARGETS } from './types.js';
export { dnsLabel } from './pools.js';
export { GPU_NODE_FACTS, HF_MODELS, LABEL_PLACEHOLDER, MODEL_PLACEHOLDER } from './mappings.js';
export { DEFAULT_DYNAMO_IMAGE, DEFAULT_VLLM_IMAGE } from './vllm.js';
export { DYNAMO_FORMAT } from './dynamo.js';
export { LLMD_FORMAT } from './llmd.js';

/** The plan as manifests for one target; warnings list every placeholder and anything not applied. */
export function exportPlan(input: ExportInput, target: ExportTarget, options: ExportOptions = {}): ExportResult {
  const warnings: string[] = [];
  const pools = deployPools(input, options, warnings);
  if (pools.length === 0) throw inputError('invalid_value', input.identity.planFile, 'instances', 'found no pool with count > 0, expected at least one instance to deploy');
  const foreign = [...new Set(pools.filter((p) => p.resourceName !== 'nvidia.com/gpu').map((p) => p.gpu.id))];
  if (foreign.length > 0 && options.image === undefined) {
    warnings.push(`the default image is a CUDA build; ${foreign.join(', ')} need the vendor's vLLM build: pass --image (e.g. a ROCm image for AMD GPUs)`);
  }
  let files: ManifestFile[];
  if (target === 'kubernetes') files = kubernetesFiles(pools, input, options, options.image ?? DEFAULT_VLLM_IMAGE, warnings);
  else if (target === 'llm-d') files = llmdFiles(pools, input, options, options.image ?? DEFAULT_VLLM_IMAGE, warnings);
  else files = dynamoFiles(pools, input, options, options.image ?? DEFAULT_DYNAMO_IMAGE, warnings);
  return { target, files, warnings: [...new Set(warnings)] };
}

/** A file's text: its header as comments, then its documents as YAML separated by `---` (stable key order as built). */
export function renderManifestFile(file: ManifestFile, identityLines: readonly string[]): string {
  const header = [...identityLines, ...file.header].map((l) => `# ${l}`).join('\n');
  const docs = file.documents.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd());
  return `${header}\n${docs.map((d, i) => (i === 0 ? d : `---\n${d}`)).join('\n')}\n`;
}
