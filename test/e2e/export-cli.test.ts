/**
 * `fleetplan export`: every object it writes validates against the Kubernetes API schemas (kubernetes-models) and the
 * CRD / Helm-values schemas vendored in test/fixtures/schemas; golden files pin the paper fleet and the README's
 * heterogeneous, power-capped plan; reruns are byte-identical; bad input exits 2 with one line per problem and
 * writes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { exportPlan } from '../../planner/export/index.js';
import { llmdValuesErrors, objectErrors } from '../helpers/manifest-schemas.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const PLANS = {
  paper: 'examples/plans/paper-a40.plan.yaml',
  readme: 'examples/plans/coding-agent-h100-h200.plan.yaml',
  readmeJson: 'test/fixtures/export/coding-agent-h100-h200.plan.json',
  edge: 'test/fixtures/export/multinode-amd.plan.yaml',
  formats: 'test/fixtures/export/precision.plan.yaml',
  ciPassing: 'examples/ci/plans/passing.yaml',
  ciFailing: 'examples/ci/plans/failing.yaml',
} as const;
const TARGETS = ['kubernetes', 'llm-d', 'dynamo'] as const;

type Obj = Record<string, any>;
const scratch = scratchDir('fleetplan-export-');
let counter = 0;

async function exportTo(plan: string, target: string, extra: string[] = []) {
  const out = join(scratch, `out-${counter++}`);
  const run = await runCli(['export', plan, '--to', target, '--out', out, ...extra], { cwd: repoRoot });
  const files = run.code === 0 ? readdirSync(out).filter((f) => !f.startsWith('.')).sort() : [];
  const texts = Object.fromEntries(files.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  const docs = Object.values(texts).flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as Obj));
  return { run, out, files, texts, docs };
}

function errorsOf(target: string, docs: readonly Obj[]): string[] {
  return docs.flatMap((d, i) => (target === 'llm-d' ? llmdValuesErrors(d, `values[${i}]`) : objectErrors(d)));
}

describe('every exported object validates against its schema', () => {
  for (const [label, plan] of Object.entries(PLANS)) {
    for (const target of TARGETS) {
      it(`${label} → ${target}`, async () => {
        const { run, docs } = await exportTo(plan, target);
        expect(run.code, run.stderr).toBe(0);
        expect(docs.length).toBeGreaterThan(0);
        expect(errorsOf(target, docs)).toEqual([]);
      });
    }
  }

  it('the validators reject a misspelt or mistyped field (they are not vacuous)', async () => {
    const k8s = (await exportTo(PLANS.edge, 'kubernetes')).docs;
    const deployment = structuredClone(k8s.find((d) => d.kind === 'Deployment')!);
    deployment.spec.replicas = 'three';
    expect(objectErrors(deployment).length).toBeGreaterThan(0);
    const lws = structuredClone(k8s.find((d) => d.kind === 'LeaderWorkerSet')!);
    lws.spec.leaderWorkerTemplate.szie = 2;
    expect(objectErrors(lws).join('\n')).toMatch(/szie/);
    const dgd = structuredClone((await exportTo(PLANS.readme, 'dynamo')).docs[0]);
    const worker = Object.keys(dgd.spec.services).find((k) => k !== 'Frontend')!;
    dgd.spec.services[worker].replica = 1;
    expect(objectErrors(dgd).join('\n')).toMatch(/replica/);
    const values = structuredClone((await exportTo(PLANS.readme, 'llm-d')).docs[0]);
    values.modelArtifacts.url = 'hf://x/y';
    expect(llmdValuesErrors(values).join('\n')).toMatch(/url/);
  });
});

describe('golden files', () => {
  const cases: Array<[string, string, string]> = [
    ...TARGETS.map((t) => ['paper-a40', PLANS.paper, t] as [string, string, string]),
    ...TARGETS.map((t) => ['coding-agent-h100-h200', PLANS.readme, t] as [string, string, string]),
    ['edge-cases', PLANS.edge, 'kubernetes'],
  ];
  for (const [name, plan, target] of cases) {
    it(`${name} → ${target}`, async () => {
      const { run, texts } = await exportTo(plan, target);
      expect(run.code, run.stderr).toBe(0);
      const golden = join(repoRoot, 'test', 'golden', 'export', name, target);
      for (const [file, text] of Object.entries(texts)) await expect(text).toMatchFileSnapshot(join(golden, file));
      // No stale golden file left behind by a renamed output.
      expect(readdirSync(golden).sort()).toEqual(Object.keys(texts).sort());
    });
  }
});

describe('what the manifests say', () => {
  let paper: Obj[];
  let readme: Obj[];
  let edge: Awaited<ReturnType<typeof exportTo>>;
  beforeAll(async () => {
    paper = (await exportTo(PLANS.paper, 'kubernetes')).docs;
    readme = (await exportTo(PLANS.readme, 'kubernetes')).docs;
    edge = await exportTo(PLANS.edge, 'kubernetes');
  });
  const container = (d: Obj) => d.spec.template.spec.containers[0];
  const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

  it('paper fleet: one prefill and three decode A40 replicas, NIXL roles, the kernel\'s engine limits', () => {
    const [prefill, decode] = paper.filter((d) => d.kind === 'Deployment');
    expect([prefill.spec.replicas, decode.spec.replicas]).toEqual([1, 3]);
    expect(decode.spec.template.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A40' });
    expect(container(decode).resources.limits).toEqual({ 'nvidia.com/gpu': '1' });
    expect(JSON.parse(argAfter(container(prefill).args, '--kv-transfer-config')).kv_role).toBe('kv_producer');
    expect(JSON.parse(argAfter(container(decode).args, '--kv-transfer-config'))).toMatchObject({ kv_connector: 'NixlConnector', kv_role: 'kv_consumer' });
    expect([argAfter(container(decode).args, '--max-num-seqs'), argAfter(container(decode).args, '--max-num-batched-tokens')]).toEqual(['256', '2048']);
    expect([argAfter(container(prefill).args, '--max-num-seqs'), argAfter(container(prefill).args, '--max-num-batched-tokens')]).toEqual(['64', '16384']);
    expect(container(decode).args[0]).toBe('Qwen/Qwen3-0.6B');
    expect(decode.spec.template.spec.initContainers).toBeUndefined();
  });

  it('README plan: 490 W caps on the decode pods, TDP set back on the uncapped H100 prefillers, FP8 as planned, plan identity on every object', () => {
    const deployments = readme.filter((d) => d.kind === 'Deployment');
    const byName = Object.fromEntries(deployments.map((d) => [d.metadata.name, d]));
    expect(Object.keys(byName).sort()).toEqual(['decode-h100-sxm-tp8-fp8-490w', 'decode-h200-tp4-fp8-490w', 'prefill-h100-sxm-tp1-fp8']);
    const cap = (name: string) => byName[name].spec.template.spec.initContainers[0];
    expect(cap('decode-h200-tp4-fp8-490w').command).toEqual(['nvidia-smi', '-pl', '490']);
    expect(cap('decode-h200-tp4-fp8-490w').resources.limits).toEqual({ 'nvidia.com/gpu': '4' });
    expect(cap('decode-h100-sxm-tp8-fp8-490w').command).toEqual(['nvidia-smi', '-pl', '490']);
    // An H100 pool is capped, so the uncapped H100 prefillers set their GPUs back to TDP (a cap outlives its pod).
    expect(cap('prefill-h100-sxm-tp1-fp8').command).toEqual(['nvidia-smi', '-pl', '700']);
    const args = (name: string) => container(byName[name]).args as string[];
    expect(argAfter(args('decode-h200-tp4-fp8-490w'), '--tensor-parallel-size')).toBe('4');
    expect(argAfter(args('decode-h100-sxm-tp8-fp8-490w'), '--tensor-parallel-size')).toBe('8');
    expect(argAfter(args('prefill-h100-sxm-tp1-fp8'), '--quantization')).toBe('fp8');
    expect(args('prefill-h100-sxm-tp1-fp8')).not.toContain('--kv-cache-dtype');
    for (const d of readme) expect(d.metadata.annotations['fleetplan.dev/plan-sha256']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(readme.map((d) => d.metadata.labels['fleetplan.dev/plan-hash'])).size).toBe(1);
  });

  it('edge cases: an instance across nodes is a LeaderWorkerSet; an unknown node label is a placeholder with a warning; uncapped pools of a capped GPU type reset to TDP', () => {
    const lws = edge.docs.find((d) => d.kind === 'LeaderWorkerSet')!;
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    expect(lws.spec.replicas).toBe(2);
    expect(lws.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': '8' });
    const amd = edge.docs.find((d) => d.kind === 'Deployment' && d.metadata.labels['fleetplan.dev/gpu'] === 'mi300x')!;
    // The AMD node labeller's PCI device id label (planner/export/mappings.ts cites it): no placeholder, no warning.
    expect(amd.spec.template.spec.nodeSelector).toEqual({ 'amd.com/gpu.device-id': '74a1' });
    expect(container(amd).resources.limits).toEqual({ 'amd.com/gpu': '8' });
    const gaudi = edge.docs.find((d) => d.kind === 'Deployment' && d.metadata.labels['fleetplan.dev/gpu'] === 'gaudi3')!;
    expect(Object.values(gaudi.spec.template.spec.nodeSelector)).toEqual(['FILL-ME-node-label-value']);
    expect(container(gaudi).resources.limits).toEqual({ 'habana.ai/gaudi': '8' });
    expect(edge.run.stderr).toMatch(/warning: GPU type "gaudi3" has no known node label/);
    expect(edge.run.stderr).not.toMatch(/GPU type "mi300x"/);
    expect(edge.run.stderr).toMatch(/warning: the default image is a CUDA build; .*mi300x/);
    expect(edge.run.stderr.trim().split('\n')).toHaveLength(2);
    const l40s = edge.docs.filter((d) => d.kind === 'Deployment' && d.metadata.labels['fleetplan.dev/gpu'] === 'l40s');
    expect(l40s.map((d) => d.spec.template.spec.initContainers[0].command[2]).sort()).toEqual(['250', '350']);
  });

  it('a mapping file fills the label, --image and --namespace apply to every object: no placeholder, no warning', async () => {
    const mapping = join(scratch, 'mapping.yaml');
    // A virtual machine's MI300X (SR-IOV virtual function) reports PCI device id 74b5, not 74a1.
    writeFileSync(mapping, 'node_labels:\n  mi300x: 74b5\n  gaudi3: Intel-Gaudi-3\n');
    const run = await exportTo(PLANS.edge, 'kubernetes', ['--mapping', mapping, '--image', 'rocm/vllm:latest', '--namespace', 'serving']);
    expect(run.run.stderr).toBe('');
    expect(Object.values(run.texts).join('')).not.toMatch(/FILL-ME/);
    expect(run.docs.find((d) => d.metadata.labels['fleetplan.dev/gpu'] === 'mi300x')!.spec.template.spec.nodeSelector).toEqual({ 'amd.com/gpu.device-id': '74b5' });
    expect(run.docs.every((d) => d.metadata.namespace === 'serving')).toBe(true);
    expect(run.docs.every((d) => JSON.stringify(d).includes('rocm/vllm:latest') || d.kind === 'Service')).toBe(true);
  });

  it('a plan\'s precision and kv_dtype become vLLM flags; FP4 from a BF16 checkpoint is a warning naming the pool', async () => {
    const formats = await exportTo(PLANS.formats, 'kubernetes');
    expect(formats.run.code).toBe(0);
    const [prefill, decode] = formats.docs.filter((d) => d.kind === 'Deployment');
    expect(decode.metadata.name).toBe('decode-h200-tp4-fp8');
    expect(container(decode).args).toEqual(expect.arrayContaining(['--quantization', 'fp8', '--kv-cache-dtype', 'fp8']));
    expect(container(prefill).args).not.toContain('--quantization');
    expect(formats.run.stderr).toMatch(/pool prefill-b200-tp2-fp4: FP4 needs an NVFP4-quantised checkpoint of llama-3\.1-70b/);
  });

  it('precision, KV dtype and expert parallelism become vLLM flags (the precision branch\'s pool fields)', () => {
    const catalog = loadBuiltinCatalog();
    const identity = { planSha256: 'sha256:00', planFile: 'p.yaml', fleetplanVersion: '0' };
    const pools = [{ gpu: 'h200', llm: 'llama-3.1-70b', tp: 1, ep: 8, role: 'decode' as const, count: 2, precision: 'fp8' as const, kvDtype: 'fp8' as const }];
    const result = exportPlan({ pools, gpus: catalog.gpus, llms: catalog.llms, identity, name: 'p' }, 'kubernetes');
    const args = (result.files[0].documents[0] as Obj).spec.template.spec.containers[0].args as string[];
    expect(args).toEqual(expect.arrayContaining(['--enable-expert-parallel', '--quantization', 'fp8', '--kv-cache-dtype', 'fp8']));
    expect(argAfter(args, '--data-parallel-size')).toBe('8');
    expect(argAfter(args, '--tensor-parallel-size')).toBe('1');
  });
});

describe('reruns, plan.json, and bad input', () => {
  it('a rerun into the same directory is byte-identical; plan.json exports the same manifests as plan.yaml', async () => {
    const out = join(scratch, 'rerun');
    const first = await runCli(['export', PLANS.readme, '--to', 'dynamo', '--out', out], { cwd: repoRoot });
    const before = readFileSync(join(out, readdirSync(out).find((f) => f.endsWith('.yaml'))!), 'utf8');
    const second = await runCli(['export', PLANS.readme, '--to', 'dynamo', '--out', out], { cwd: repoRoot });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(readFileSync(join(out, readdirSync(out).find((f) => f.endsWith('.yaml'))!), 'utf8')).toBe(before);
    const strip = (t: string) => t.replace(/sha256:[0-9a-f]{64}/g, 'SHA').replace(/plan-hash: [0-9a-f]{16}/g, 'HASH').replace(/\S+\.plan\.(yaml|json)/g, 'PLAN');
    const yamlK8s = await exportTo(PLANS.readme, 'kubernetes');
    const jsonK8s = await exportTo(PLANS.readmeJson, 'kubernetes');
    expect(jsonK8s.files).toEqual(yamlK8s.files);
    expect(Object.values(jsonK8s.texts).map(strip)).toEqual(Object.values(yamlK8s.texts).map(strip));
  });

  it('a plan that does not validate: exit 2, one line per problem with file and field, nothing written', async () => {
    const bad = join(scratch, 'bad.plan.yaml');
    writeFileSync(bad, 'kind: plan\nformat_version: 1\nmix: coding-agent\nslo: standard\nllm: llama-3.1-70b\ninstances:\n  - {gpu: h100-sxmm, tp: 2, role: decode, count: 1}\n  - {gpu: a40, tp: 3, role: decode, count: -1}\n');
    const out = join(scratch, 'never');
    const run = await runCli(['export', bad, '--to', 'kubernetes', '--out', out], { cwd: repoRoot });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toMatch(/instances\[1\]\.tp/);
    expect(run.stderr).toMatch(/instances\[1\]\.count/);
    for (const line of lines) expect(line).toMatch(/^fleetplan: .*bad\.plan\.yaml/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(scratch).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('an unknown --to, an --out that is a file, an --out directory export did not write: exit 2, nothing touched', async () => {
    const unknown = await runCli(['export', PLANS.paper, '--to', 'openshift'], { cwd: repoRoot });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/openshift/);
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'keep me');
    const onFile = await runCli(['export', PLANS.paper, '--to', 'kubernetes', '--out', file], { cwd: repoRoot });
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/--out: found a file/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const foreign = join(scratch, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const onForeign = await runCli(['export', PLANS.paper, '--to', 'kubernetes', '--out', foreign], { cwd: repoRoot });
    expect(onForeign.code).toBe(2);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });

  it('a plan that recorded a failed check still exports, with a warning saying so', async () => {
    const plan = join(scratch, 'misses.plan.yaml');
    writeFileSync(plan, 'kind: plan\nformat_version: 1\nmix: coding-agent\nslo: standard\nllm: llama-3.1-8b\ninstances:\n  - {gpu: l4, tp: 1, role: colocated, count: 1}\nsummary: {holds: false}\n');
    const run = await runCli(['export', plan, '--to', 'kubernetes'], { cwd: repoRoot });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/did not hold its SLOs in the simulator check/);
    expect(run.stdout).toMatch(/kind: Deployment/);
  });

  it('a bad mapping file: exit 2 naming the file, line and key', async () => {
    const mapping = join(scratch, 'bad-mapping.yaml');
    writeFileSync(mapping, 'node_labels:\n  mi300x: "has spaces"\nhf_model: {}\n');
    const run = await runCli(['export', PLANS.edge, '--to', 'kubernetes', '--mapping', mapping], { cwd: repoRoot });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad-mapping\.yaml:2.*node_labels\.mi300x/);
    expect(run.stderr).toMatch(/hf_model.*expected node_labels or hf_models/);
  });
});
