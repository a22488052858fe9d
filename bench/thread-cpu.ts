/**
 * CPU time of the calling process's main thread (utime + stime of /proc/self/task/PID/stat, 10 ms ticks; NaN where
 * /proc is missing). On a shared machine the main thread's CPU time says what a change saved on the critical path
 * when wall time mostly says what else ran.
 */
import { readFileSync } from 'node:fs';

export function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
