/**
 * The JSON Schemas of catalogs/schemas/, compiled once with ajv (draft 2020-12, strict, all errors). A file's
 * `kind` picks its schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { catalogsDir } from './paths.js';

/** The kinds of input file fleetplan reads, and the schema file of each. */
export const FILE_KINDS = {
  gpu: 'gpu.schema.json',
  llm: 'llm.schema.json',
  mix: 'mix.schema.json',
  slo: 'slo.schema.json',
  datacenter: 'datacenter.schema.json',
  fleet: 'fleet.schema.json',
  plan: 'plan.schema.json',
} as const;

export type FileKind = keyof typeof FILE_KINDS;

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

let compiled: Map<FileKind, ValidateFunction> | undefined;
let distribution: ValidateFunction | undefined;

/** The $id of the one distribution syntax's schema (validated on its own where a flag takes a distribution). */
const DISTRIBUTION_SCHEMA_ID = 'https://fleetplan.dev/schemas/distribution.schema.json';

function compileAll(): Map<FileKind, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv);
  const dir = join(catalogsDir(), 'schemas');
  const byFile = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { $id?: string };
    ajv.addSchema(schema);
    if (schema.$id) byFile.set(name, schema.$id);
  }
  const out = new Map<FileKind, ValidateFunction>();
  for (const [kind, file] of Object.entries(FILE_KINDS) as Array<[FileKind, string]>) {
    const id = byFile.get(file);
    if (!id) throw new Error(`Schema catalogs/schemas/${file} is missing or has no $id`);
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`Schema ${id} did not compile`);
    out.set(kind, validate);
  }
  distribution = ajv.getSchema(DISTRIBUTION_SCHEMA_ID);
  if (!distribution) throw new Error(`Schema ${DISTRIBUTION_SCHEMA_ID} did not compile`);
  return out;
}

/** The compiled validator for a kind of file. */
export function validatorFor(kind: FileKind): ValidateFunction {
  compiled ??= compileAll();
  return compiled.get(kind)!;
}

/** The validator of one distribution (e.g. a `--isl` flag given as `{lognormal: {median: 1024, sigma: 0.5}}`). */
export function distributionValidator(): ValidateFunction {
  compiled ??= compileAll();
  return distribution!;
}

export function isFileKind(value: unknown): value is FileKind {
  return typeof value === 'string' && Object.hasOwn(FILE_KINDS, value);
}
