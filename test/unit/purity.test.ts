/**
 * Pure core, thin shell (DESIGN.md): models/, planner/ (but planner/cli/), planner/kernel/ and the report view model do
 * no I/O and read no clock or global randomness. This test reads their sources and names every violation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const FORBIDDEN: Array<[RegExp, string]> = [
  [/from ['"](node:)?(fs|fs\/promises|child_process|net|http|https)['"]/, 'file/network/process I/O import'],
  [/\bprocess\.(?!env\.NODE_ENV)/, 'process global'],
  [/\bDate\.now\(|\bnew Date\(|\bperformance\.now\(/, 'clock'],
  [/\bMath\.random\(/, 'global randomness'],
  [/\bconsole\./, 'logging'],
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'cli' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Strips comments so a sentence about Math.random in a doc comment is not a violation. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('pure core', () => {
  const files = [
    ...tsFiles(join(repoRoot, 'models')),
    ...tsFiles(join(repoRoot, 'planner')),
    ...tsFiles(join(repoRoot, 'reports')).filter((f) => /view-model|charts|format/.test(f)),
  ];

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('does no I/O and reads no clock, global randomness or process state', () => {
    const violations: string[] = [];
    for (const file of files) {
      const lines = code(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const [re, what] of FORBIDDEN) if (re.test(line)) violations.push(`${relative(repoRoot, file)}:${i + 1}: ${what}: ${line.trim()}`);
      });
    }
    expect(violations).toEqual([]);
  });
});
