/** catalogs/: what the world is — typed catalog values, the validating loader, and input errors. */
export type * from './types.js';
export { loadCatalog, loadBuiltinCatalog, suggestId, type LoadCatalogOptions } from './catalog.js';
export { loadDocumentFile, loadDocumentText, listDataFiles, type LoadedDocument } from './load.js';
export { resolveMix, resolveSloSet, loadFleetFile, loadPlanFile, type PlanFile } from './resolve.js';
export { readTextFile, decodeUtf8, DEFAULT_MAX_INPUT_BYTES } from './read-file.js';
export { InputError, formatIssue, inputError, toDotPath, describeValue, type InputIssue, type IssueCode } from './issues.js';
export { FILE_KINDS, distributionValidator, type FileKind } from './schemas.js';
export { packageRoot, catalogsDir, packageVersion } from './paths.js';
export { toDistribution, toFleet, toMix, toSloSet, toGpuSpec, toLlmSpec, toDatacenter } from './convert.js';
export { catalogFingerprint } from './fingerprint.js';
export { checkLayoutFlags } from './check-pools.js';
export {
  PRECISIONS, KV_DTYPES, BYTES_PER_WEIGHT, BYTES_PER_KV_ELEMENT, nativePrecision, nativeKvDtype, gpuPrecisions, peakFlopsPerSecond,
  unsupportedPrecisionMessage, layoutProblem, resolveLayout, nodesSpanned, layoutLabel, instanceGpus, layoutCacheKey, type ResolvedLayout,
} from './precision.js';
