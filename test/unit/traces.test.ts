import { describe, expect, it } from 'vitest';
import { InputError } from '../../catalogs/issues.js';
import {
  createFleetplanReader,
  formatFleetplanLine,
  parseAzureTrace,
  parseConserveTrace,
  parseFleetplanLine,
  parseFleetplanTrace,
  parseMooncakeTrace,
  reconstructConversations,
  splitTraceLines,
  type MooncakeRequest,
} from '../../catalogs/traces/index.js';

/** The one-line message of the InputError `fn` throws (fails the test if it throws anything else). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

describe('splitTraceLines()', () => {
  it('numbers lines from 1, handles CRLF and skips blank lines', () => {
    expect(splitTraceLines('a\r\n\r\nb\n')).toEqual([
      { text: 'a', lineNumber: 1 },
      { text: 'b', lineNumber: 3 },
    ]);
  });
});

describe('parseConserveTrace()', () => {
  const header = 'conv_id,iter_id,appended_input,total_input,out_token_size,carried_over';

  it('groups rows into conversations in turn order', () => {
    const text = `${header}\n0,0,17912,17912,146,0\n0,1,67,18125,40,18058\n7,0,100,100,5,0\n`;
    expect(parseConserveTrace(text, 'swe.csv')).toEqual([
      {
        id: '0',
        turns: [
          { appendedInputTokens: 17912, totalInputTokens: 17912, outputTokens: 146 },
          { appendedInputTokens: 67, totalInputTokens: 18125, outputTokens: 40 },
        ],
      },
      { id: '7', turns: [{ appendedInputTokens: 100, totalInputTokens: 100, outputTokens: 5 }] },
    ]);
  });

  it('pins every error message', () => {
    const parse = (body: string) => messageOf(() => parseConserveTrace(`${header}\n${body}`, 'swe.csv'));
    expect(messageOf(() => parseConserveTrace('conv,iter\n', 'swe.csv'))).toBe(
      'swe.csv:1: found header "conv,iter", expected "conv_id,iter_id,appended_input,total_input,out_token_size,carried_over"',
    );
    expect(parse('0,0,1,1,1')).toBe(
      'swe.csv:2: found 5 fields, expected 6 (conv_id,iter_id,appended_input,total_input,out_token_size,carried_over)',
    );
    expect(parse('0,0,-5,1,1,0')).toBe('swe.csv:2: appended_input: found "-5", expected a non-negative integer token count');
    expect(parse('0,0,5,5,2.5,0')).toBe('swe.csv:2: out_token_size: found "2.5", expected a non-negative integer token count');
    expect(parse('0,0,5,5,2,')).toBe('swe.csv:2: carried_over: found "", expected a non-negative integer token count');
    expect(parse(',0,5,5,2,0')).toBe('swe.csv:2: conv_id: found "", expected a conversation id');
    expect(parse('0,x,5,5,2,0')).toBe('swe.csv:2: iter_id: found "x", expected a non-negative integer turn index');
    expect(parse('0,0,5,5,2,0\n0,2,5,12,2,7')).toBe('swe.csv:3: iter_id: found 2 after 0 on line 2, expected turn 1');
    expect(parse('0,1,5,5,2,0')).toBe('swe.csv:2: iter_id: found 1, expected turn 0 to start conversation "0"');
    expect(parse('0,0,5,5,2,0\n1,0,5,5,2,0\n0,0,5,5,2,0')).toBe(
      'swe.csv:4: conv_id: found "0" again after other conversations, expected its turns on consecutive rows',
    );
  });
});

describe('parseMooncakeTrace()', () => {
  it('converts millisecond timestamps to seconds', () => {
    const text = '{"timestamp": 0, "input_length": 600, "output_length": 7, "hash_ids": [0, 1]}\n{"timestamp": 1500, "input_length": 9, "output_length": 2, "hash_ids": [4]}\n';
    expect(parseMooncakeTrace(text, 'mc.jsonl')).toEqual([
      { arrivalSeconds: 0, inputTokens: 600, outputTokens: 7, hashIds: [0, 1] },
      { arrivalSeconds: 1.5, inputTokens: 9, outputTokens: 2, hashIds: [4] },
    ]);
  });

  it('pins every error message', () => {
    const ok = '{"timestamp": 2000, "input_length": 1, "output_length": 1, "hash_ids": [0]}';
    const parse = (text: string) => messageOf(() => parseMooncakeTrace(text, 'mc.jsonl'));
    expect(parse('{"timestamp": 1')).toBe('mc.jsonl:1: found malformed JSON "{\\"timestamp\\": 1", expected one JSON object per line');
    expect(parse('[1, 2]')).toBe('mc.jsonl:1: found a list of 2, expected one JSON object per line');
    expect(parse('{"input_length": 1, "output_length": 1, "hash_ids": []}')).toBe(
      'mc.jsonl:1: timestamp: found nothing, expected a non-negative number of milliseconds',
    );
    expect(parse('{"timestamp": 0, "input_length": -3, "output_length": 1, "hash_ids": []}')).toBe(
      'mc.jsonl:1: input_length: found -3, expected a non-negative integer token count',
    );
    expect(parse('{"timestamp": 0, "input_length": 3, "output_length": 1.5, "hash_ids": []}')).toBe(
      'mc.jsonl:1: output_length: found 1.5, expected a non-negative integer token count',
    );
    expect(parse('{"timestamp": 0, "input_length": 3, "output_length": 1}')).toBe(
      'mc.jsonl:1: hash_ids: found nothing, expected a list of block hash ids',
    );
    expect(parse('{"timestamp": 0, "input_length": 3, "output_length": 1, "hash_ids": [0, "a"]}')).toBe(
      'mc.jsonl:1: hash_ids[1]: found "a", expected a non-negative integer hash id',
    );
    expect(parse(`${ok}\n\n${ok.replace('2000', '1999.5')}`)).toBe(
      'mc.jsonl:3: timestamp: found 1999.5 after 2000 on line 1, expected non-decreasing arrival times',
    );
  });
});

describe('reconstructConversations()', () => {
  const req = (arrivalSeconds: number, inputTokens: number, outputTokens: number, hashIds: number[]): MooncakeRequest => ({
    arrivalSeconds,
    inputTokens,
    outputTokens,
    hashIds,
  });

  it('links a request to the conversation whose full blocks prefix its own', () => {
    const requests = [
      req(0, 1100, 50, [0, 1, 2]), // full blocks [0, 1]; block 2 is partial
      req(1, 1200, 10, [0, 5, 6]), // shares only the common block 0: a new conversation
      req(30, 1700, 20, [0, 1, 9, 10]), // continues conversation 0 (its partial block re-hashed as 9)
      req(90, 2300, 5, [0, 1, 9, 11, 12]), // continues it again
    ];
    const conversations = reconstructConversations(requests);
    expect(conversations.map((c) => c.turns.map((t) => t.requestIndex))).toEqual([[0, 2, 3], [1]]);
    expect(conversations[0].turns.map((t) => t.appendedInputTokens)).toEqual([1100, 550, 580]);
    expect(conversations[0].turns.map((t) => t.gapSeconds)).toEqual([0, 30, 60]);
  });

  it('needs at least minSharedBlocks full blocks and a longer input', () => {
    const requests = [req(0, 600, 5, [0, 1]), req(1, 700, 5, [0, 1])];
    expect(reconstructConversations(requests)).toHaveLength(2);
    expect(reconstructConversations(requests, { minSharedBlocks: 1 })).toHaveLength(1);
    const shorter = [req(0, 1100, 5, [0, 1, 2]), req(1, 1050, 5, [0, 1, 3])];
    expect(reconstructConversations(shorter)).toHaveLength(2);
  });
});

describe('parseAzureTrace()', () => {
  const header = 'TIMESTAMP,ContextTokens,GeneratedTokens';

  it('makes arrival times relative to the first row, to the 100 ns digit', () => {
    const text = `${header}\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n2023-11-17 00:00:00,1,1\n`;
    const requests = parseAzureTrace(text, 'conv.csv');
    expect(requests.map((r) => [r.inputTokens, r.outputTokens])).toEqual([[374, 44], [396, 109], [1, 1]]);
    expect(requests[0].arrivalSeconds).toBe(0);
    expect(requests[1].arrivalSeconds).toBeCloseTo(4.314579, 9);
    expect(requests[2].arrivalSeconds).toBeCloseTo(5 * 3600 + 44 * 60 + 13.31941, 9);
  });

  it('pins every error message', () => {
    const parse = (body: string) => messageOf(() => parseAzureTrace(`${header}\n${body}`, 'conv.csv'));
    expect(messageOf(() => parseAzureTrace('time,in,out\n', 'conv.csv'))).toBe(
      'conv.csv:1: found header "time,in,out", expected "TIMESTAMP,ContextTokens,GeneratedTokens"',
    );
    expect(parse('2023-11-16 18:15:46.68,374')).toBe('conv.csv:2: found 2 fields, expected 3 (TIMESTAMP,ContextTokens,GeneratedTokens)');
    expect(parse('2023-02-30 18:15:46.68,374,4')).toBe(
      'conv.csv:2: TIMESTAMP: found "2023-02-30 18:15:46.68", expected a time like "2023-11-16 18:15:46.6805900"',
    );
    expect(parse('2023-11-16 18:15:46.68,-374,4')).toBe('conv.csv:2: ContextTokens: found "-374", expected a non-negative integer token count');
    expect(parse('2023-11-16 18:15:46.68,374,4e2')).toBe('conv.csv:2: GeneratedTokens: found "4e2", expected a non-negative integer token count');
    expect(parse('2023-11-16 18:15:46.68,374,4\n2023-11-16 18:15:46.6,1,1')).toBe(
      'conv.csv:3: TIMESTAMP: found "2023-11-16 18:15:46.6" after "2023-11-16 18:15:46.68" on line 2, expected non-decreasing arrival times',
    );
  });
});

describe('fleetplan conversation JSONL', () => {
  const line = '{"id": "c1", "arrival_s": 0.5, "class": "coding", "turns": [{"input_tokens": 15890, "output_tokens": 146}, {"input_tokens": 67, "output_tokens": 40, "tool_latency_s": 2.5}]}';

  it('parses a conversation and formats it back unchanged', () => {
    const conversation = parseFleetplanLine(line, 1, 'conv.jsonl');
    expect(conversation).toEqual({
      id: 'c1',
      arrivalSeconds: 0.5,
      classId: 'coding',
      turns: [
        { inputTokens: 15890, outputTokens: 146, toolLatencySeconds: 0 },
        { inputTokens: 67, outputTokens: 40, toolLatencySeconds: 2.5 },
      ],
    });
    expect(parseFleetplanLine(formatFleetplanLine(conversation), 1, 'conv.jsonl')).toEqual(conversation);
  });

  it('streams line by line with a reader that checks order and ids', () => {
    const reader = createFleetplanReader('conv.jsonl');
    expect(reader.read(line, 1).id).toBe('c1');
    expect(messageOf(() => reader.read(line.replace('"c1"', '"c2"').replace('0.5', '0.25'), 2))).toBe(
      'conv.jsonl:2: arrival_s: found 0.25 after 0.5 on line 1, expected non-decreasing arrival times',
    );
    expect(messageOf(() => reader.read(line.replace('0.5', '0.75'), 3))).toBe(
      'conv.jsonl:3: id: found "c1" again (first on line 1), expected a unique id',
    );
  });

  it('pins every error message', () => {
    const parse = (text: string) => messageOf(() => parseFleetplanTrace(text, 'conv.jsonl'));
    const turn1 = '{"input_tokens": 10, "output_tokens": 2}';
    const conv = (fields: string) => `{"id": "a", "arrival_s": 0, ${fields}}`;
    expect(parse('not json')).toBe('conv.jsonl:1: found malformed JSON "not json", expected one JSON object per line');
    expect(parse('{"id": "a", "arrival": 0, "turns": []}')).toBe(
      'conv.jsonl:1: arrival: found unknown field "arrival", expected one of id, arrival_s, class, turns',
    );
    expect(parse(`{"arrival_s": 0, "turns": [${turn1}]}`)).toBe('conv.jsonl:1: id: found nothing, expected a non-empty string');
    expect(parse(`{"id": "a", "arrival_s": -1, "turns": [${turn1}]}`)).toBe(
      'conv.jsonl:1: arrival_s: found -1, expected a non-negative number of seconds',
    );
    expect(parse(conv(`"class": 3, "turns": [${turn1}]`))).toBe('conv.jsonl:1: class: found 3, expected a non-empty string or nothing');
    expect(parse(conv('"turns": []'))).toBe('conv.jsonl:1: turns: found a list of 0, expected a non-empty list of turns');
    expect(parse(conv('"turns": [5]'))).toBe('conv.jsonl:1: turns[0]: found 5, expected an object with input_tokens and output_tokens');
    expect(parse(conv('"turns": [{"input_tokens": 0, "output_tokens": 2}]'))).toBe(
      'conv.jsonl:1: turns[0].input_tokens: found 0, expected an integer token count ≥ 1',
    );
    expect(parse(conv('"turns": [{"input_tokens": 10}]'))).toBe(
      'conv.jsonl:1: turns[0].output_tokens: found nothing, expected an integer token count ≥ 1',
    );
    expect(parse(conv(`"turns": [${turn1}, {"input_tokens": -1, "output_tokens": 2, "tool_latency_s": 1}]`))).toBe(
      'conv.jsonl:1: turns[1].input_tokens: found -1, expected a non-negative integer token count',
    );
    expect(parse(conv(`"turns": [${turn1}, {"input_tokens": 1.5, "output_tokens": 2, "tool_latency_s": 1}]`))).toBe(
      'conv.jsonl:1: turns[1].input_tokens: found 1.5, expected a non-negative integer token count',
    );
    expect(parse(conv(`"turns": [${turn1}, {"input_tokens": 1, "output_tokens": 2}]`))).toBe(
      'conv.jsonl:1: turns[1].tool_latency_s: found nothing, expected a non-negative number of seconds',
    );
    expect(parse(conv('"turns": [{"input_tokens": 10, "output_tokens": 2, "tool_latency_s": 3}]'))).toBe(
      'conv.jsonl:1: turns[0].tool_latency_s: found 3, expected 0 or nothing on the first turn',
    );
    expect(parse(conv('"turns": [{"input_tokens": 10, "output_tokens": 2, "latency": 3}]'))).toBe(
      'conv.jsonl:1: turns[0].latency: found unknown field "latency", expected one of input_tokens, output_tokens, tool_latency_s',
    );
  });
});
