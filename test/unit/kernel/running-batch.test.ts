import { describe, expect, it } from 'vitest';
import { createStream } from '../../../models/random.js';
import { createConvState, type ConvState } from '../../../planner/kernel/conversation.js';
import { RunningBatch } from '../../../planner/kernel/running-batch.js';
import type { Standalone } from '../../../planner/kernel/standalone.js';
import type { ConversationSpec } from '../../../planner/kernel/types.js';

/** The engine's loop before lazy settling: every running sequence updated at every decode iteration. */
function eagerDecoded(running: ConvState[], t0: number, now: number, n: number, firstEnd: number, gaps: number[][]) {
  let measured = 0;
  let measuredLast = 0;
  let sharedMeasured = 0;
  let sharedMeasuredLast = 0;
  for (const conv of running) {
    const last = conv.turn === conv.spec.turns.length - 1;
    const span = now - conv.lastTokenSeconds;
    if (conv.lastTokenSeconds === t0) {
      if (conv.measured) {
        sharedMeasured++;
        if (last) sharedMeasuredLast++;
      }
    } else if (conv.measured) gaps.push([firstEnd - conv.lastTokenSeconds, 1, last ? 1 : 0]);
    conv.tbtSumSeconds += span;
    conv.tbtCount += n;
    if (last) {
      conv.lastTurnTbtSumSeconds += span;
      conv.lastTurnTbtCount += n;
    }
    if (conv.measured) {
      measured++;
      if (last) measuredLast++;
    }
    conv.remainingOutputTokens -= n;
    conv.lastTokenSeconds = now;
    conv.contextTokens += n;
    conv.residentTokens += n;
  }
  return { measured, measuredLast, sharedMeasured, sharedMeasuredLast };
}

const FIELDS = ['tbtSumSeconds', 'tbtCount', 'lastTurnTbtSumSeconds', 'lastTurnTbtCount', 'remainingOutputTokens', 'lastTokenSeconds', 'contextTokens', 'residentTokens'] as const;
const fieldsOf = (c: ConvState) => FIELDS.map((f) => c[f]);

describe('RunningBatch (lazily settled decode bookkeeping)', () => {
  it('gives every sequence the same fields, bit for bit, and the same gaps and counts as the eager loop', () => {
    const u = createStream(3, 'running-batch');
    for (let trial = 0; trial < 40; trial++) {
      // The first trial runs long enough for the decode log to be compacted under sequences that never finish.
      const long = trial === 0;
      const lazy = new RunningBatch();
      const eager: ConvState[] = [];
      const lazyGaps: number[][] = [];
      const eagerGaps: number[][] = [];
      const hooks = { recordGap: (g: number, m: number, l: number) => void lazyGaps.push([g, m, l]) };
      let now = 1 + u();
      let ordinal = 0;
      const fresh = (): [ConvState, ConvState] => {
        const turns = Array.from({ length: 1 + Math.floor(3 * u()) }, () => ({ inputTokens: 100, outputTokens: long ? 1e7 : 1 + Math.floor(400 * u()), toolLatencySeconds: 0 }));
        const spec = { id: `c${ordinal}`, classId: 'k', arrivalSeconds: 0, turns } as ConversationSpec;
        const make = () => {
          const c = createConvState(spec, ordinal, u() < 0.8, {} as Standalone);
          return c;
        };
        const a = make();
        a.turn = Math.floor(u() * turns.length);
        a.remainingOutputTokens = turns[a.turn].outputTokens;
        a.contextTokens = a.residentTokens = 1000;
        a.tbtSumSeconds = u();
        a.lastTurnTbtSumSeconds = u() / 3;
        // A joiner's last token: at this iteration's start (a prefill just completed) or earlier.
        a.lastTokenSeconds = u() < 0.5 ? now : now - u();
        const b: ConvState = { ...a };
        ordinal++;
        return [a, b];
      };
      const compareRemoved = (i: number) => {
        const a = lazy.removeAt(i);
        const [b] = eager.splice(i, 1);
        expect(a.spec).toBe(b.spec);
        expect(fieldsOf(a)).toEqual(fieldsOf(b));
      };
      for (let step = 0; step < (long ? 5_000 : 300); step++) {
        const r = u();
        if ((long ? r < 0.002 : r < 0.25) || eager.length === 0) {
          const [a, b] = fresh();
          lazy.join(a);
          eager.push(b);
        } else if (r < 0.3 && !long) {
          compareRemoved(Math.floor(u() * eager.length)); // a preemption
        } else if (r < 0.33 && !long) {
          lazy.settleAll();
        } else {
          // A decode macro-step right after the previous one, or after a pause (a prefill-only iteration).
          const t0 = u() < 0.85 ? now : now + u();
          expect(lazy.minRemaining()).toBe(Math.min(...eager.map((c) => c.remainingOutputTokens)));
          const n = Math.max(1, Math.min(lazy.minRemaining(), 1 + Math.floor(20 * u())));
          const firstEnd = t0 + 0.01 + 0.02 * u();
          now = n === 1 ? firstEnd : firstEnd + n * 0.013 * u();
          lazy.decoded(t0, now, n, n === 1 ? now : firstEnd, hooks);
          const counts = eagerDecoded(eager, t0, now, n, n === 1 ? now : firstEnd, eagerGaps);
          expect({ measured: lazy.measured, measuredLast: lazy.measuredLast, sharedMeasured: lazy.sharedMeasured, sharedMeasuredLast: lazy.sharedMeasuredLast }).toEqual(counts);
          for (let i = eager.length - 1; i >= 0; i--) expect(lazy.isDone(i)).toBe(eager[i].remainingOutputTokens <= 0);
          for (let i = lazy.lastDoneBelow(lazy.length); i >= 0; i = lazy.lastDoneBelow(i)) compareRemoved(i);
          expect(eager.every((c) => c.remainingOutputTokens > 0)).toBe(true);
        }
        expect(lazy.length).toBe(eager.length);
      }
      expect(lazyGaps).toEqual(eagerGaps);
      lazy.settleAll();
      expect(lazy.convs.map(fieldsOf)).toEqual(eager.map(fieldsOf));
    }
  });
});
