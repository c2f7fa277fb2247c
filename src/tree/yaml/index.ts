/**
 * YAML reading for tree files: the fast reader for the plain subset, the `yaml`
 * package for the rest (and for every syntax error). See `fast.ts` for why.
 *
 * @example
 * ```ts
 * const r = readYaml('trees:\n  M:\n    ControllerAvailable\n');
 * if (r.ok) r.root; // { t: 'map', … }
 * ```
 */
import { readFast } from './fast.ts';
import { readFull } from './full.ts';
import type { YamlResult } from './ir.ts';

export { LineIndex, resolvePlain } from './ir.ts';
export type { YNode, YMap, YSeq, YScalar, YPair, YamlResult, YamlProblem } from './ir.ts';
export { readFast, FAST_UNSUPPORTED } from './fast.ts';
export { readFull } from './full.ts';

/**
 * Reads a YAML text: fast path first, the `yaml` package when the text leaves the subset.
 *
 * @example
 * ```ts
 * readYaml('a: [1, 2]\n'); // { ok: true, root: …, reader: 'fast' }
 * readYaml('a: &x 1\n');   // { ok: true, root: …, reader: 'yaml' }
 * ```
 */
export function readYaml(text: string): YamlResult {
  try {
    return { ok: true, root: readFast(text), reader: 'fast' };
  } catch {
    // FAST_UNSUPPORTED — or a bug in the fast reader, which must not break loading either:
    // the full parser decides
    return readFull(text);
  }
}
