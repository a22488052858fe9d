/** models/: what a GPU does with an LLM. The only entry point other folders import. */
export type { ModelProvenance, PerfModel, PowerState, LinkModel } from './types.js';
export { kvTransferSeconds } from './types.js';
export { createPerfModel, findPairRecord, type CreatePerfModelOptions } from './create.js';
export { kvBytesPerToken, linearStateBytesPerSequence, weightBytes, kvCapacityTokens, computeKvCapacity, activeParameters, routedExpertParameters, residentWeightBytes, type KvCapacity, type KvCapacityOptions } from './specs.js';
export { fitProfile, requiredRows, toPairRecord, type FitOptions, type FitResult, type HoldoutSplit, type InstanceFit, type PhaseFit } from './fit.js';
export { predictOperatingPoint, type OperatingPoint, type OperatingPointInput, type PredictResult } from './predict.js';
export { BUILTIN_COEFFICIENTS } from './builtin.js';
export type { CoefficientSet, PairFitRecord, RooflineCalibration, PowerCalibration, GpuEfficiency, LatencyCoefficients } from './coefficients.js';
export type { ProfileRow, ImportedProfile, ExcludedRows, Phase } from './profile.js';
export { importSplitwise } from './importers/splitwise.js';
export { importFleetplanProfile, PROFILE_COLUMNS } from './importers/fleetplan-profile.js';
export { importMlEnergy, type MlEnergyRun } from './importers/mlenergy.js';
export { importVidurOperators, importVidurCollectives } from './importers/vidur.js';
export { importAicGemm, importAicContextAttention, importAicGenerationAttention, importAicNccl } from './importers/aiconfigurator.js';
export { importProfileText, PROFILE_FORMATS, type ProfileFormat } from './importers/index.js';
