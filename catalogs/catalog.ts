/**
 * The catalog: built-in entries (catalogs/{gpus,llms,mixes,slos,datacenters}) plus user files that add or override
 * entries by id. Ids are unique within each source; cross-references (a mix's default LLM) must resolve.
 */
import { join, relative } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { catalogsDir, packageRoot } from './paths.js';
import { listDataFiles, loadDocumentFile, type LoadedDocument } from './load.js';
import { InputError, describeValue, type InputIssue } from './issues.js';
import { readBuiltinSnapshot } from './builtin-snapshot.js';
import { toDatacenter, toGpuSpec, toLlmSpec, toMix, toSloSet } from './convert.js';
import type { Catalog, Datacenter, GpuSpec, LlmSpec, Mix, SloSet } from './types.js';

const CATALOG_KINDS = ['gpu', 'llm', 'mix', 'slo', 'datacenter'] as const;
type CatalogKind = (typeof CATALOG_KINDS)[number];
const DIR_OF: Record<CatalogKind, string> = { gpu: 'gpus', llm: 'llms', mix: 'mixes', slo: 'slos', datacenter: 'datacenters' };

interface Entry {
  readonly id: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly loaded: LoadedDocument;
}

type Tables = Record<CatalogKind, Map<string, Entry>>;

function emptyTables(): Tables {
  return { gpu: new Map(), llm: new Map(), mix: new Map(), slo: new Map(), datacenter: new Map() };
}

/** Adds a source's entries; a repeated id inside one source is an issue, across sources the later one wins. */
function addSource(tables: Tables, loaded: readonly LoadedDocument[], issues: InputIssue[]): void {
  const seen = emptyTables();
  for (const doc of loaded) {
    const kind = doc.kind as CatalogKind;
    const id = (doc.raw as { id: string }).id;
    const entry: Entry = { id, file: doc.doc.file, line: doc.doc.lineOf(['id']), loaded: doc };
    const first = seen[kind].get(id);
    if (first) {
      issues.push({
        code: 'duplicate_id', file: entry.file, path: 'id', message: `found ${describeValue(id)} again (first in ${first.file}), expected a unique ${kind} id`,
        ...(entry.line !== undefined ? { line: entry.line } : {}),
      });
      continue;
    }
    seen[kind].set(id, entry);
    tables[kind].set(id, entry);
  }
}

function loadMany(paths: readonly string[], displayOf: (p: string) => string, issues: InputIssue[], expectKinds?: readonly CatalogKind[]): LoadedDocument[] {
  const out: LoadedDocument[] = [];
  for (const p of paths) {
    try {
      out.push(loadDocumentFile(p, { displayName: displayOf(p), expectKinds: expectKinds ?? CATALOG_KINDS }));
    } catch (error) {
      if (error instanceof InputError) issues.push(...error.issues);
      else throw error;
    }
  }
  return out;
}

/** Suggests the nearest known id: ` (did you mean "h100-sxm"?)`, or nothing when there are none. */
export function suggestId(found: string, known: Iterable<string>): string {
  const ids = [...known];
  return ids.length === 0 ? '' : ` (did you mean "${closest(found, ids)}"?)`;
}

function checkReferences(tables: Tables, issues: InputIssue[]): void {
  for (const entry of tables.mix.values()) {
    const llm = (entry.loaded.raw as { llm?: string }).llm;
    if (llm !== undefined && !tables.llm.has(llm)) {
      const line = entry.loaded.doc.lineOf(['llm']);
      issues.push({
        code: 'unknown_reference', file: entry.file, path: 'llm',
        message: `found ${describeValue(llm)}, expected a known LLM id${suggestId(llm, tables.llm.keys())}`,
        ...(line !== undefined ? { line } : {}),
      });
    }
  }
}

function buildCatalog(tables: Tables): Catalog {
  const map = <T>(kind: CatalogKind, convert: (raw: unknown) => T) =>
    new Map([...tables[kind].entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, e]) => [id, convert(e.loaded.raw)] as const));
  return {
    gpus: map<GpuSpec>('gpu', toGpuSpec),
    llms: map<LlmSpec>('llm', toLlmSpec),
    mixes: map<Mix>('mix', toMix),
    slos: map<SloSet>('slo', toSloSet),
    datacenters: map<Datacenter>('datacenter', (raw) => toDatacenter(raw)),
  };
}

export interface LoadCatalogOptions {
  /** User files (gpu, llm, mix, slo or datacenter) that add or override built-in entries by id. */
  readonly userFiles?: readonly string[];
  /** How user paths are shown in messages (default: as given). */
  readonly displayOf?: (path: string) => string;
}

let builtinCache: Catalog | undefined;
let builtinDocuments: LoadedDocument[] | undefined;

/** The built-in files' paths, and how messages name them. */
export function builtinFiles(): { paths: string[]; displayOf: (path: string) => string } {
  const root = packageRoot();
  return { paths: CATALOG_KINDS.flatMap((kind) => listDataFiles(join(catalogsDir(), DIR_OF[kind]))), displayOf: (p) => relative(root, p) };
}

/** The built-in files read and validated (ignoring the build's snapshot), or every problem in them. */
export function loadBuiltinFiles(): LoadedDocument[] {
  const issues: InputIssue[] = [];
  const { paths, displayOf } = builtinFiles();
  const loaded = loadMany(paths, displayOf, issues);
  if (issues.length > 0) throw new InputError(issues);
  return loaded;
}

/**
 * The built-in files, read and validated once per process (they are part of the package, not user input) — from the
 * build's snapshot when it matches them (builtin-snapshot.ts), else from the files.
 */
function loadBuiltinDocuments(): LoadedDocument[] {
  if (builtinDocuments) return builtinDocuments;
  const { paths, displayOf } = builtinFiles();
  return (builtinDocuments = readBuiltinSnapshot(paths, displayOf) ?? loadBuiltinFiles());
}

/** Built-in entries plus user files. Every problem in every file is reported together. */
export function loadCatalog(options: LoadCatalogOptions = {}): Catalog {
  if ((options.userFiles ?? []).length === 0 && builtinCache) return builtinCache;
  const issues: InputIssue[] = [];
  const tables = emptyTables();
  addSource(tables, loadBuiltinDocuments(), issues);
  if (issues.length > 0) throw new InputError(issues);
  const userPaths = options.userFiles ?? [];
  addSource(tables, loadMany(userPaths, options.displayOf ?? ((p) => p), issues), issues);
  checkReferences(tables, issues);
  if (issues.length > 0) throw new InputError(issues);
  const catalog = buildCatalog(tables);
  if (userPaths.length === 0) builtinCache = catalog;
  return catalog;
}

/** The built-in catalog alone (cached). */
export function loadBuiltinCatalog(): Catalog {
  return loadCatalog();
}
