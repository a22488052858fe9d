/**
 * Seeded random streams. Every consumer (arrivals, lengths, turns, routing, …) takes its own stream derived from
 * `(seed, streamName)`, so adding a consumer never shifts the numbers another one draws.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/** A source of uniform numbers in [0, 1). */
export type Uniform01 = () => number;

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A stream for one consumer.
 * @example createStream(42, 'arrivals')() // the same value on every run
 */
export function createStream(seed: number, streamName: string): Uniform01 {
  if (!Number.isInteger(seed)) throw new RangeError(`Seed must be an integer, received "${seed}"`);
  const mixed = (fnv1a32(streamName) ^ Math.imul(seed | 0, 0x9e3779b1)) | 0;
  const rng = xoroshiro128plus(mixed);
  return () => uniformFloat64(rng);
}

/** An exponential variate with the given mean (inverse transform; never 0 or Infinity). */
export function sampleExponential(u: Uniform01, mean: number): number {
  return -mean * Math.log(1 - u());
}

/** A standard normal variate (Box–Muller, one of the pair; two uniforms per call keeps streams simple). */
export function sampleStandardNormal(u: Uniform01): number {
  const u1 = 1 - u();
  const u2 = u();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
