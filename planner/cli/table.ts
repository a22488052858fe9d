/** Tables for people: box-drawn on a terminal, plain aligned columns when piped (no colour codes either way). */
import Table from 'cli-table3';

export function renderTable(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, options: { terminal: boolean; align?: ReadonlyArray<'left' | 'right'> }): string {
  const colAligns = (options.align ?? head.map(() => 'left' as const)) as Array<'left' | 'right'>;
  const table = options.terminal
    ? new Table({ head: [...head], colAligns, style: { head: [], border: [] } })
    : new Table({
        head: [...head],
        colAligns,
        chars: {
          top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
          left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
        },
        style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
      });
  for (const row of rows) table.push(row.map(String));
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}
