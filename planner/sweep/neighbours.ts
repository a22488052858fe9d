/**
 * Neighbouring cells of a scenario grid, for monotone answers (DESIGN.md, "What makes a plan right"): a cell's
 * harder neighbour on an axis is the grid cell with the same scales on the other axes and the next harder value on
 * this one (more traffic, a tighter SLO, dearer GPUs). Its plan serves this cell too (less traffic, a looser SLO or
 * cheaper GPUs), so it is offered to this cell's loop as the candidate checked first, and the cell's answer is never
 * dearer than its harder neighbour's. The cells are planned hardest first, in waves (threads.ts); a shard plans the
 * harder cells its own cells depend on as well, so every cell's answer is the same pure function of the grid
 * whichever shard or thread computes it.
 */
import { AXES, type AxisName, type Cell } from './grid.js';

/** +1: a larger scale is harder (more traffic, dearer GPUs); −1: a smaller one is (a tighter SLO). */
const HARDER: Record<AxisName, 1 | -1> = { rate_scale: 1, price_scale: 1, slo_scale: -1 };

/** The harder neighbours of `cell` in `grid` (at most one per axis), in axis order. */
export function harderNeighbours(cell: Cell, grid: readonly Cell[]): Cell[] {
  const out: Cell[] = [];
  for (const axis of AXES) {
    let best: Cell | undefined;
    for (const other of grid) {
      if (AXES.some((a) => a !== axis && other.scales[a] !== cell.scales[a])) continue;
      const step = HARDER[axis] * (other.scales[axis] - cell.scales[axis]);
      if (!(step > 0)) continue;
      if (!best || step < HARDER[axis] * (best.scales[axis] - cell.scales[axis]) || (step === HARDER[axis] * (best.scales[axis] - cell.scales[axis]) && other.index < best.index)) best = other;
    }
    if (best) out.push(best);
  }
  return out;
}

/**
 * The cells `wanted` depend on (themselves and, transitively, their harder neighbours), grouped in waves: every cell's
 * harder neighbours are in earlier waves. Within a wave, cells are in index order.
 */
export function planningWaves(wanted: readonly Cell[], grid: readonly Cell[]): Cell[][] {
  const depth = new Map<number, number>();
  const byIndex = new Map<number, Cell>();
  const depthOf = (cell: Cell): number => {
    const known = depth.get(cell.index);
    if (known !== undefined) return known;
    byIndex.set(cell.index, cell);
    // Harder is a strict order on every axis, so the recursion ends (at most one step per axis value).
    const d = harderNeighbours(cell, grid).reduce((m, n) => Math.max(m, depthOf(n) + 1), 0);
    depth.set(cell.index, d);
    return d;
  };
  for (const cell of wanted) depthOf(cell);
  const waves: Cell[][] = [];
  for (const [index, d] of depth) (waves[d] ??= []).push(byIndex.get(index)!);
  return waves.filter((w) => w !== undefined).map((w) => w.sort((a, b) => a.index - b.index));
}
