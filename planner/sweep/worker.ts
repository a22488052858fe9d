/**
 * The worker-thread entry for scenario grids (piscina): it calls the same pure planner as the main thread, on
 * plain data cloned from the main thread; it reads no file.
 */
import type { Cell } from './grid.js';
import { runCell, type CellResult, type ScenarioBase } from './scenario.js';

export interface CellTask {
  readonly base: ScenarioBase;
  readonly cell: Cell;
}

/** Plans one cell on this thread. */
export default function runCellTask(task: CellTask): Promise<CellResult> {
  return runCell(task.base, task.cell);
}
