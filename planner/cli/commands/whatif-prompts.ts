/**
 * The interactive layer of `fleetplan whatif`: it only asks (inquirer) and hands each answer to the session as a
 * change; every question has a flag and a scenario-file entry (whatif.ts, planner/whatif/scenario.ts). Ctrl-C or
 * "quit" ends the session; nothing is written unless asked for.
 */
import { checkbox, input, number, select } from '@inquirer/prompts';
import type { SloMetric } from '../../../catalogs/types.js';
import { POLICY_NAMES, type PolicyName } from '../../kernel/index.js';
import type { Objective } from '../../types.js';
import type { WhatIfChange } from '../../whatif/index.js';
import { EXIT_OK } from '../context.js';
import { isAbsolute } from 'node:path';
import { prepareOutputFile } from '../output-set.js';
import { stepSession, writeScenario, writeSessionReport, type Session } from './whatif.js';

type Action = 'scale' | 'slo' | 'add' | 'remove' | 'price' | 'electricity' | 'cap' | 'objective' | 'policy' | 'undo' | 'save' | 'report' | 'quit';

const MENU: ReadonlyArray<{ value: Action; name: string }> = [
  { value: 'scale', name: 'Scale a class\'s arrival rate' },
  { value: 'slo', name: 'Change an SLO target' },
  { value: 'add', name: 'Add candidate GPU types' },
  { value: 'remove', name: 'Remove candidate GPU types' },
  { value: 'price', name: 'Change a GPU type\'s price' },
  { value: 'electricity', name: 'Change the electricity price' },
  { value: 'cap', name: 'Change the facility power cap' },
  { value: 'objective', name: 'Switch the objective' },
  { value: 'policy', name: 'Switch the policy the check simulates' },
  { value: 'undo', name: 'Undo the last change' },
  { value: 'save', name: 'Save the scenario (YAML)' },
  { value: 'report', name: 'Write the report of the current state (HTML)' },
  { value: 'quit', name: 'Quit' },
];

const positive = (v: number | undefined) => (v !== undefined && v > 0) || 'expected a number > 0';

/** The files a save must not overwrite: those named on the command line and the mix/SLO files the session read. */
function sessionInputs(session: Session, fileInputs: readonly string[]): string[] {
  const { mix, slo } = session.state.inputs;
  return [...fileInputs, ...[mix, slo].filter((ref) => isAbsolute(ref))];
}

