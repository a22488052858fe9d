/**
 * The files the hostile-input battery feeds fleetplan (bench/hostile.ts): valid inputs each case starts from, and the
 * hostile variants substituted into one input slot at a time. Every secret-looking file carries the canary string; a
 * case that prints it has leaked the contents of a file that is not a fleetplan input.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A string no fleetplan input contains: seen in a message, it came from a file that should never be quoted. */
export const CANARY = 'HOSTILE-CANARY-7f3a91c2';

export const VALID_FLEET = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 2 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

export const VALID_PLAN = `kind: plan
format_version: 1
mix: swe-agent-paper
slo: relaxed
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 3 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

export const VALID_GRID = 'kind: sweep\nmix: swe-agent-paper\nllm: qwen3-0.6b\nslo: relaxed\ngpus: [a40]\ncheck: false\nx: {axis: rate_scale, values: [1]}\ny: {axis: slo_scale, values: [1]}\n';

export const VALID_SCRIPT = 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\n';

/**
 * Hostile file contents, by name. Each is written once per file extension a slot needs (.yaml, .json, .csv, .jsonl),
 * so format detection by extension meets every one of them.
 */
export function hostileContents(): Record<string, string | Buffer> {
  const aliasBomb = ['kind: mix', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) aliasBomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  return {
    'canary-env': `CANARY_TOKEN=${CANARY}\nAWS_SECRET_ACCESS_KEY=${CANARY}\nPATH=/usr/bin\n`,
    'canary-yaml': `token: ${CANARY}\npassword: ${CANARY}\n`,
    'canary-json': `{"token": "${CANARY}", "auths": {"registry": {"auth": "${CANARY}"}}}\n`,
    'canary-csv': `user,password,host\nroot,${CANARY},db\n`,
    'canary-brace': `{\n  "auth": "${CANARY}"\n}\n`,
    binary: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0xc3, 0x28, 0x00, 0x7b, 0x0a, 0xe2, 0x82]),
    empty: '',
    'alias-bomb': `${aliasBomb.join('\n')}\n`,
    'deep-nesting': `kind: mix\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    'over-items': `kind: mix\nid: big\nlist:\n${'  - 1\n'.repeat(200_000)}`,
    'proto-keys': 'kind: mix\nid: proto\n__proto__: {polluted: true}\nconstructor: {prototype: {polluted: true}}\n',
    'nan-values': 'kind: mix\nid: nan\nclasses: [{id: a, arrival_rate_per_s: .nan, turns: {fixed: .inf}}]\n',
  };
}

/** Contents that are not files: a directory, a device, a FIFO, the process environment, a missing path, a symlink. */
export const SPECIAL_PATHS = ['directory', 'dev-zero', 'fifo', 'proc-environ', 'missing', 'symlink-canary'] as const;

export const EXTENSIONS = ['yaml', 'json', 'csv', 'jsonl'] as const;

/**
 * Writes the fixtures under `dir`; `bin` is the built CLI that makes the result and shard fixtures (sim/result.json,
 * shard.json) unless `results` is false (a subset that needs neither saves two runs).
 */
export function writeFixtures(dir: string, bin: string, options: { results?: boolean } = {}): void {
  mkdirSync(join(dir, 'h'), { recursive: true });
  writeFileSync(join(dir, 'fleet.yaml'), VALID_FLEET);
  writeFileSync(join(dir, 'plan.yaml'), VALID_PLAN);
  writeFileSync(join(dir, 'grid.yaml'), VALID_GRID);
  writeFileSync(join(dir, 'script.yaml'), VALID_SCRIPT);
  writeFileSync(join(dir, 'secret.env'), `TOKEN=${CANARY}\n`);
  for (const [name, content] of Object.entries(hostileContents())) {
    for (const ext of EXTENSIONS) writeFileSync(join(dir, 'h', `${name}.${ext}`), content);
  }
  mkdirSync(join(dir, 'h', 'directory'));
  execFileSync('mkfifo', [join(dir, 'h', 'fifo')]);
  symlinkSync(join(dir, 'secret.env'), join(dir, 'h', 'symlink-canary'));
  // Over the 16 MiB read limit: a YAML-looking file of 17 MiB.
  writeFileSync(join(dir, 'h', 'huge.yaml'), `kind: mix\nid: huge\nnote: "${'x'.repeat(17 * 1024 * 1024)}"\n`);
  // Under the input-items limit but many keys: the parse that once grew with the square of the keys.
  writeFileSync(join(dir, 'h', 'many-keys.yaml'), `kind: mix\nid: keys\n${Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`);
  if (options.results === false) return;
  const run = (argv: string[]) => execFileSync('node', [bin, ...argv], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '20', '--out', 'sim']);
  run(['sweep', 'grid.yaml', '--threads', '1', '--shard', '1/1', '--out', 'shard.json']);
}

/** The path a hostile variant takes in a slot that wants `ext`. */
export function hostilePath(fixtures: string, variant: string, ext: string): string {
  switch (variant) {
    case 'directory':
    case 'fifo':
    case 'symlink-canary':
      return join(fixtures, 'h', variant);
    case 'dev-zero':
      return '/dev/zero';
    case 'proc-environ':
      return '/proc/self/environ';
    case 'missing':
      return join(fixtures, 'h', `no-such-file.${ext}`);
    case 'huge':
      return join(fixtures, 'h', 'huge.yaml');
    case 'many-keys':
      return join(fixtures, 'h', 'many-keys.yaml');
    default:
      return join(fixtures, 'h', `${variant}.${ext}`);
  }
}
