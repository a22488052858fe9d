/**
 * `--to dynamo`: one NVIDIA Dynamo DynamoGraphDeployment (nvidia.com/v1alpha1) for the whole fleet: a Frontend
 * (Dynamo's OpenAI HTTP server and router) and one worker service per pool, `python3 -m dynamo.vllm` with the same
 * engine flags as the kubernetes export, `subComponentType` prefill/decode for disaggregated pools, `multinode.
 * nodeCount` for an instance that spans nodes (the GPU limit is then per node), GPU node selection and the power-cap
 * init container in `extraPodSpec` (a PodSpec plus `mainContainer`).
 *
 * Field names from ai-dynamo/dynamo deploy/operator/api/v1alpha1 (the Go types the CRD is generated from) and
 * examples/backends/vllm/deploy/disagg.yaml; pinned commits in test/fixtures/schemas/SOURCE.md.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

/** Dynamo's ExtraPodSpec: a PodSpec inline (its containers optional) plus the main container. */
type ExtraPodSpec = Partial<IPodSpec> & { mainContainer: IContainer };
import { inputError } from '../../catalogs/issues.js';
import { identityAnnotations, identityLabels } from './identity.js';
import { HF_SECRET, servingEnv } from './kubernetes.js';
import { cappedGpuTypes, powerCapInitContainer } from './power.js';
import type { DeployPool } from './pools.js';
import { engineFlags } from './vllm.js';
import type { ExportInput, ExportOptions, ManifestFile, ManifestObject } from './types.js';

export const DYNAMO_FORMAT = 'nvidia.com/v1alpha1 DynamoGraphDeployment (ai-dynamo/dynamo v1alpha1 API; image vllm-runtime:1.0.0)';
/** The CRD caps spec.services at 25 entries (+kubebuilder:validation:MaxProperties=25): the Frontend and 24 pools. */
const MAX_SERVICES = 25;

/** Dynamo service names are map keys and become Kubernetes names: PascalCase-free DNS labels. */
function serviceName(pool: DeployPool): string {
  return pool.name;
}

function workerService(pool: DeployPool, input: ExportInput, image: string, capped: ReadonlySet<string>, warnings: string[]): Record<string, unknown> {
  const mode = pool.role === 'colocated' ? [] : ['--disaggregation-mode', pool.role];
  const mainContainer: IContainer = {
    name: 'main',
    image,
    command: ['python3', '-m', 'dynamo.vllm'],
    // As examples/backends/vllm/deploy/disagg.yaml: --disaggregation-mode alone; the worker configures NIXL itself.
    args: ['--model', pool.hfRepo, ...mode, ...engineFlags(pool, warnings, { kvTransfer: false })],
    env: servingEnv(pool).filter((e) => e.name !== 'HF_TOKEN'),
  };
  const init = powerCapInitContainer(pool, capped, image, warnings);
  const extraPodSpec: ExtraPodSpec = {
    nodeSelector: { [pool.labelKey]: pool.labelValue },
    ...(init ? { initContainers: [init] } : {}),
    mainContainer,
  };
  return {
    componentType: 'worker',
    ...(pool.role !== 'colocated' ? { subComponentType: pool.role } : {}),
    replicas: pool.count,
    envFromSecret: HF_SECRET.name,
    labels: identityLabels(input.identity, pool),
    annotations: identityAnnotations(input.identity, pool),
    // Total GPUs of a multinode service = nodeCount × the GPU limit (Dynamo ResourceItem.GPU).
    resources: { requests: { gpu: String(pool.gpusPerPod) }, limits: { gpu: String(pool.gpusPerPod), ...(pool.resourceName !== 'nvidia.com/gpu' ? { gpuType: pool.resourceName } : {}) } },
    ...(pool.nodes > 1 ? { multinode: { nodeCount: pool.nodes } } : {}),
    extraPodSpec,
  };
}

export function dynamoFiles(pools: readonly DeployPool[], input: ExportInput, options: ExportOptions, image: string, warnings: string[]): ManifestFile[] {
  if (pools.length + 1 > MAX_SERVICES) {
    throw inputError('invalid_value', input.identity.planFile, 'instances', `found ${pools.length} pools, expected at most ${MAX_SERVICES - 1}: one DynamoGraphDeployment holds ${MAX_SERVICES} services (the Frontend and the workers); split the plan`);
  }
  // The operator names each service's objects `<graph>-<service>`: past 63 characters a label or Service name breaks.
  const long = pools.filter((p) => `${input.name}-${p.name}`.length > 63).map((p) => p.name);
  if (long.length > 0) warnings.push(`DynamoGraphDeployment ${input.name}: "${input.name}-<service>" exceeds 63 characters for ${long.join(', ')}; shorten the plan's name`);
  const capped = cappedGpuTypes(pools);
  const services: Record<string, unknown> = {
    Frontend: {
      componentType: 'frontend',
      replicas: 1,
      labels: identityLabels(input.identity),
      extraPodSpec: { mainContainer: { name: 'main', image, command: ['python3', '-m', 'dynamo.frontend'], args: ['--http-port', '8000'] } } satisfies ExtraPodSpec,
    },
  };
  for (const pool of pools) services[serviceName(pool)] = workerService(pool, input, image, capped, warnings);
  const dgd: ManifestObject = {
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoGraphDeployment',
    metadata: {
      name: input.name,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      labels: identityLabels(input.identity),
      annotations: identityAnnotations(input.identity),
    },
    spec: { backendFramework: 'vllm', services },
  };
  return [{
    path: `${input.name}.dynamo.yaml`,
    header: [`format: ${DYNAMO_FORMAT}`, 'needs the Dynamo platform (operator + CRDs) installed; Frontend serves the OpenAI API on port 8000'],
    documents: [dgd],
  }];
}
