/** The catalog fingerprint printed in every report: stable for equal content, different for any changed figure. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFingerprint, loadBuiltinCatalog, loadCatalog } from '../../catalogs/index.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

describe('catalogFingerprint()', () => {
  it('is the same for the same catalog and names its algorithm', () => {
    const a = catalogFingerprint(loadBuiltinCatalog());
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(catalogFingerprint(loadCatalog({ userFiles: [join(repoRoot, 'catalogs', 'gpus', 'h100-sxm.yaml')] }))).toBe(a);
  });

  it('changes when one figure changes, and when a trace is added', () => {
    const base = catalogFingerprint(loadBuiltinCatalog());
    const file = join(scratchDir(), 'h100.yaml');
    writeFileSync(file, readFileSync(join(repoRoot, 'catalogs', 'gpus', 'h100-sxm.yaml'), 'utf8').replace(/idle_w: \d+/, 'idle_w: 76'));
    expect(catalogFingerprint(loadCatalog({ userFiles: [file] }))).not.toBe(base);
    expect(catalogFingerprint(loadBuiltinCatalog(), ['{"id":"c1"}'])).not.toBe(base);
  });
});
