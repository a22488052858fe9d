/**
 * `fleetplan merge SHARD.json… [--out FILE] [--json]`: combines the shard documents of one grid (from `fleetplan
 * sweep --shard i/n`) into the result the unsharded sweep writes, byte for byte. Exit 0 when every cell has a plan
 * (and every checked plan holds), 1 otherwise, 2 when the shards do not fit together.
 */
import { resolve } from 'node:path';
import { inputError, readTextFile } from '../../../catalogs/index.js';
import { mergeShards } from '../../sweep/merge.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { writeFileAtomic } from '../write-atomic.js';
import { prepareOutputFile } from '../output-set.js';

export interface MergeArgs {
  readonly shards: readonly string[];
  readonly out?: string;
  readonly json?: boolean;
}

/** `fleetplan merge`. */
export async function runMerge(args: MergeArgs, ctx: CommandContext): Promise<number> {
  const inputs = args.shards.map((f) => resolve(ctx.cwd, f));
  const outPath = args.out !== undefined ? prepareOutputFile(args.out, { cwd: ctx.cwd, inputs, flag: '--out' }) : undefined;
  const shards = args.shards.map((file) => {
    const text = readTextFile(resolve(ctx.cwd, file), { displayName: file });
    try {
      return { file, doc: JSON.parse(text) as unknown };
    } catch (error) {
      // JSON.parse's message quotes the text; the file may be anything, so only the position is shown.
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      throw inputError('invalid_value', file, '', `found text that is not JSON${position !== undefined ? ` (at byte ${position})` : ''}, expected a sweep shard document`);
    }
  });
  const merged = mergeShards(shards);
  const body = `${JSON.stringify(merged, null, 2)}\n`;
  if (outPath !== undefined) writeFileAtomic(outPath, body, { inputs, shown: args.out });
  if (args.json || args.out === undefined) ctx.stdout(body);
  else ctx.stdout(`merged ${shards.length} shard(s), ${merged.cells.length} cells: ${args.out} — next: fleetplan report ${args.out}\n`);
  const ok = merged.cells.every((c) => c.ok && c.holds !== false);
  return ok ? EXIT_OK : EXIT_FAILS;
}
