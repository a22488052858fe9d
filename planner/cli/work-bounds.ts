/**
 * The work a run would do, checked against the run's limits (catalogs/limits.ts) before it starts: simulated seconds,
 * conversations (arrival rate × duration) and instances. Each breach is one line naming the limit and the flag that
 * raises it. Shared by every command that simulates (simulate, compare, plan, validate, whatif, sweep, and new ones).
 */
import { checkLimit, currentLimits, inputError, limitError } from '../../catalogs/index.js';
import type { Fleet, Mix } from '../../catalogs/types.js';
import type { ConversationSpec } from '../kernel/index.js';

/** `seconds` of simulated time set by `path` (a flag or a file field) within the sim-seconds limit. */
export function checkSimulatedSeconds(seconds: number, path: string, file = ''): void {
  checkLimit('sim-seconds', seconds, { file, path, describe: (v) => `${v} simulated seconds` });
}

/** Total arrival rate × duration within the conversations limit (`what` names the inputs that set them). */
export function checkMixConversations(mix: Mix, durationSeconds: number, what: string): void {
  const rate = mix.classes.reduce((s, c) => s + c.arrivalRatePerSecond, 0);
  checkSimulatedSeconds(durationSeconds, what);
  checkLimit('conversations', rate * durationSeconds, { path: what, describe: (v) => `${rate.toPrecision(4)} conv/s × ${durationSeconds} s = ${v < 1e15 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3)} conversations` });
}

/** A fleet's instances (the sum of pool counts) within the instances limit. */
export function checkFleetInstances(fleet: Fleet, what: string): void {
  const total = fleet.instances.reduce((s, p) => s + p.count, 0);
  checkLimit('instances', total, { path: what, describe: (v) => `${v.toLocaleString('en-US')} instances` });
}

/**
 * A streamed workload (a trace) checked as it is read: arrival times and tool latencies within sim-seconds, and at
 * most the conversations limit. A trace is streamed in constant memory, so its length is only known at the end.
 */
export function* boundedWorkload(conversations: Iterable<ConversationSpec>, file: string): Generator<ConversationSpec> {
  const limits = currentLimits();
  let count = 0;
  for (const c of conversations) {
    if (++count > limits.conversations) throw limitError('conversations', file, '', `more than ${limits.conversations.toLocaleString('en-US')} conversations`);
    if (!(c.arrivalSeconds <= limits['sim-seconds'])) throw limitError('sim-seconds', file, `conversation ${c.id}: arrival_s`, `${c.arrivalSeconds} s`);
    for (const t of c.turns) {
      if (!(t.toolLatencySeconds <= limits['sim-seconds'])) throw limitError('sim-seconds', file, `conversation ${c.id}: tool latency`, `${t.toolLatencySeconds} s`);
    }
    yield c;
  }
}

/**
 * Every pool's LLM must fit its GPUs with room for KV cache: an LLM whose weights fill the memory rejects every
 * conversation, and the run used to print zeros with exit 0. `file` is the fleet or plan as the user named it.
 */
export function checkPoolsFit(fleet: Fleet, modelFor: (pool: Fleet['instances'][number]) => { readonly weightBytes: number; readonly kvCapacityTokens: number }, memoryBytesOf: (gpu: string) => number, file: string): void {
  fleet.instances.forEach((pool, i) => {
    const model = modelFor(pool);
    if (model.kvCapacityTokens >= 1) return;
    const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
    throw inputError('invalid_value', file, `instances[${i}]`, `found ${pool.llm} on ${pool.gpu} at TP${pool.tp}: ${gb(model.weightBytes)} of weights for ${gb(memoryBytesOf(pool.gpu) * pool.tp)} of memory leaves no room for KV cache, expected an LLM that fits its GPUs (raise tp or pick a larger GPU)`);
  });
}
