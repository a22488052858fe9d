/**
 * `--to kubernetes`: plain manifests, one file per pool. A pool whose instance fits one node is a Deployment
 * (replicas = instances); one that spans nodes is a LeaderWorkerSet (leaderworkerset.x-k8s.io/v1, kubernetes-sigs/lws)
 * whose group is one instance: the leader runs `vllm serve` over a Ray cluster the workers join. Each pool gets a
 * ClusterIP Service on the engine port. Routing prefill → decode (the P/D proxy) is not a Kubernetes object: llm-d's
 * or Dynamo's router does it (see `--to llm-d` / `--to dynamo`), or vLLM's disaggregated proxy in front of the
 * Services.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { identityAnnotations, identityLabels, LABEL_PREFIX } from './identity.js';
import { cappedGpuTypes, powerCapInitContainer } from './power.js';
import type { DeployPool } from './pools.js';
import { VLLM_PORT, vllmServeArgs } from './vllm.js';
import type { ExportInput, ExportOptions, ManifestFile, ManifestObject } from './types.js';

/** The Hugging Face token secret every serving pod reads (optional: public models need none); Dynamo's envFromSecret
 * exposes its keys as variables, hence the key HF_TOKEN. */
export const HF_SECRET = { name: 'hf-token', key: 'HF_TOKEN' };
const RAY_PORT = 6379;

function meta(name: string, input: ExportInput, options: ExportOptions, pool?: DeployPool) {
  return {
    name,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    labels: identityLabels(input.identity, pool),
    annotations: identityAnnotations(input.identity, pool),
  };
}

export function servingEnv(pool: DeployPool): IEnvVar[] {
  return [
    { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: HF_SECRET.name, key: HF_SECRET.key, optional: true } } },
    // NIXL's side channel must advertise an address the peer pool can reach (vLLM NixlConnector docs).
    ...(pool.role !== 'colocated' ? [{ name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] : []),
  ];
}

export function gpuResources(pool: DeployPool) {
  const gpus = String(pool.gpusPerPod);
  return { limits: { [pool.resourceName]: gpus }, requests: { [pool.resourceName]: gpus } };
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The serving container: `vllm serve` directly, or (multi-node leader) after starting Ray and waiting for the group. */
function servingContainer(pool: DeployPool, image: string, warnings: string[], leader: boolean): IContainer {
  const args = vllmServeArgs(pool, warnings);
  const base: IContainer = {
    name: 'vllm',
    image,
    env: servingEnv(pool),
    ports: [{ name: 'http', containerPort: VLLM_PORT }],
    resources: gpuResources(pool),
    readinessProbe: { httpGet: { path: '/health', port: VLLM_PORT }, periodSeconds: 10, failureThreshold: 3 },
    startupProbe: { httpGet: { path: '/health', port: VLLM_PORT }, periodSeconds: 10, failureThreshold: 180 },
    volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
  };
  if (!leader) return { ...base, command: ['vllm', 'serve'], args };
  const waitForGroup = `until python3 -c "import ray,sys; ray.init(address='auto',logging_level='ERROR'); sys.exit(0 if sum(n['Alive'] for n in ray.nodes()) >= int('$LWS_GROUP_SIZE') else 1)"; do sleep 5; done`;
  const script = [`ray start --head --port=${RAY_PORT}`, waitForGroup, `exec vllm serve ${args.map(shellQuote).join(' ')}`].join('\n');
  return { ...base, command: ['/bin/bash', '-c'], args: [script] };
}

function workerContainer(pool: DeployPool, image: string): IContainer {
  return {
    name: 'ray-worker',
    image,
    command: ['/bin/bash', '-c'],
    args: [`ray start --address=$LWS_LEADER_ADDRESS:${RAY_PORT} --block`],
    env: servingEnv(pool),
    resources: gpuResources(pool),
    volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
  };
}

function podSpec(pool: DeployPool, container: IContainer, init: IContainer | undefined): IPodSpec {
  return {
    nodeSelector: { [pool.labelKey]: pool.labelValue },
    ...(init ? { initContainers: [init] } : {}),
    containers: [container],
    volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory' } }],
  };
}

function podTemplate(labels: Record<string, string>, spec: IPodSpec): IPodTemplateSpec {
  return { metadata: { labels }, spec };
}

function poolObjects(pool: DeployPool, input: ExportInput, options: ExportOptions, image: string, capped: ReadonlySet<string>, warnings: string[]): ManifestObject[] {
  const selector = { [`${LABEL_PREFIX}/pool`]: pool.name };
  const podLabels = { ...identityLabels(input.identity, pool) };
  const init = powerCapInitContainer(pool, capped, image, warnings);
  const service: IService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(pool.name, input, options, pool),
    spec: {
      type: 'ClusterIP',
      selector: pool.nodes > 1 ? { ...selector, [`${LABEL_PREFIX}/lws-role`]: 'leader' } : selector,
      ports: [{ name: 'http', port: VLLM_PORT, targetPort: VLLM_PORT, protocol: 'TCP' }],
    },
  };
  if (pool.nodes === 1) {
    const deployment: IDeployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(pool.name, input, options, pool),
      spec: {
        replicas: pool.count,
        selector: { matchLabels: selector },
        template: podTemplate(podLabels, podSpec(pool, servingContainer(pool, image, warnings, false), init)),
      },
    };
    return [deployment as unknown as ManifestObject, service as unknown as ManifestObject];
  }
  // Field names: kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go (see test/fixtures/schemas/SOURCE.md).
  const lws = {
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: meta(pool.name, input, options, pool),
    spec: {
      replicas: pool.count,
      startupPolicy: 'LeaderCreated',
      leaderWorkerTemplate: {
        size: pool.nodes,
        restartPolicy: 'RecreateGroupOnPodRestart',
        leaderTemplate: podTemplate({ ...podLabels, [`${LABEL_PREFIX}/lws-role`]: 'leader' }, podSpec(pool, servingContainer(pool, image, warnings, true), init)),
        workerTemplate: podTemplate({ ...podLabels, [`${LABEL_PREFIX}/lws-role`]: 'worker' }, podSpec(pool, workerContainer(pool, image), init)),
      },
    },
  };
  return [lws, service as unknown as ManifestObject];
}

export function kubernetesFiles(pools: readonly DeployPool[], input: ExportInput, options: ExportOptions, image: string, warnings: string[]): ManifestFile[] {
  const capped = cappedGpuTypes(pools);
  return pools.map((pool, i) => ({
    path: `${String(i + 1).padStart(2, '0')}-${pool.name}.yaml`,
    header: [
      `${pool.role} pool: ${pool.count} instance(s) of ${pool.hfRepo} on ${pool.gpu.id}, tp ${pool.tp}${pool.ep > 1 ? ` ep ${pool.ep}` : ''}, ${pool.gpus} GPU(s) per instance on ${pool.nodes} node(s)`,
      pool.nodes > 1 ? 'needs the LeaderWorkerSet controller (kubernetes-sigs/lws) installed' : 'plain Deployment + Service',
    ],
    documents: poolObjects(pool, input, options, image, capped, warnings),
  }));
}
