/**
 * Multi-turn conversations hidden in a Mooncake trace. The trace has no conversation ids; a later turn re-sends the
 * whole history, so its `hash_ids` start with every *full* block of the earlier turn (the earlier turn's last,
 * partial block hashes differently once the history grows past it). A request continues the conversation whose
 * latest turn's full blocks are the longest such prefix of its own blocks, provided its input is longer.
 */
import { MOONCAKE_BLOCK_TOKENS, type MooncakeRequest } from './mooncake-jsonl.js';

/** One turn of a reconstructed conversation. */
export interface ReconstructedTurn {
  /** Index of the request in the trace (0-based). */
  readonly requestIndex: number;
  readonly arrivalSeconds: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /**
   * New input beyond the previous turn's prompt and answer: input − previous input − previous output. It is
   * negative when the service dropped part of the history (e.g. a shortened answer); callers count such turns.
   * Equal to `inputTokens` on turn 1.
   */
  readonly appendedInputTokens: number;
  /** Time since the previous turn arrived (previous turn's service time + user think time); 0 on turn 1. */
  readonly gapSeconds: number;
}

export interface ReconstructedConversation {
  /** Index of the conversation in order of first arrival (0-based). */
  readonly id: number;
  readonly turns: readonly ReconstructedTurn[];
}

export interface ReconstructOptions {
  /**
   * Fewest shared full blocks that link two requests. Default 2: in the Kimi trace every prompt starts with the
   * same block (a common system prompt), so one shared block says nothing about a conversation.
   */
  readonly minSharedBlocks?: number;
  /** Tokens per hash block (default 512, the Mooncake traces'). */
  readonly blockTokens?: number;
  /**
   * Most conversations to reconstruct: the request that would start one more is not read further — `tooMany(index)`
   * (the request's 0-based index) returns the error thrown, so a caller streaming a file stops at the limit instead
   * of holding the whole trace first.
   */
  readonly maxConversations?: number;
  readonly tooMany?: (requestIndex: number) => Error;
}

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** The conversation whose latest turn's full-block prefix ends at this node. */
  tail?: number;
}

function newNode(): TrieNode {
  return { children: new Map() };
}

/** The node for the first `depth` ids of `ids`, created on the way. */
function descend(root: TrieNode, ids: readonly number[], depth: number): TrieNode {
  let node = root;
  for (let i = 0; i < depth; i++) {
    let next = node.children.get(ids[i]);
    if (next === undefined) {
      next = newNode();
      node.children.set(ids[i], next);
    }
    node = next;
  }
  return node;
}

/**
 * Groups requests (in arrival order) into conversations by hash-id prefix; a request with no earlier match starts a
 * new conversation. O(total blocks) time and memory. `requests` may be a stream (a generator reading a file): it is
 * read once, in order, and stops at `maxConversations`.
 */
export function reconstructConversations(
  requests: Iterable<MooncakeRequest>,
  options: ReconstructOptions = {},
): ReconstructedConversation[] {
  const maxConversations = options.maxConversations ?? Infinity;
  const minShared = options.minSharedBlocks ?? 2;
  const blockTokens = options.blockTokens ?? MOONCAKE_BLOCK_TOKENS;
  const root = newNode();
  const turnsById: ReconstructedTurn[][] = [];
  const tailNode: TrieNode[] = [];
  let index = -1;
  for (const request of requests) {
    index++;
    const ids = request.hashIds;
    let parent: number | undefined;
    let node = root;
    for (let depth = 1; depth <= ids.length; depth++) {
      const next = node.children.get(ids[depth - 1]);
      if (next === undefined) break;
      node = next;
      if (depth >= minShared && node.tail !== undefined) {
        const turns = turnsById[node.tail];
        if (turns[turns.length - 1].inputTokens < request.inputTokens) parent = node.tail;
      }
    }
    let id: number;
    let turn: ReconstructedTurn;
    if (parent === undefined) {
      if (turnsById.length >= maxConversations) throw options.tooMany?.(index) ?? new RangeError(`more than ${maxConversations} conversations`);
      id = turnsById.length;
      turnsById.push([]);
      turn = { requestIndex: index, arrivalSeconds: request.arrivalSeconds, inputTokens: request.inputTokens, outputTokens: request.outputTokens, appendedInputTokens: request.inputTokens, gapSeconds: 0 };
    } else {
      id = parent;
      const previous = turnsById[id][turnsById[id].length - 1];
      tailNode[id].tail = undefined;
      turn = {
        requestIndex: index,
        arrivalSeconds: request.arrivalSeconds,
        inputTokens: request.inputTokens,
        outputTokens: request.outputTokens,
        appendedInputTokens: request.inputTokens - previous.inputTokens - previous.outputTokens,
        gapSeconds: request.arrivalSeconds - previous.arrivalSeconds,
      };
    }
    turnsById[id].push(turn);
    const fullBlocks = Math.min(ids.length, Math.floor(request.inputTokens / blockTokens));
    const end = descend(root, ids, fullBlocks);
    if (fullBlocks >= minShared) end.tail = id;
    tailNode[id] = end;
  }
  return turnsById.map((turns, id) => ({ id, turns }));
}
