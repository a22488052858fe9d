import { describe, expect, it } from 'vitest';
import { detectResultKind, parseResultText, RESULT_KINDS } from '../../../reports/index.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'did not throw';
}

describe('detectResultKind()', () => {
  it.each(RESULT_KINDS.map((k) => [k]))('accepts a %s result of format version 1', (kind) => {
    expect(detectResultKind({ kind, format_version: 1 })).toBe(kind);
  });

  it('says which kinds it accepts when the document is not a result', () => {
    expect(messageOf(() => detectResultKind({ instances: [] }, 'fleet.json'))).toMatchInlineSnapshot(
      `"fleet.json: found no "kind" field, expected a fleetplan result with "kind" one of "plan", "simulation", "comparison", "validation""`,
    );
    expect(messageOf(() => detectResultKind({ kind: 'trace', format_version: 1 }, 'x.json'))).toMatchInlineSnapshot(
      `"x.json: kind: found kind "trace", expected a fleetplan result with "kind" one of "plan", "simulation", "comparison", "validation""`,
    );
    expect(messageOf(() => detectResultKind([1, 2], 'list.json'))).toContain('found a list of 2, expected a fleetplan result');
  });

  it('says a result from a newer format version needs a newer fleetplan', () => {
    expect(messageOf(() => detectResultKind({ kind: 'plan', format_version: 2 }, 'plan.json'))).toMatchInlineSnapshot(
      `"plan.json: format_version: found 2, expected at most 1: this result was written by a newer fleetplan; upgrade fleetplan to report it"`,
    );
    expect(messageOf(() => detectResultKind({ kind: 'plan' }, 'plan.json'))).toMatchInlineSnapshot(
      `"plan.json: format_version: found nothing, expected a whole number from 1 to 1"`,
    );
  });

  it('parseResultText() reports text that is not JSON as a syntax issue naming the file', () => {
    expect(() => parseResultText('plan: yes', 'plan.yaml')).toThrow(/^plan\.yaml: found text that is not JSON(?: \(at byte \d+\))?, expected a fleetplan result/);
  });
});
