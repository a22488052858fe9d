/**
 * The worker-thread entry for scenario grids (piscina): it calls the same pure planner as the main thread, on
 * plain data cloned from the main thread; it reads no file.
 */
import type { Cell } from './grid.js';
import type { Plan } from '../types.js';
import { runCellOutcome, type CellOutcome, type ScenarioBase } from './scenario.js';

export interface CellTask {
  readonly base: ScenarioBase;
  readonly cell: Cell;
  /** The harder neighbouring cells' plans (neighbours.ts). */
  readonly neighbours: readonly Plan[];
}

/** Plans one cell on this thread. */
export default function runCellTask(task: CellTask): Promise<CellOutcome> {
  return runCellOutcome(task.base, task.cell, task.neighbours);
}