async function ask(session: Session, action: Action, context: { signal: AbortSignal }, fileInputs: readonly string[]): Promise<WhatIfChange | undefined> {
  const inputs = session.state.inputs;
  switch (action) {
    case 'scale': {
      const classId = await select({ message: 'Which class?', choices: [{ value: '*', name: 'every class' }, ...session.base.mix.classes.map((c) => ({ value: c.id, name: `${c.id} (${c.arrivalRatePerSecond} conv/s at the start)` }))] }, context);
      const factor = await number({ message: 'Multiply its arrival rate by', step: 'any', required: true, validate: positive }, context);
      return { kind: 'scale-rate', classId, factor: factor! };
    }
    case 'slo': {
      const current = [...session.base.slo.targets.map((t) => ({ metric: t.metric, percentile: t.percentile, slowdown: t.kind === 'slowdown' })), ...inputs.sloTargets.map((t) => ({ metric: t.metric, percentile: t.percentile, slowdown: t.maxSlowdown !== undefined }))];
      const seen = new Set<string>();
      const choices = current.filter((t) => !seen.has(`${t.metric}:${t.percentile}`) && seen.add(`${t.metric}:${t.percentile}`)).map((t) => ({ value: t, name: `p${t.percentile} ${t.metric}${t.slowdown ? ' (× standalone)' : ''}` }));
      const target = await select<{ metric: SloMetric; percentile: number; slowdown: boolean }>({ message: 'Which target?', choices }, context);
      const value = await number({ message: target.slowdown ? 'New bound (× standalone)' : `New bound (${target.metric.endsWith('_ms') ? 'ms' : 's'})`, step: 'any', required: true, validate: positive }, context);
      return { kind: 'set-slo', metric: target.metric, percentile: target.percentile, ...(target.slowdown ? { maxSlowdown: value! } : { max: value! }) };
    }
    case 'add': {
      const others = session.state.known.gpus.filter((g) => !inputs.gpus.includes(g));
      if (others.length === 0) return void session.ctx.stdout('every GPU type is already a candidate\n');
      const gpus = await checkbox({ message: 'Add which GPU types?', choices: others.map((g) => ({ value: g })), required: true }, context);
      return { kind: 'add-gpus', gpus };
    }
    case 'remove': {
      if (inputs.gpus.length < 2) return void session.ctx.stdout('only one candidate GPU type is left\n');
      const gpus = await checkbox({ message: 'Remove which GPU types?', choices: inputs.gpus.map((g) => ({ value: g })), required: true, validate: (c) => c.length < inputs.gpus.length || 'keep at least one' }, context);
      return { kind: 'remove-gpus', gpus };
    }
    case 'price': {
      const gpu = await select({ message: 'Which GPU type?', choices: inputs.gpus.map((g) => ({ value: g })) }, context);
      const spec = { ...session.catalog.gpus.get(gpu)!, ...inputs.prices[gpu] };
      const capexUsd = await number({ message: 'Capex per GPU (USD)', step: 'any', default: spec.capexUsd, required: true, validate: positive }, context);
      const rentUsdPerHour = await number({ message: 'Rent per GPU-hour (USD)', step: 'any', default: spec.rentUsdPerHour, required: true, validate: positive }, context);
      return { kind: 'set-price', gpu, capexUsd: capexUsd!, rentUsdPerHour: rentUsdPerHour! };
    }
    case 'electricity': {
      const usdPerKwh = await number({ message: 'Electricity price (USD per kWh)', step: 'any', default: inputs.electricityUsdPerKwh ?? session.base.datacenter.electricityUsdPerKwh, required: true, validate: positive }, context);
      return { kind: 'set-electricity', usdPerKwh: usdPerKwh! };
    }
    case 'cap': {
      const text = await input({ message: 'Facility GPU power cap in kW ("none" removes it)', validate: (t) => t.trim() === 'none' || Number(t) > 0 || 'expected a number > 0 or "none"' }, context);
      return { kind: 'set-power-cap', kw: text.trim() === 'none' ? null : Number(text) };
    }
    case 'objective': {
      const objective = await select<Objective>({ message: 'Minimise', choices: [{ value: 'tco', name: 'tco (hardware + energy over the horizon)' }, { value: 'energy', name: 'energy (J per output token)' }, { value: 'gpus', name: 'gpus (count)' }], default: inputs.objective }, context);
      return { kind: 'set-objective', objective };
    }
    case 'policy': {
      const policy = await select<PolicyName>({ message: 'Simulate the plan under', choices: POLICY_NAMES.map((p) => ({ value: p })), default: inputs.policy }, context);
      return { kind: 'set-policy', policy };
    }
    case 'undo':
      return { kind: 'undo' };
    case 'save': {
      const file = await input({ message: 'Save the scenario to', default: 'whatif-scenario.yaml' }, context);
      // Never over an input of the session (--script, --mix, the files its references reached): checked first.
      const inputs = sessionInputs(session, fileInputs);
      prepareOutputFile(file, { cwd: session.ctx.cwd, inputs, flag: 'save' });
      session.ctx.stdout(`wrote ${writeScenario(session, file, inputs)}; replay it with: fleetplan whatif --script ${file}\n`);
      return undefined;
    }
    case 'report': {
      const file = await input({ message: 'Write the report to', default: 'whatif-report.html' }, context);
      const inputs = sessionInputs(session, fileInputs);
      prepareOutputFile(file, { cwd: session.ctx.cwd, inputs, flag: 'report' });
      session.ctx.stdout(`wrote ${writeSessionReport(session, file, inputs)}\n`);
      return undefined;
    }
    case 'quit':
      return undefined;
  }
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/** The question loop; returns when the user quits or presses Ctrl-C. */
export async function runInteractive(session: Session, fileInputs: readonly string[]): Promise<number> {
  const context = { signal: session.ctx.signal };
  for (;;) {
    try {
      const action = await select<Action>({ message: 'What next?', choices: MENU.map((m) => ({ value: m.value, name: m.name })), pageSize: MENU.length }, context);
      if (action === 'quit') break;
      const change = await ask(session, action, context, fileInputs);
      if (change) await stepSession(session, change);
    } catch (error) {
      if (isPromptExit(error)) break;
      // A change the session refuses (e.g. an unknown id) is reported and the session goes on.
      if (error instanceof Error && error.name === 'InputError') {
        session.ctx.stderr(`fleetplan: ${error.message}\n`);
        continue;
      }
      throw error;
    }
  }
  session.ctx.stdout('session ended\n');
  return EXIT_OK;
}
