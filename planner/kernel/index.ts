/** planner/kernel/: the conversation-level scheduler kernel (see DESIGN.md). Other folders import from here only. */
export { simulateConversations, startSimulation, type KernelRun, type RunProgress } from './kernel.js';
export { simulateConversationsSliced, type SliceOptions } from './run-sliced.js';
export { generateConversations, withPoissonArrivals, type GenerateOptions, type UntimedConversation } from './workload.js';
export { isReactive, KernelStoppedError, POLICY_NAMES, resolveOptions, type ConversationSpec, type FinishedConversation, type KernelOptions, type PerfModelFor, type PolicyName, type ReactiveWorkload, type RunControl, type TurnSpec } from './types.js';
export { roundFigure, type PoolResult, type SimulationResult } from './result.js';
export { computeStandalone, type Standalone } from './standalone.js';
export { createHistogram, addValue, addArithmetic, mergeHistogram, quantile, summarize, type Histogram, type Summary } from './histogram.js';
export { peakKvTokens, paperTokens } from './conversation.js';
