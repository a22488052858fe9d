/**
 * Schema checks of exported manifests: core Kubernetes objects with kubernetes-models (the maintained validators of
 * the Kubernetes OpenAPI schemas), custom resources and Helm values with ajv against the vendored subsets in
 * test/fixtures/schemas (SOURCE.md says where each comes from). Returns one line per problem; [] means valid.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Container } from 'kubernetes-models/v1/Container';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { PodSpec } from 'kubernetes-models/v1/PodSpec';
import { PodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Service } from 'kubernetes-models/v1/Service';

const ajv = new Ajv({ allErrors: true, strict: false });
const schema = (name: string): ValidateFunction =>
  ajv.compile(JSON.parse(readFileSync(new URL(`../fixtures/schemas/${name}`, import.meta.url), 'utf8')));
const LWS = schema('lws-v1.subset.schema.json');
const DGD = schema('dynamo-dgd-v1alpha1.subset.schema.json');
const LLMD = schema('llm-d-modelservice-values.subset.schema.json');

function modelErrors(where: string, make: () => { validate(): void }): string[] {
  try {
    make().validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

function ajvErrors(where: string, validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

type Obj = Record<string, any>;

/** A Kubernetes object of a kind the export or examples emit. */
export function objectErrors(obj: Obj): string[] {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  switch (`${obj.apiVersion} ${obj.kind}`) {
    case 'apps/v1 Deployment': return modelErrors(where, () => new Deployment(obj as never));
    case 'v1 Service': return modelErrors(where, () => new Service(obj as never));
    case 'batch/v1 Job': return modelErrors(where, () => new Job(obj as never));
    case 'v1 ConfigMap': return modelErrors(where, () => new ConfigMap(obj as never));
    case 'v1 PersistentVolumeClaim': return modelErrors(where, () => new PersistentVolumeClaim(obj as never));
    case 'leaderworkerset.x-k8s.io/v1 LeaderWorkerSet': {
      const t = obj.spec?.leaderWorkerTemplate ?? {};
      return [
        ...ajvErrors(where, LWS, obj),
        ...(t.leaderTemplate ? modelErrors(`${where} leaderTemplate`, () => new PodTemplateSpec(t.leaderTemplate)) : []),
        ...modelErrors(`${where} workerTemplate`, () => new PodTemplateSpec(t.workerTemplate)),
      ];
    }
    case 'nvidia.com/v1alpha1 DynamoGraphDeployment': {
      const out = ajvErrors(where, DGD, obj);
      for (const [name, service] of Object.entries((obj.spec?.services ?? {}) as Record<string, Obj>)) {
        const { mainContainer, ...podSpec } = (service.extraPodSpec ?? {}) as Obj;
        // ExtraPodSpec is a PodSpec whose containers may be empty; the main container stands in for them here.
        out.push(...modelErrors(`${where} services.${name}.extraPodSpec`, () => new PodSpec({ ...podSpec, containers: podSpec.containers ?? [mainContainer] } as never)));
      }
      return out;
    }
    default: return [`${where}: no validator for ${obj.apiVersion} ${obj.kind}`];
  }
}

/** An llm-d-modelservice values document. */
export function llmdValuesErrors(values: Obj, where = 'values'): string[] {
  const out = ajvErrors(where, LLMD, values);
  for (const role of ['prefill', 'decode']) {
    const r = values[role] as Obj | undefined;
    for (const c of (r?.initContainers ?? []) as Obj[]) out.push(...modelErrors(`${where} ${role}.initContainers ${c.name}`, () => new Container(c as never)));
    // Chart-only keys (modelCommand, mountModelVolume) are read by the chart's templates, not passed to Kubernetes.
    for (const { modelCommand: _m, mountModelVolume: _v, ...c } of (r?.containers ?? []) as Obj[]) out.push(...modelErrors(`${where} ${role}.containers ${c.name}`, () => new Container(c as never)));
  }
  return out;
}
