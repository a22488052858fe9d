/**
 * `fleetplan report RESULT.json [--out FILE]`: writes the self-contained HTML report of a plan, simulation,
 * comparison or validation result. The report is a function of the result file alone.
 */
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { inputError, readTextFile } from '../../../catalogs/index.js';
import { parseResultText, renderReport } from '../../../reports/index.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { writeFileAtomic } from '../write-atomic.js';

export interface ReportArgs {
  /** The result JSON, as the user named it (relative to `ctx.cwd`). */
  readonly input: string;
  /** The HTML file to write; an existing directory gets `report.html` inside it. Default: the input with `.html`. */
  readonly out?: string;
}

/** Where the report goes when `--out` is not given: beside the input, `.json` replaced by `.html`. */
export function defaultReportPath(input: string): string {
  return /\.json$/i.test(input) ? input.replace(/\.json$/i, '.html') : `${input}.html`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Fields every result kind writes as lists: a hand-edited `rounds: 5` must be one line, not a TypeError. */
const LIST_FIELDS = ['rounds', 'instances', 'binding', 'cells', 'pools', 'policies', 'slos', 'steps', 'pareto'];

/** Renders the result, turning a result whose fields do not have the types fleetplan writes into one line. */
function renderChecked(text: string, file: string): string {
  const document = parseResultText(text, file) as unknown as Record<string, unknown>;
  for (const field of LIST_FIELDS) {
    const value = document[field];
    if (value !== undefined && value !== null && !Array.isArray(value)) throw inputError('schema', file, field, `found ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}, expected a list (as fleetplan writes it)`);
  }
  try {
    return renderReport(document, file);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw inputError('schema', file, '', 'found a result whose fields do not have the types fleetplan writes (edited or from another version), expected a result file written by fleetplan');
    }
    throw error;
  }
}

/** Turns the file system's refusals into one-line messages naming the output path. */
function explainWriteError(error: unknown, shown: string): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTDIR' || code === 'EEXIST') throw inputError('usage', shown, '', 'found a file where a directory of the output path should be, expected a path inside a directory');
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw inputError('usage', shown, '', 'found a location this user may not write, expected a writable output path');
  if (code === 'EISDIR') throw inputError('usage', shown, '', 'found a directory, expected a file path for the report');
  throw error;
}

/**
 * Runs `fleetplan report`: reads and checks the result, renders it, and writes the HTML atomically (temporary file,
 * then rename), creating a missing output directory, never over the input. Bad input throws an InputError (exit 2).
 */
export async function runReport(args: ReportArgs, ctx: CommandContext): Promise<number> {
  const inputPath = resolve(ctx.cwd, args.input);
  const text = readTextFile(inputPath, { displayName: args.input });
  const html = renderChecked(text, args.input);
  if (args.out !== undefined && args.out.trim() === '') throw inputError('usage', '', '--out', 'found an empty path, expected a file or directory to write the report into');
  let shown = args.out ?? defaultReportPath(args.input);
  let outPath = resolve(ctx.cwd, shown);
  if (isDirectory(outPath)) {
    outPath = join(outPath, 'report.html');
    shown = relative(ctx.cwd, outPath) || outPath;
  }
  if (outPath === inputPath) {
    throw inputError('usage', shown, '', 'found the input file as the output path, expected a different path (a report never overwrites its input)');
  }
  if (ctx.signal.aborted) throw Object.assign(new Error('interrupted'), { name: 'AbortError' });
  try {
    writeFileAtomic(outPath, html, { inputs: [inputPath], shown });
  } catch (error) {
    if (error instanceof Error && error.name === 'InputError') throw error;
    explainWriteError(error, shown);
  }
  const kib = Buffer.byteLength(html, 'utf8') / 1024;
  ctx.stdout(`Report written to ${shown} (${kib.toFixed(1)} KiB). Open it in a browser; it needs no network.\n`);
  return EXIT_OK;
}
