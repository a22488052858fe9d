/**
 * Errors raised while the kernel sets up a fleet (a missing link, a pool the policy cannot use) are InputErrors with
 * no file: the kernel sees a Fleet, not the file it came from. The CLI knows the file; this names it and the line
 * of the field, re-reading the file only when there is an error to place.
 */
import { InputError, loadDocumentFile, type InputIssue } from '../../catalogs/index.js';

function segmentsOf(path: string): Array<string | number> {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/** Runs `fn`; an InputError without a file gets `shown` (the fleet or plan as the user named it) and the line. */
export async function withFleetFile<T>(shown: string | undefined, absolutePath: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof InputError) || shown === undefined || absolutePath === undefined || error.issues.every((i) => i.file !== '')) throw error;
    let lineOf: ((segments: Array<string | number>) => number | undefined) | undefined;
    try {
      const doc = loadDocumentFile(absolutePath, { displayName: shown }).doc;
      lineOf = (segments) => doc.lineOf(segments);
    } catch {
      lineOf = undefined;
    }
    const issues: InputIssue[] = error.issues.map((issue) => {
      if (issue.file !== '') return issue;
      const line = issue.path !== '' ? lineOf?.(segmentsOf(issue.path)) : undefined;
      return { ...issue, file: shown, ...(line !== undefined ? { line } : {}) };
    });
    throw new InputError(issues);
  }
}
