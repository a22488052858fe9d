/**
 * examples/ci: the GitHub Actions job's validate command, run inside the suite on the committed plans: green (exit 0)
 * on the passing plan, red (exit 1, naming the SLO and by how much) on the failing one; the JUnit XML parses; the
 * GitLab job runs the same command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const ci = join(repoRoot, 'examples', 'ci');
const github = parse(readFileSync(join(ci, 'github', 'workflows', 'fleetplan-validate.yml'), 'utf8'));
const gitlab = parse(readFileSync(join(ci, 'gitlab', '.gitlab-ci.yml'), 'utf8'));
const steps: Array<{ run?: string }> = github.jobs.validate.steps;
const command = steps.map((s) => s.run ?? '').find((r) => r.includes('fleetplan validate'))!;

/** Shell words of a one-line command, with "$PLAN" expanded (the only variable the jobs use). */
function words(line: string, env: Record<string, string>): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]!).replace(/\$(\w+)/g, (_, v: string) => env[v] ?? ''));
}

interface XmlElement { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string }

/** A strict little XML reader: well-formed nesting, quoted attributes, the five entities; throws otherwise. */
function parseXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#root', attributes: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const unescape = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(s)) throw new Error(`bad entity in ${s}`);
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < body.length && (m = token.exec(body))) {
    at = token.lastIndex;
    if (m[5] !== undefined) { stack.at(-1)!.text += unescape(m[5]); continue; }
    if (m[1]) {
      const open = stack.pop()!;
      if (open.name !== m[2]) throw new Error(`</${m[2]}> closes <${open.name}>`);
      continue;
    }
    const attributes = Object.fromEntries([...m[3]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]));
    const element: XmlElement = { name: m[2]!, attributes, children: [], text: '' };
    stack.at(-1)!.children.push(element);
    if (!m[4]) stack.push(element);
  }
  if (at !== body.length || stack.length !== 1) throw new Error(`not well-formed at offset ${at}`);
  return root.children[0]!;
}

async function runJob(plan: string) {
  const dir = scratchDir('fleetplan-ci-');
  const argv = words(command, { PLAN: join(ci, 'plans', plan) });
  expect(argv.slice(0, 3)).toEqual(['npx', 'fleetplan', 'validate']);
  const run = await runCli(argv.slice(2), { cwd: dir });
  const junitFile = argv[argv.indexOf('--junit') + 1]!;
  return { ...run, junit: parseXml(readFileSync(join(dir, junitFile), 'utf8')) };
}

describe('examples/ci', () => {
  it('both CI systems run the same validate command with a JUnit report, triggered by changes to the plan', () => {
    expect(command).toBe('npx fleetplan validate "$PLAN" --junit fleetplan-junit.xml');
    expect(gitlab['fleetplan-validate'].script).toContain(command);
    expect(gitlab['fleetplan-validate'].artifacts.reports.junit).toBe('fleetplan-junit.xml');
    expect(gitlab['fleetplan-validate'].rules[0].changes).toContain('examples/ci/plans/**/*');
    expect(github.on.push.paths).toContain('examples/ci/plans/**');
    expect(github.on.pull_request.paths).toContain('examples/ci/plans/**');
  });

  it('is green on the passing plan', async () => {
    const run = await runJob('passing.yaml');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/the plan holds\n$/);
    const suite = run.junit.children[0]!;
    expect(run.junit.name).toBe('testsuites');
    expect(suite.attributes.failures).toBe('0');
    expect(suite.children.map((c) => c.attributes.name)).toEqual(['p95 ttfet_s slowdown', 'p95 ttft_s', 'p95 last_turn_tbt_ms', 'slo_attainment']);
  });

  it('is red on the failing plan, naming the SLO and by how much it misses', async () => {
    const run = await runJob('failing.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL p95 ttfet_s slowdown \d+\.\d+ > 5 \(\d+\.\d% over\)$/m);
    expect(run.stdout).toMatch(/the plan does not hold\n$/);
    const failed = run.junit.children[0]!.children.filter((c) => c.children.some((f) => f.name === 'failure'));
    expect(failed.map((c) => c.attributes.name)).toContain('p95 ttfet_s slowdown');
    expect(failed[0]!.children[0]!.attributes.message).toMatch(/ttfet_s slowdown .* > 5 \(\d+\.\d% over\)/);
    // The README's explanation quotes what the plan really does.
    const readme = readFileSync(join(ci, 'README.md'), 'utf8');
    expect(readme).toContain(run.stdout.split('\n')[0]);
  });

  it('the little XML reader rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1 & 2"></a>')).toThrow();
    expect(parseXml('<a x="&lt;"><b/></a>').attributes.x).toBe('<');
  });
});
