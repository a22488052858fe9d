/**
 * `applyWhatIf(state, change) → state`: the whole session logic, pure. A change is checked against the ids known at
 * the start (unknown GPU or class → InputError naming the change), applied to the current inputs, and pushed on the
 * undo stack; `undo` pops it. Nothing is re-planned here: the caller re-plans from `state.inputs`.
 */
import { inputError, suggestId } from '../../catalogs/index.js';
import type { KnownIds, WhatIfChange, WhatIfInputs, WhatIfState } from './types.js';

/** A fresh session at `start`. */
export function startWhatIf(start: WhatIfInputs, known: KnownIds): WhatIfState {
  return { start, inputs: start, applied: [], history: [], known };
}

function checkPositive(value: number, path: string, what: string): void {
  if (!(Number.isFinite(value) && value > 0)) throw inputError('invalid_value', '', path, `found ${value}, expected ${what} > 0`);
}

function checkGpu(id: string, known: KnownIds, path: string): void {
  if (!known.gpus.includes(id)) throw inputError('unknown_reference', '', path, `found "${id}", expected a GPU type id${suggestId(id, known.gpus)}`);
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

/** The inputs after one change (no undo here). Throws InputError when the change names something unknown. */
export function changeInputs(inputs: WhatIfInputs, change: Exclude<WhatIfChange, { kind: 'undo' }>, known: KnownIds): WhatIfInputs {
  switch (change.kind) {
    case 'scale-rate': {
      checkPositive(change.factor, 'scale_rate.factor', 'a rate multiplier');
      if (change.classId !== '*' && !known.classes.includes(change.classId)) {
        throw inputError('unknown_reference', '', 'scale_rate.class', `found "${change.classId}", expected "*" or a class of the mix (${known.classes.join(', ')})`);
      }
      const factor = (inputs.rateScale[change.classId] ?? 1) * change.factor;
      return { ...inputs, rateScale: { ...withoutKey(inputs.rateScale, change.classId), [change.classId]: factor } };
    }
    case 'set-slo': {
      if ((change.max === undefined) === (change.maxSlowdown === undefined)) throw inputError('invalid_value', '', 'set_slo', 'found both or neither of max and max_slowdown, expected exactly one');
      checkPositive(change.max ?? change.maxSlowdown!, 'set_slo.max', 'a target');
      if (!(change.percentile > 0 && change.percentile < 100)) throw inputError('invalid_value', '', 'set_slo.percentile', `found ${change.percentile}, expected a percentile in (0, 100)`);
      const { kind: _kind, ...target } = change;
      const others = inputs.sloTargets.filter((t) => !(t.metric === change.metric && t.percentile === change.percentile));
      return { ...inputs, sloTargets: [...others, target] };
    }
    case 'add-gpus': {
      change.gpus.forEach((g, i) => checkGpu(g, known, `add_gpus[${i}]`));
      return { ...inputs, gpus: [...inputs.gpus, ...change.gpus.filter((g, i) => !inputs.gpus.includes(g) && change.gpus.indexOf(g) === i)] };
    }
    case 'remove-gpus': {
      change.gpus.forEach((g, i) => {
        if (!inputs.gpus.includes(g)) throw inputError('invalid_value', '', `remove_gpus[${i}]`, `found "${g}", expected one of the candidates (${inputs.gpus.join(', ')})`);
      });
      const gpus = inputs.gpus.filter((g) => !change.gpus.includes(g));
      if (gpus.length === 0) throw inputError('invalid_value', '', 'remove_gpus', 'found every candidate GPU type removed, expected at least one left');
      return { ...inputs, gpus };
    }
    case 'set-price': {
      checkGpu(change.gpu, known, 'set_price.gpu');
      if (change.capexUsd === undefined && change.rentUsdPerHour === undefined) throw inputError('invalid_value', '', 'set_price', 'found no price, expected capex_usd and/or rent_usd_per_h');
      if (change.capexUsd !== undefined) checkPositive(change.capexUsd, 'set_price.capex_usd', 'a price');
      if (change.rentUsdPerHour !== undefined) checkPositive(change.rentUsdPerHour, 'set_price.rent_usd_per_h', 'a price');
      const before = inputs.prices[change.gpu] ?? {};
      const price = { ...before, ...(change.capexUsd !== undefined ? { capexUsd: change.capexUsd } : {}), ...(change.rentUsdPerHour !== undefined ? { rentUsdPerHour: change.rentUsdPerHour } : {}) };
      return { ...inputs, prices: { ...inputs.prices, [change.gpu]: price } };
    }
    case 'set-electricity':
      checkPositive(change.usdPerKwh, 'set_electricity.usd_per_kwh', 'a price');
      return { ...inputs, electricityUsdPerKwh: change.usdPerKwh };
    case 'set-power-cap':
      if (change.kw !== null) checkPositive(change.kw, 'set_power_cap.kw', 'a power cap');
      return { ...inputs, powerCapKw: change.kw };
    case 'set-objective':
      return { ...inputs, objective: change.objective };
    case 'set-policy':
      return { ...inputs, policy: change.policy };
  }
}

/** The session after `change`: applied and pushed on the undo stack, or (for `undo`) the last change taken back. */
export function applyWhatIf(state: WhatIfState, change: WhatIfChange): WhatIfState {
  if (change.kind === 'undo') {
    if (state.applied.length === 0) return state;
    return { ...state, inputs: state.history[state.history.length - 1]!, applied: state.applied.slice(0, -1), history: state.history.slice(0, -1) };
  }
  const inputs = changeInputs(state.inputs, change, state.known);
  return { ...state, inputs, applied: [...state.applied, change], history: [...state.history, state.inputs] };
}

/** One line in words, for transcripts and the diff table's heading. */
export function describeChange(change: WhatIfChange): string {
  switch (change.kind) {
    case 'scale-rate': return `arrival rate of ${change.classId === '*' ? 'every class' : change.classId} × ${change.factor}`;
    case 'set-slo': return `p${change.percentile} ${change.metric} ${change.max !== undefined ? `≤ ${change.max}` : `≤ ${change.maxSlowdown}× standalone`}`;
    case 'add-gpus': return `add candidate GPU types ${change.gpus.join(', ')}`;
    case 'remove-gpus': return `remove candidate GPU types ${change.gpus.join(', ')}`;
    case 'set-price': return `price of ${change.gpu}: ${[change.capexUsd !== undefined ? `capex ${change.capexUsd} USD` : '', change.rentUsdPerHour !== undefined ? `rent ${change.rentUsdPerHour} USD/h` : ''].filter((s) => s !== '').join(', ')}`;
    case 'set-electricity': return `electricity ${change.usdPerKwh} USD/kWh`;
    case 'set-power-cap': return change.kw === null ? 'no facility power cap' : `facility power cap ${change.kw} kW`;
    case 'set-objective': return `objective ${change.objective}`;
    case 'set-policy': return `check under policy ${change.policy}`;
    case 'undo': return 'undo the last change';
  }
}
