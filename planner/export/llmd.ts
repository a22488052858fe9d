/**
 * `--to llm-d`: Helm values for llm-d's ModelService chart (llm-d-incubation/llm-d-modelservice), one values file
 * (one Helm release) per pool, since a release holds one decode and one prefill group of one GPU type. Every release
 * labels its pods with the same `llm-d.ai/model`, so one InferencePool (llm-d's inference scheduler / EPP, installed
 * with llm-d's `inferencepool` chart) routes across all of them, prefill → decode over NIXL (`routing.proxy`, the
 * routing sidecar on decode pods, connector nixlv2).
 *
 * Keys from the chart's values.schema.tmpl.json (vendored subset and commit in test/fixtures/schemas/SOURCE.md);
 * container keys `modelCommand: vllmServe` / `mountModelVolume` as the chart's README and guides use them.
 */
import { identityAnnotations, identityLabels } from './identity.js';
import { HF_SECRET, servingEnv } from './kubernetes.js';
import { cappedGpuTypes, powerCapInitContainer } from './power.js';
import { dnsLabel, type DeployPool } from './pools.js';
import { engineFlags } from './vllm.js';
import type { ExportInput, ExportOptions, ManifestFile, ManifestObject } from './types.js';

export const LLMD_FORMAT = 'llm-d-modelservice Helm values (values.schema.tmpl.json at llm-d-incubation/llm-d-modelservice@881dfc13)';

const ACCELERATOR_TYPE: Record<string, string> = { 'nvidia.com/gpu': 'nvidia', 'amd.com/gpu': 'amd', 'habana.ai/gaudi': 'intel-gaudi' };

/** Volume to download the checkpoint into: its weights at the published dtype plus 10 % (tokenizer, configs). */
function modelVolumeSize(pool: DeployPool): string {
  const bytes = pool.llm.parameters * pool.llm.weightDtypeBytes * 1.1;
  return `${Math.ceil(bytes / 2 ** 30)}Gi`;
}

function roleValues(pool: DeployPool, input: ExportInput, image: string, capped: ReadonlySet<string>, warnings: string[]): Record<string, unknown> {
  const init = powerCapInitContainer(pool, capped, image, warnings);
  const identity = { ...identityLabels(input.identity, pool), ...identityAnnotations(input.identity, pool) };
  const perNode = pool.dataParallel / pool.nodes;
  return {
    create: true,
    replicas: pool.count,
    parallelism: { tensor: pool.tp, data: pool.dataParallel, dataLocal: Number.isInteger(perNode) && perNode >= 1 ? perNode : 1 },
    nodeSelector: { [pool.labelKey]: pool.labelValue },
    ...(init ? { initContainers: [init] } : {}),
    containers: [{
      name: 'vllm',
      image,
      modelCommand: 'vllmServe',
      args: engineFlags(pool, warnings, { parallelSizes: false }),
      env: servingEnv(pool).filter((e) => e.name !== 'HF_TOKEN'),
      mountModelVolume: true,
    }],
    // The chart renders `<role>.annotations` on the Deployment/LWS and `<role>.podAnnotations` on its pods
    // (templates/decode-deployment.yaml); it has no free label key, so the plan's identity travels as annotations.
    annotations: identity,
    podAnnotations: identity,
  };
}

export function llmdFiles(pools: readonly DeployPool[], input: ExportInput, options: ExportOptions, image: string, warnings: string[]): ManifestFile[] {
  const capped = cappedGpuTypes(pools);
  return pools.map((pool, i) => {
    if (pool.nodes > 1) {
      warnings.push(`pool ${pool.name}: an instance spans ${pool.nodes} nodes with TP ${pool.tp}; llm-d's modelservice runs multi-node instances as data parallel over a LeaderWorkerSet — check parallelism before installing`);
    }
    const role = pool.role === 'prefill' ? 'prefill' : 'decode';
    const other = role === 'prefill' ? 'decode' : 'prefill';
    const values: ManifestObject = {
      multinode: pool.nodes > 1,
      accelerator: { type: ACCELERATOR_TYPE[pool.resourceName] ?? 'nvidia' },
      modelArtifacts: {
        uri: `hf://${pool.hfRepo}`,
        name: pool.hfRepo,
        size: modelVolumeSize(pool),
        authSecretName: HF_SECRET.name,
        labels: { 'llm-d.ai/inferenceServing': 'true', 'llm-d.ai/model': dnsLabel(pool.llm.id) },
      },
      routing: {
        servicePort: 8000,
        // The routing sidecar fetches the KV from the prefiller before decoding; colocated pools need none.
        proxy: { enabled: pool.role === 'decode', connector: 'nixlv2', targetPort: 8200 },
      },
      [role]: roleValues(pool, input, image, capped, warnings),
      [other]: { create: false },
    };
    return {
      path: `${String(i + 1).padStart(2, '0')}-${pool.name}.values.yaml`,
      header: [
        `format: ${LLMD_FORMAT}`,
        `install: helm install ${pool.name.slice(0, 53)} llm-d-modelservice/llm-d-modelservice -f ${String(i + 1).padStart(2, '0')}-${pool.name}.values.yaml`,
        `${pool.role} pool: ${pool.count} instance(s) of ${pool.hfRepo} on ${pool.gpu.id}, tp ${pool.tp}${pool.ep > 1 ? ` ep ${pool.ep}` : ''} (the plan's identity is in ${role}.annotations)`,
      ],
      documents: [values],
    };
  });
}
