/**
 * Scenario loading: a YAML file (or a shipped scenario by name from
 * `sim/scenarios/`) is parsed with positions, merged over the embedded defaults of
 * {@link ScenarioSchema} and validated. All problems are reported at once as
 * `file:line:col: message` with a hint, before anything runs (principle 4).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { parseDocument, LineCounter, isNode } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { ScenarioSchema, type Scenario } from './params.ts';
import { packagePath } from '../src/core/package-files.ts';

/**
 * Directory of the shipped scenarios.
 *
 * @example
 * ```ts
 * readdirSync(SCENARIO_DIR); // ['calm_expert.yaml', …]
 * ```
 */
export const SCENARIO_DIR = packagePath('sim', 'scenarios');

/**
 * Raised when a scenario cannot be loaded; `problems` lists every `file:line:col: message`.
 *
 * @example
 * ```ts
 * try { parseScenario(text, 'x.yaml'); } catch (e) { if (e instanceof ScenarioError) console.error(e.problems.join('\n')); }
 * ```
 */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Names of the shipped scenarios (file names without `.yaml`), sorted.
 *
 * @example
 * ```ts
 * listScenarios(); // ['calm_expert', 'high_drop_robot', 'impatient_novice', 'side_task_concentration']
 * ```
 */
export function listScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * Parses and validates scenario YAML text (defaults fill what is missing).
 *
 * @example
 * ```ts
 * const s = parseScenario('name: quick\nhandovers: 3\n', 'quick.yaml');
 * s.robot.fetchS; // 2 (default)
 * ```
 */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return `${file}:1:1`;
    const p = lc.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) throw new ScenarioError(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]} (fix the YAML syntax)`));
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([`${at(0)}: a scenario must be a YAML mapping with at least 'name' (got ${raw === null ? 'an empty document' : typeof raw})`]);
  }
  const value = Value.Default(ScenarioSchema, structuredClone(raw));
  /** file:line:col of a parameter (of its nearest written parent when it was not written). */
  const locate = (parts: readonly string[]): string => {
    for (let n = parts.length; n >= 0; n--) {
      const node: unknown = n > 0 ? doc.getIn(parts.slice(0, n), true) : doc.contents;
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return at(undefined);
  };
  const problems: string[] = [];
  for (const e of Value.Errors(ScenarioSchema, value)) {
    const parts = e.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const hint =
      e.message === 'Unexpected property'
        ? ` — unknown parameter '${parts.join('.')}'; see docs/simulator.md for the parameter list`
        : ` (got ${JSON.stringify(e.value)})`;
    problems.push(`${locate(parts)}: ${parts.join('.') || 'scenario'}: ${e.message}${hint}`);
  }
  if (problems.length) throw new ScenarioError(problems);
  const sc = value as Scenario;
  SOURCES.set(sc, locate);
  return sc;
}

const SOURCES = new WeakMap<Scenario, (parts: readonly string[]) => string>();

/**
 * Where a parameter of a parsed scenario is written (`file:line:col`), or where its
 * nearest written parent is; `<name>` for scenarios not parsed from text.
 *
 * @example
 * ```ts
 * scenarioPosition(sc, ['estimator', 'heartbeatMs']); // 'my.yaml:7:3'
 * ```
 */
export function scenarioPosition(sc: Scenario, parts: readonly string[]): string {
  return SOURCES.get(sc)?.(parts) ?? `<${sc.name}>`;
}

/**
 * Loads a scenario by shipped name (`impatient_novice`) or by file path.
 *
 * @example
 * ```ts
 * const s = loadScenario('impatient_novice');
 * const t = loadScenario('my/scenario.yaml');
 * ```
 */
export function loadScenario(nameOrFile: string): Scenario {
  const shipped = join(SCENARIO_DIR, `${nameOrFile}.yaml`);
  const file = /[\\/]|\.ya?ml$/.test(nameOrFile) ? resolve(nameOrFile) : shipped;
  if (!existsSync(file)) {
    throw new ScenarioError([
      `${nameOrFile}: no such scenario (shipped: ${listScenarios().join(', ')}; or give a path to a .yaml file)`,
    ]);
  }
  return parseScenario(readFileSync(file, 'utf8'), /[\\/]|\.ya?ml$/.test(nameOrFile) ? nameOrFile : `sim/scenarios/${basename(file)}`);
}

/**
 * Resolves `all` to every shipped scenario, otherwise loads the one given.
 *
 * @example
 * ```ts
 * loadScenarios('all').map((s) => s.name);
 * ```
 */
export function loadScenarios(spec: string): Scenario[] {
  return spec === 'all' ? listScenarios().map(loadScenario) : [loadScenario(spec)];
}
