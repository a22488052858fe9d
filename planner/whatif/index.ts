/** The what-if session, pure: state and changes, the fast re-plan, the diff table and the scenario file. */
export type { KnownIds, PriceOverride, SloOverride, WhatIfChange, WhatIfInputs, WhatIfState } from './types.js';
export { applyWhatIf, changeInputs, describeChange, startWhatIf } from './apply.js';
export { materialize, overriddenSlo, scaledClass, type Materialized, type WhatIfBase } from './materialize.js';
export { effectivePolicy, replan, type ReplanModels, type ReplanResult, type ReplanSettings } from './replan.js';
export { DIFF_HEAD, diffRows, snapshotOf, snapshotToJson, type Snapshot } from './snapshot.js';
export { parseScenario, scenarioToYaml, SCENARIO_KIND, type Scenario, type RestrictionField } from './scenario.js';
