/**
 * `fleetplan catalog gpus` as a person reads it (issue 12): each GPU's scale-up domain, its scale-out bandwidth and
 * whether its price is an estimate or sourced, and where every figure's source is — not only in --json.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const rowOf = (table: string, id: string) => table.split('\n').find((l) => l.startsWith(`${id} `))!;

describe('catalog gpus table', () => {
  it('shows scale-out GB/s and the price basis per GPU, and says where the sources are', async () => {
    const run = await runCli(['catalog', 'gpus']);
    expect(run.code).toBe(0);
    const [header] = run.stdout.split('\n');
    expect(header).toMatch(/scale-up GPUs\s+scale-out GB\/s\s+capex USD\s+rent USD\/h\s+price$/);
    // GB200 NVL72: 72 GPUs in the NVLink domain, 100 GB/s per GPU beyond it; the built-in prices are estimates.
    expect(rowOf(run.stdout, 'gb200')).toMatch(/\s72\s+100\s+45000\s+6\.5\s+estimate$/);
    expect(rowOf(run.stdout, 'mi325x')).toMatch(/\s8\s+50\s+28000\s+2\.25\s+estimate$/);
    expect(run.stdout).toMatch(/sources: every figure's, with `fleetplan catalog gpus --json` \(catalogs\/SOURCE\.md\)\n$/);
  });

  it('a user price with a source that is not an estimate reads "sourced"', async () => {
    const dir = scratchDir();
    const original = readFileSync(join(repoRoot, 'catalogs', 'gpus', 'h100-sxm.yaml'), 'utf8');
    const file = join(dir, 'quote.yaml');
    writeFileSync(file, original.replace(/^\$schema:.*\n/m, '').replace('id: h100-sxm', 'id: quoted')
      .replace(/ {2}price\.capex_usd: .*\n/, '  price.capex_usd: "our 2026 quote"\n').replace(/ {2}price\.rent_usd_per_h: .*\n/, '  price.rent_usd_per_h: "our 2026 quote"\n'));
    const run = await runCli(['catalog', 'gpus', '--catalog', file]);
    expect(run.code).toBe(0);
    expect(rowOf(run.stdout, 'quoted')).toMatch(/\ssourced$/);
  });

  // Review: "Estimates from …" (plural) read "sourced".
  it.each(['Estimated', 'Estimates'])('a user price labelled "%s from …" reads "estimate", not "sourced"', async (word) => {
    const dir = scratchDir();
    const original = readFileSync(join(repoRoot, 'catalogs', 'gpus', 'h100-sxm.yaml'), 'utf8');
    const file = join(dir, 'guess.yaml');
    writeFileSync(file, original.replace(/^\$schema:.*\n/m, '').replace('id: h100-sxm', 'id: guessed')
      .replace(/ {2}price\.capex_usd: .*\n/, `  price.capex_usd: "${word} from 2026 reseller listings"\n`).replace(/ {2}price\.rent_usd_per_h: .*\n/, `  price.rent_usd_per_h: "${word} from 2026 reseller listings"\n`));
    const run = await runCli(['catalog', 'gpus', '--catalog', file]);
    expect(run.code).toBe(0);
    expect(rowOf(run.stdout, 'guessed')).toMatch(/\sestimate$/);
  });
});
