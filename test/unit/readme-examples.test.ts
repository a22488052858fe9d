/** The README's input examples are real files: each YAML block must load through the validating loader. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocumentText, loadBuiltinCatalog, toMix } from '../../catalogs/index.js';
import { repoRoot } from '../helpers/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has the input examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('YAML block %i loads without problems', (i, text) => {
    const loaded = loadDocumentText(text, `README.md block ${i}`);
    expect(['gpu', 'mix', 'slo', 'fleet']).toContain(loaded.kind);
    if (loaded.kind === 'mix') {
      const mix = toMix(loaded.raw);
      expect(loadBuiltinCatalog().llms.has(mix.llm!)).toBe(true);
    }
  });
});
