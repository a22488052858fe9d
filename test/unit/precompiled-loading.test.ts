/**
 * The build's start-up caches (catalogs/precompile.ts) give exactly what loading gives: the ajv standalone validators
 * report the same errors as the validators compiled at run time, the built-in catalog snapshot holds the same
 * documents and lines as reading the files, and either is refused (the files are loaded) when it does not match.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  FILE_KINDS, PRECOMPILED_VALIDATORS_FILE, compiledNow, precompiledValidators, readSchemaFiles, schemasFingerprint, type FileKind,
} from '../../catalogs/schemas.js';
import { BUILTIN_SNAPSHOT_FILE, builtinFingerprint, readBuiltinSnapshot } from '../../catalogs/builtin-snapshot.js';
import { builtinFiles, loadBuiltinFiles } from '../../catalogs/catalog.js';
import { builtinSnapshotSource, precompiledValidatorsSource } from '../../catalogs/precompile.js';
import { withLimits, DEFAULT_LIMITS } from '../../catalogs/limits.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

// Inside the repository (test/.artifacts is ignored): the generated code `require`s ajv's runtime from node_modules.
mkdirSync(join(repoRoot, 'test', '.artifacts'), { recursive: true });
const dir = mkdtempSync(join(repoRoot, 'test', '.artifacts', 'precompiled-'));
const files = readSchemaFiles();
const fingerprint = schemasFingerprint(files);
writeFileSync(join(dir, PRECOMPILED_VALIDATORS_FILE), precompiledValidatorsSource());
const standalone = precompiledValidators(fingerprint, dir)!;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runtime = compiledNow(files);

/** Valid documents of every kind, and ways to break them that reach different schema keywords. */
function damaged(value: Record<string, unknown>): Array<Record<string, unknown>> {
  const keys = Object.keys(value).filter((k) => k !== 'kind');
  const out: Array<Record<string, unknown>> = [{ ...value, not_a_field: 1 }, { ...value, id: 42 }];
  for (const k of keys) {
    const without = { ...value };
    delete without[k];
    out.push(without, { ...value, [k]: 'text' }, { ...value, [k]: -1 }, { ...value, [k]: [] }, { ...value, [k]: { nested: true } });
  }
  return out;
}

const errorsOf = (validate: ReturnType<typeof runtime>, value: unknown) => (validate(value) ? [] : structuredClone(validate.errors));

describe('precompiled validators', () => {
  it('exist for every kind and the distribution syntax, and are refused under another fingerprint or when damaged', () => {
    for (const kind of [...Object.keys(FILE_KINDS), 'distribution'] as Array<FileKind | 'distribution'>) expect(typeof standalone(kind)).toBe('function');
    expect(precompiledValidators('sha256:other', dir)).toBeUndefined();
    expect(precompiledValidators(fingerprint, scratchDir('fleetplan-empty-'))).toBeUndefined();
    const damagedDir = scratchDir('fleetplan-damaged-');
    writeFileSync(join(damagedDir, PRECOMPILED_VALIDATORS_FILE), 'exports.fingerprint = ');
    expect(precompiledValidators(fingerprint, damagedDir)).toBeUndefined();
  });

  it('the fingerprint changes with any schema byte', () => {
    const edited = files.map((f, i) => (i === 0 ? { ...f, text: `${f.text} ` } : f));
    expect(schemasFingerprint(edited)).not.toBe(fingerprint);
  });

  it('report the same errors (keyword, paths, params, message, data, schema) as run-time compilation', () => {
    const { paths } = builtinFiles();
    let compared = 0;
    let invalid = 0;
    for (const path of paths) {
      const value = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const kind = value.kind as FileKind;
      for (const doc of [value, ...damaged(value)]) {
        const expected = errorsOf(runtime(kind), doc);
        expect(errorsOf(standalone(kind), doc)).toEqual(expected);
        compared++;
        if (expected && expected.length > 0) invalid++;
      }
    }
    for (const d of [{ lognormal: { median: 1024, sigma: 0.5 } }, { lognormal: { median: -1 } }, { nosuch: {} }, 3, 'x']) {
      expect(errorsOf(standalone('distribution'), d)).toEqual(errorsOf(runtime('distribution'), d));
    }
    expect(compared).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(900);
  });
});

describe('built-in catalog snapshot', () => {
  const snapshotDir = scratchDir('fleetplan-snapshot-');
  writeFileSync(join(snapshotDir, BUILTIN_SNAPSHOT_FILE), builtinSnapshotSource());
  const { paths, displayOf } = builtinFiles();

  it('holds the documents, files and reported lines that reading the files gives', () => {
    const fromFiles = loadBuiltinFiles();
    const fromSnapshot = readBuiltinSnapshot(paths, displayOf, snapshotDir)!;
    expect(fromSnapshot).toHaveLength(fromFiles.length);
    fromFiles.forEach((d, i) => {
      const s = fromSnapshot[i]!;
      expect([s.kind, s.doc.file]).toEqual([d.kind, d.doc.file]);
      expect(s.raw).toEqual(d.raw);
      for (const path of [[], ['id'], ['llm']]) expect(s.doc.lineOf(path), `${d.doc.file} ${path.join('.')}`).toBe(d.doc.lineOf(path));
    });
  });

  it('is refused when a file differs, when it is absent, or when input-items is lowered', () => {
    expect(builtinFingerprint(paths, (p) => `${displayOf(p)}x`)).not.toBe(builtinFingerprint(paths, displayOf));
    expect(readBuiltinSnapshot(paths.slice(1), displayOf, snapshotDir)).toBeUndefined();
    expect(readBuiltinSnapshot(paths, displayOf, scratchDir('fleetplan-empty-'))).toBeUndefined();
    expect(withLimits({ ...DEFAULT_LIMITS, 'input-items': 10 }, () => readBuiltinSnapshot(paths, displayOf, snapshotDir))).toBeUndefined();
    expect(withLimits({ ...DEFAULT_LIMITS, 'input-items': 1e9 }, () => readBuiltinSnapshot(paths, displayOf, snapshotDir))).toBeDefined();
  });

  it('a damaged snapshot is refused, not trusted', () => {
    const damagedDir = scratchDir('fleetplan-damaged-');
    writeFileSync(join(damagedDir, BUILTIN_SNAPSHOT_FILE), '{"fingerprint": ');
    expect(readBuiltinSnapshot(paths, displayOf, damagedDir)).toBeUndefined();
  });
});
