/**
 * The JSON Schemas of catalogs/schemas/ as validators (ajv, draft 2020-12, strict, all errors). A file's `kind` picks
 * its schema.
 *
 * Compiling the schemas with ajv costs about half a second of start-up (loading ajv, checking every schema against
 * the meta-schema, generating code), so the build writes the same validators as ajv standalone code beside this
 * module (precompiled-validators.ts, `npm run build`). They are used only when the fingerprint they were generated
 * from — every schema file's bytes and ajv's version — matches the files here; otherwise (running from source, a
 * schema edited after the build) the schemas are compiled at run time, as before. Either way the validators are the
 * code ajv generates for these schemas with these options, so errors are the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Options, ValidateFunction } from 'ajv';
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

/** The $id of the one distribution syntax's schema (validated on its own where a flag takes a distribution). */
export const DISTRIBUTION_SCHEMA_ID = 'https://fleetplan.dev/schemas/distribution.schema.json';

/** The options every validator is compiled with (run time and build time alike). */
export const AJV_OPTIONS: Options = { allErrors: true, strict: true, verbose: true };

/** The module the build writes beside this one (a CommonJS file: ajv's standalone code `require`s its runtime). */
export const PRECOMPILED_VALIDATORS_FILE = 'validators.generated.cjs';

const require = createRequire(import.meta.url);

interface SchemaFile {
  readonly name: string;
  readonly text: string;
}

/** Every `*.schema.json` of catalogs/schemas/, sorted by name, as text. */
export function readSchemaFiles(): SchemaFile[] {
  const dir = join(catalogsDir(), 'schemas');
  return readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort().map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** What precompiled validators must have been generated from to be used: the schema files' bytes and ajv's version. */
export function schemasFingerprint(files: readonly SchemaFile[]): string {
  const hash = createHash('sha256');
  hash.update(`ajv ${(require('ajv/package.json') as { version: string }).version}\n`);
  for (const f of files) hash.update(`${f.name}\n${f.text.length}\n${f.text}`);
  return `sha256:${hash.digest('hex')}`;
}

/** A new ajv with every schema added (compiled on first use); `code` is set only when generating standalone code. */
export function ajvWithSchemas(files: readonly SchemaFile[], code?: Options['code']): { ajv: Ajv2020; idOf: Map<string, string> } {
  // Loaded here, not at the top: a run whose validators were precompiled never loads ajv's compiler.
  const { Ajv2020: AjvClass } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formatsModule = require('ajv-formats') as { default?: unknown };
  const addFormats = (formatsModule.default ?? formatsModule) as (ajv: Ajv2020) => void;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  addFormats(ajv);
  const idOf = new Map<string, string>();
  for (const f of files) {
    const schema = JSON.parse(f.text) as { $id?: string };
    ajv.addSchema(schema);
    if (schema.$id) idOf.set(f.name, schema.$id);
  }
  return { ajv, idOf };
}

/** The schema $id of each kind (and of the distribution schema), checked to exist. */
export function validatorIds(idOf: ReadonlyMap<string, string>): Record<FileKind | 'distribution', string> {
  const out: Record<string, string> = {};
  for (const [kind, file] of Object.entries(FILE_KINDS)) {
    const id = idOf.get(file);
    if (!id) throw new Error(`Schema catalogs/schemas/${file} is missing or has no $id`);
    out[kind] = id;
  }
  out.distribution = DISTRIBUTION_SCHEMA_ID;
  return out as Record<FileKind | 'distribution', string>;
}

export type Validators = (name: FileKind | 'distribution') => ValidateFunction;

/** The build's standalone validators, when they exist in `dir` (beside this module) and match the schema files. */
export function precompiledValidators(fingerprint: string, dir = fileURLToPath(new URL('.', import.meta.url))): Validators | undefined {
  const path = join(dir, PRECOMPILED_VALIDATORS_FILE);
  if (!existsSync(path)) return undefined;
  let mod: Record<string, unknown>;
  try {
    mod = require(path) as Record<string, unknown>;
  } catch {
    return undefined; // damaged (e.g. a build cut short): compile at run time instead
  }
  if (mod.fingerprint !== fingerprint) return undefined;
  return (name) => mod[name] as ValidateFunction;
}

/** Compiles at run time, one schema at a time as each is first asked for. */
export function compiledNow(files: readonly SchemaFile[]): Validators {
  const { ajv, idOf } = ajvWithSchemas(files);
  const ids = validatorIds(idOf);
  return (name) => {
    const validate = ajv.getSchema(ids[name]);
    if (!validate) throw new Error(`Schema ${ids[name]} did not compile`);
    return validate;
  };
}

let validators: Validators | undefined;

function load(): Validators {
  if (validators) return validators;
  const files = readSchemaFiles();
  return (validators = precompiledValidators(schemasFingerprint(files)) ?? compiledNow(files));
}

/** The validator for a kind of file. */
export function validatorFor(kind: FileKind): ValidateFunction {
  return load()(kind);
}

/** The validator of one distribution (e.g. a `--isl` flag given as `{lognormal: {median: 1024, sigma: 0.5}}`). */
export function distributionValidator(): ValidateFunction {
  return load()('distribution');
}

export function isFileKind(value: unknown): value is FileKind {
  return typeof value === 'string' && Object.hasOwn(FILE_KINDS, value);
}
