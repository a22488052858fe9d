/**
 * Golden files of the reports: the view model (what is shown, as JSON) and the HTML bytes, for each result kind.
 * The plan fixture stands in for the built-in example until `fleetplan plan` writes one. Update on purpose with
 * `npx vitest run test/golden/reports.test.ts -u`; under CI vitest refuses to write, so a change fails the build.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildViewModel, renderReport, RESULT_KINDS } from '../../reports/index.js';

const fixture = (kind: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/results/${kind}.json`, import.meta.url), 'utf8'));

describe('report golden files', () => {
  it.each(RESULT_KINDS.map((k) => [k]))('%s: view model and HTML match the committed files', async (kind) => {
    const result = fixture(kind);
    await expect(`${JSON.stringify(buildViewModel(result), null, 2)}\n`).toMatchFileSnapshot(`./reports/${kind}.view-model.json`);
    await expect(renderReport(result)).toMatchFileSnapshot(`./reports/${kind}.html`);
  });
});
