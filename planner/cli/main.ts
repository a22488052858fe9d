/**
 * The CLI shell: parses argv with commander, runs one command, and turns every outcome into an exit code —
 * 0 success / plan holds, 1 a plan does not hold or no plan exists, 2 bad input or usage. User-fixable errors print
 * one line per problem and no stack; anything else is a bug and prints its stack.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError, formatIssue, packageVersion } from '../../catalogs/index.js';
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

function buildProgram(ctx: CommandContext, setExit: (code: number) => void, onUsageError: (text: string) => void): Command {
  const program = new Command('fleetplan')
    .description('Plan and check GPU fleets for LLM agent serving: size prefill and decode tiers under TTFET/TBT SLOs, power and budget, and prove each plan in a conversation-level simulator.')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr, outputError: (text) => onUsageError(text) })
    .addHelpText('after', '\nExamples:\n  fleetplan catalog gpus\n  fleetplan plan --mix coding-agent --llm llama-3.1-70b --out plan-out\n  fleetplan validate plan-out/plan.yaml --junit results.xml\n\nExit codes: 0 success or plan holds, 1 plan does not hold or no plan exists, 2 bad input or usage.');
  for (const spec of COMMAND_SPECS) {
    const cmd = program.command(spec.usage).description(spec.description).exitOverride()
      .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr, outputError: (text) => onUsageError(text) });
    addOptions(cmd, spec);
    cmd.addHelpText('after', `\nExample:\n  ${spec.example}\n`);
    cmd.action(async (...args: unknown[]) => {
      const positional = args.slice(0, spec.positionals);
      const options = args[spec.positionals] as Record<string, unknown>;
      setExit(await spec.run(positional as string[], options, ctx));
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
    if (error instanceof Error && error.name === 'AbortError') {
      ctx.stderr('fleetplan: interrupted; no output was written\n');
      return 130;
    }
    throw error;
  }
}
