/**
 * The streaming line reader behind trace workloads: lines cross its 1 MiB chunks, multi-byte characters split
 * across chunks, CRLF and blank lines, and bad bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLinesSync } from '../../../planner/cli/commands/simulate.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetplan-lines-'));

describe('readLinesSync()', () => {
  it('yields every non-blank line with its number across chunk boundaries, CRLF stripped, UTF-8 intact', () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(i % 1000 === 7 ? '' : `line ${i} ${'é'.repeat(i % 97)} ✓`);
    const path = join(dir, 'big.txt');
    writeFileSync(path, lines.join('\r\n'));
    const read = [...readLinesSync(path, 'big.txt')];
    const expected = lines.map((text, i) => ({ text, lineNumber: i + 1 })).filter((l) => l.text !== '');
    expect(read.length).toBe(expected.length);
    expect(read).toEqual(expected);
  });

  it('names the line of bytes that are not UTF-8, and a missing file', () => {
    const path = join(dir, 'bad.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('ok\nfine\n'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
    expect(() => [...readLinesSync(path, 'bad.txt')]).toThrow('bad.txt:3: found bytes that are not UTF-8');
    expect(() => [...readLinesSync(join(dir, 'none.txt'), 'none.txt')]).toThrow('none.txt: found no such file');
  });
});
