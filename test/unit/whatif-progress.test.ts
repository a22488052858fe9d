/** planner/cli/progress.ts: a bar with ETA on stderr only when it is a terminal; nothing at all otherwise. */
import { describe, expect, it } from 'vitest';
import { startProgress } from '../../planner/cli/progress.js';

describe('startProgress()', () => {
  it('writes nothing when stderr is not a terminal', () => {
    let stderr = '';
    const bar = startProgress({ stderr: (t) => void (stderr += t), stderrIsTTY: false }, { label: 'checking', total: 100, unit: 's' });
    bar.update(50);
    bar.stop();
    expect(stderr).toBe('');
  });

  it('draws a bar with ETA on a terminal and clears it when stopped', () => {
    let stderr = '';
    const bar = startProgress({ stderr: (t) => void (stderr += t), stderrIsTTY: true }, { label: 'checking', total: 200, unit: 's simulated' });
    bar.update(100);
    expect(stderr).toMatch(/checking \[[^\]]*\] \d+% \| ETA \S+s \| \d+\/200 s simulated/);
    bar.stop();
    bar.stop();
    // clearOnComplete: the last write erases the line (ANSI erase-line), so later output starts clean.
    expect(stderr.slice(-20)).toMatch(/\x1b\[(2K|0K|K)|\x1b\[\d*G/);
  });
});
