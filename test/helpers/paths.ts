/** Paths tests share: the repo root, ../shared/data beside it, and a scratch directory per test file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedData = resolve(repoRoot, '..', 'shared', 'data');

export function scratchDir(prefix = 'fleetplan-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
