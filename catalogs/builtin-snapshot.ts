/**
 * The built-in catalog's validated documents, written by the build (precompiled-validators.ts) beside this module, so
 * a command does not parse and validate some forty YAML files at every start (about 0.5 s of a 2 s `export`).
 *
 * The snapshot is used only when it provably holds what loading would give: its fingerprint covers every built-in
 * file's path and bytes, the schema files and ajv's version (schemasFingerprint), and the loader's own code (every
 * module in this directory), and the run's `input-items` limit is not lowered below the default (a lowered limit
 * must still refuse a built-in file, as it did). Otherwise — running from source, a catalog file edited after the
 * build, an unreadable file — the files are loaded as before, with the same messages.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS, currentLimits } from './limits.js';
import { readSchemaFiles, schemasFingerprint } from './schemas.js';
import type { LoadedDocument } from './load.js';
import type { FileKind } from './schemas.js';

export const BUILTIN_SNAPSHOT_FILE = 'builtin-catalog.generated.json';

/** The document fields whose lines catalog.ts reports (an entry's `id`, a mix's `llm`), and the root. */
const LINE_PATHS: ReadonlyArray<readonly string[]> = [[], ['id'], ['llm']];

interface SnapshotDocument {
  readonly kind: FileKind;
  readonly file: string;
  readonly raw: unknown;
  /** Line of each path of LINE_PATHS that has one, keyed by the path joined with '.'. */
  readonly lines: Record<string, number>;
}

interface Snapshot {
  readonly fingerprint: string;
  readonly documents: readonly SnapshotDocument[];
}

const moduleDir = (): string => fileURLToPath(new URL('.', import.meta.url));

/** The loader's code: every module of this directory (dist/catalogs when built), generated files aside. */
function loaderCode(hash: ReturnType<typeof createHash>): void {
  const dir = moduleDir();
  for (const name of readdirSync(dir).filter((n) => /\.(js|ts)$/.test(n) && !n.includes('.generated.')).sort()) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(dir, name)));
  }
}

/** The fingerprint of the built-in files `paths` (shown as `displayOf(path)`) under the current schemas and loader. */
export function builtinFingerprint(paths: readonly string[], displayOf: (path: string) => string): string {
  const hash = createHash('sha256');
  hash.update(`${schemasFingerprint(readSchemaFiles())}\n`);
  loaderCode(hash);
  for (const p of paths) {
    const bytes = readFileSync(p);
    hash.update(`${displayOf(p)}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The snapshot's JSON for already loaded (validated) built-in documents. */
export function snapshotText(documents: readonly LoadedDocument[], fingerprint: string): string {
  const docs: SnapshotDocument[] = documents.map((d) => {
    const lines: Record<string, number> = {};
    for (const path of LINE_PATHS) {
      const line = d.doc.lineOf(path);
      if (line !== undefined) lines[path.join('.')] = line;
    }
    return { kind: d.kind, file: d.doc.file, raw: d.raw, lines };
  });
  return JSON.stringify({ fingerprint, documents: docs } satisfies Snapshot);
}

function asLoaded(d: SnapshotDocument): LoadedDocument {
  return {
    kind: d.kind,
    raw: d.raw,
    doc: {
      file: d.file,
      value: d.raw,
      // The nearest recorded ancestor, as ParsedDocument.lineOf answers for a path that does not exist.
      lineOf: (path) => {
        for (let n = path.length; n >= 0; n--) {
          const key = path.slice(0, n).join('.');
          if (Object.hasOwn(d.lines, key)) return d.lines[key];
        }
        return undefined;
      },
    },
  };
}

/** The built-in documents from the build's snapshot in `dir` (beside this module), or undefined when it is absent or does not match (see above). */
export function readBuiltinSnapshot(paths: readonly string[], displayOf: (path: string) => string, dir = moduleDir()): LoadedDocument[] | undefined {
  if (currentLimits()['input-items'] < DEFAULT_LIMITS['input-items']) return undefined;
  const file = join(dir, BUILTIN_SNAPSHOT_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    if (snapshot.fingerprint !== builtinFingerprint(paths, displayOf)) return undefined;
    return snapshot.documents.map(asLoaded);
  } catch {
    return undefined; // unreadable or damaged: load the files, which reports any problem with the usual message
  }
}
