/** Flag value parsers: each refuses bad text with "found X, expected Y" (commander prints it as a usage error). */
import { InvalidArgumentError } from 'commander';

/**
 * The largest magnitude a numeric flag takes, as for catalog figures (catalogs: "a magnitude at most 1e18"): no real
 * budget, cap, rate or count comes near it, and values past it (1e308) overflow every sum they enter.
 */
export const MAX_FLAG_MAGNITUDE = 1e18;

/** `limited`: a resource limit checks the value (catalogs/limits.ts) and says how to raise it; no magnitude bound here. */
export function numberFlag(options: { integer?: boolean; min?: number; exclusiveMin?: number; max?: number; limited?: boolean } = {}) {
  return (text: string): number => {
    const value = Number(text);
    const kind = options.integer ? 'an integer' : 'a number';
    const range = options.exclusiveMin !== undefined ? ` > ${options.exclusiveMin}` : options.min !== undefined ? ` ≥ ${options.min}` : '';
    const expected = `expected ${kind}${range}${options.max !== undefined ? ` and ≤ ${options.max}` : ''}`;
    if (text.trim() === '' || !Number.isFinite(value) || (options.integer && !Number.isInteger(value))) throw new InvalidArgumentError(`found "${text}", ${expected}`);
    if (options.exclusiveMin !== undefined && !(value > options.exclusiveMin)) throw new InvalidArgumentError(`found ${value}, ${expected}`);
    if (options.min !== undefined && value < options.min) throw new InvalidArgumentError(`found ${value}, ${expected}`);
    if (options.max !== undefined && value > options.max) throw new InvalidArgumentError(`found ${value}, ${expected}`);
    if (!options.limited && Math.abs(value) > MAX_FLAG_MAGNITUDE) throw new InvalidArgumentError(`found ${value}, ${expected} and a magnitude at most 1e18`);
    return value;
  };
}

export function listFlag(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** For repeatable flags: `--catalog a.yaml --catalog b.yaml`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function choiceFlag<T extends string>(choices: readonly T[]) {
  return (text: string): T => {
    if (!(choices as readonly string[]).includes(text)) throw new InvalidArgumentError(`found "${text}", expected one of ${choices.join(', ')}`);
    return text as T;
  };
}
