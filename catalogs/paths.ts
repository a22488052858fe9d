/**
 * Where the package's own files are. The same code runs from source (tsx, vitest) and from dist/ (npx fleetplan),
 * so the package root is found by walking up to fleetplan's package.json rather than by a fixed relative path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The directory holding fleetplan's package.json. */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'fleetplan') return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('fleetplan package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The built-in catalogs directory. */
export function catalogsDir(): string {
  return join(packageRoot(), 'catalogs');
}

/** fleetplan's version, from package.json (recorded in every result). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
