/**
 * The CLI shell: parses argv with commander, runs one command, and turns every outcome into an exit code —
 * 0 success / plan holds, 1 a plan does not hold or no plan exists, 2 bad input or usage. User-fixable errors print
 * one line per problem and no stack; anything else is a bug and prints its stack.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LIMITS, InputError, LIMIT_NAMES, formatIssue, packageVersion, parseLimitAssignment, withLimits, type Limits } from '../../catalogs/index.js';
import { collect } from './flags.js';
import { EXIT_BAD_INPUT, type CommandContext } from './context.js';
import { COMMAND_SPECS, type CommandSpec } from './commands/specs.js';

function addOptions(cmd: Command, spec: CommandSpec): void {
  for (const o of spec.options) {
    const option = new Option(o.flags, o.description);
    if (o.parse) option.argParser(o.parse as (value: string, previous: unknown) => unknown);
    if (o.default !== undefined) option.default(o.default);
    if (o.choices) option.choices(o.choices);
    if (o.required) option.makeOptionMandatory();
    cmd.addOption(option);
  }
}

/** commander's multi-line error text → one line: `--tp: found "three", expected an integer ≥ 1`. */
export function oneLineUsageError(text: string): string {
  const flat = text.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  const invalid = /^option '(-[^ ']+)[^']*' argument '.*?' is invalid\. (.*)$/.exec(flat);
  if (invalid) return `${invalid[1]}: ${invalid[2]}`;
  return flat.replace('(Did you mean', '(did you mean');
}

/** Commands that follow `mix:`/`slo:` references inside input files (and so take --allow-dir). */
const REFERENCE_COMMANDS = new Set(['simulate', 'compare', 'validate', 'whatif', 'sweep']);

/** `--limit NAME=N` (every command) and `--allow-dir DIR` (commands that follow references). */
function addRunOptions(cmd: Command, name: string): void {
  cmd.addOption(new Option('--limit <name=n>', `raise (or lower) a resource limit for this run; repeatable; names: ${LIMIT_NAMES.map((n) => `${n} (default ${DEFAULT_LIMITS[n]})`).join(', ')}`)
    .argParser((value: string, previous: string[] | undefined) => {
      try {
        parseLimitAssignment(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
      return collect(value, previous);
    }));
  if (REFERENCE_COMMANDS.has(name)) cmd.addOption(new Option('--allow-dir <dir>', 'let mix/slo references inside input files reach files under DIR (default: the working directory and the directories of the files named here); repeatable').argParser(collect));
}

function limitsOf(options: Record<string, unknown>): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const text of (options.limit as string[] | undefined) ?? []) {
    const [name, value] = parseLimitAssignment(text);
    out[name] = value;
  }
  return out as Limits;
}

function buildProgram(ctx: CommandContext, setExit: (code: number) => void, onUsageError: (text: string) => void): Command {
  const program = new Command('fleetplan')
    .description('Plan and check GPU fleets for LLM agent serving: size prefill and decode tiers under TTFET/TBT SLOs, power and budget, and prove each plan in a conversation-level simulator.')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr, outputError: (text) => onUsageError(text) })
    .addHelpText('after', `\nExamples:\n  fleetplan catalog gpus\n  fleetplan plan --mix coding-agent --llm llama-3.1-70b --out plan-out\n  fleetplan validate plan-out/plan.yaml --junit results.xml\n\nExit codes: 0 success or plan holds, 1 plan does not hold or no plan exists, 2 bad input or usage.\n\nLimits: every command refuses, before the work, inputs past ${LIMIT_NAMES.map((n) => `${n} ${DEFAULT_LIMITS[n]}`).join(', ')}; raise one for a run with --limit NAME=N. --allow-dir DIR lets mix/slo references inside input files reach DIR (simulate, compare, validate, whatif, sweep).`);
  for (const spec of COMMAND_SPECS) {
    const cmd = program.command(spec.usage).description(spec.description).exitOverride()
      .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr, outputError: (text) => onUsageError(text) });
    addOptions(cmd, spec);
    addRunOptions(cmd, spec.usage.split(' ')[0]!);
    cmd.addHelpText('after', `\nExample:\n  ${spec.example}\n`);
    cmd.action(async (...args: unknown[]) => {
      const positional = args.slice(0, spec.positionals);
      const options = args[spec.positionals] as Record<string, unknown>;
      const runCtx: CommandContext = Array.isArray(options.allowDir) ? { ...ctx, allowDirs: options.allowDir as string[] } : ctx;
      setExit(await withLimits(limitsOf(options), () => spec.run(positional as string[], options, runCtx)));
    });
  }
  return program;
}

/** Runs fleetplan with `argv` (without node and script) and returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], ctx: CommandContext): Promise<number> {
  let exitCode = 0;
  let usageError = '';
  const program = buildProgram(ctx, (code) => (exitCode = code), (text) => (usageError += text));
  try {
    if (argv.length === 0) {
      ctx.stdout(program.helpInformation());
      return 0;
    }
    // `fleetplan nosuchcommand --help` would print the main help and exit 0: name the unknown command instead.
    const first = argv[0];
    if (!first.startsWith('-') && first !== 'help' && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
      const known = program.commands.map((c) => c.name());
      ctx.stderr(`fleetplan: unknown command '${first}', expected one of ${known.join(', ')} (see "fleetplan --help")\n`);
      return EXIT_BAD_INPUT;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      const command = argv[0] && !argv[0].startsWith('-') ? `${argv[0]} ` : '';
      ctx.stderr(`fleetplan: ${oneLineUsageError(usageError || error.message)} (see "fleetplan ${command}--help")\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      for (const issue of error.issues) ctx.stderr(`fleetplan: ${formatIssue(issue)}\n`);
      return EXIT_BAD_INPUT;
    }
    const sys = error as NodeJS.ErrnoException;
    if (error instanceof Error && typeof sys.code === 'string' && typeof sys.path === 'string' && /^E[A-Z]+$/.test(sys.code)) {
      // The file system refused something a command did not foresee: still the user's environment, not a bug.
      ctx.stderr(`fleetplan: ${sys.path}: found ${sys.code} (${sys.syscall ?? 'file access'} failed), expected a readable input or a writable output path\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof Error && error.name === 'AbortError') {
      ctx.stderr('fleetplan: interrupted; no output was written\n');
      return 130;
    }
    throw error;
  }
}
