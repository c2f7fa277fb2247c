/**
 * Typed node ports. BehaviorTree.js passes no parameters to its nodes; affect-bt
 * declares every node parameter as a port with a type, a default, optional bounds and
 * a description, so one declaration drives YAML validation (mistyped / unknown /
 * missing ports, with "did you mean"), the docs table in docs/trees.md, and the
 * typed values a node receives at build time. Units live in port names
 * (`timeoutMs`, `speedScale`, `minIntervalMs`) so a YAML file reads unambiguously.
 *
 * Ports of type `key` name a blackboard entry in braces (`{affect}`), as in
 * BehaviorTree.CPP; a subtree reference can remap those names (`{key}` remapping).
 */

/**
 * Value kinds a port can hold. `key` is a blackboard key written `{name}`; `scalar` is
 * any YAML scalar (text, number or true/false, e.g. a Switch case); `script` is a
 * script in affect-bt's expression language, checked when the tree is loaded.
 */
export type PortType = 'number' | 'integer' | 'string' | 'boolean' | 'key' | 'enum' | 'scalar' | 'script';

/** Declaration of one node port. */
export interface PortSpec {
  name: string;
  /** Another accepted spelling, usually BehaviorTree.CPP's (`num_attempts` for `numAttempts`). */
  alias?: string;
  type: PortType;
  /** Default value (for `key` ports: the braced key, e.g. `'{affect}'`). */
  default?: string | number | boolean;
  /** A required port has no default and must be given in YAML. */
  required?: boolean;
  /** Inclusive bounds for `number`/`integer` ports. */
  min?: number;
  max?: number;
  /** Allowed values of an `enum` port. */
  values?: readonly string[];
  /** For `key` ports: the value type of the blackboard entry (declared on the blackboard at build; `any` = not checked). */
  valueType?: 'number' | 'string' | 'boolean' | 'object' | 'any';
  /**
   * For `key` ports of task nodes: the port may read a key that affect nodes write (the
   * one sanctioned channel, e.g. Handover's `pacing`, which it clamps to slow down only).
   */
  affectInput?: boolean;
  /** One line for docs and error hints. */
  description: string;
}

/** Result of checking one YAML value against a port. */
export type PortCheck = { ok: true; value: string | number | boolean } | { ok: false; message: string; hint?: string };

const KEY_RE = /^\{(@?[A-Za-z_][A-Za-z0-9_./:-]*)\}$/;

/**
 * Extracts the key name from a braced key reference, or `undefined` when malformed.
 * A leading `@` (kept in the result) names the root blackboard's key from inside a subtree.
 *
 * @example
 * ```ts
 * parseKeyRef('{affect}');       // 'affect'
 * parseKeyRef('{@human/ready}'); // '@human/ready'
 * parseKeyRef('affect');         // undefined
 * ```
 */
export function parseKeyRef(text: string): string | undefined {
  const m = KEY_RE.exec(text);
  return m ? m[1] : undefined;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Checks and converts a YAML value for a port.
 *
 * @example
 * ```ts
 * checkPort({ name: 'timeoutMs', type: 'integer', min: 0, description: '' }, 500); // { ok: true, value: 500 }
 * checkPort({ name: 'timeoutMs', type: 'integer', min: 0, description: '' }, 'soon'); // { ok: false, message: … }
 * ```
 */
export function checkPort(spec: PortSpec, value: unknown): PortCheck {
  const what = `port '${spec.name}'`;
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { ok: false, message: `${what} expects ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${describeValue(value)}`, hint: spec.description };
      }
      if (spec.type === 'integer' && !Number.isInteger(value)) {
        return { ok: false, message: `${what} expects an integer, got ${value}`, hint: `round it, e.g. ${Math.round(value)}` };
      }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        return {
          ok: false,
          message: `${what} is ${value}, outside [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`,
          hint: spec.description,
        };
      }
      return { ok: true, value };
    }
    case 'string':
      if (typeof value !== 'string' || value.length === 0) {
        return { ok: false, message: `${what} expects a non-empty string, got ${describeValue(value)}`, hint: spec.description };
      }
      return { ok: true, value };
    case 'boolean':
      if (typeof value !== 'boolean') {
        return { ok: false, message: `${what} expects true or false, got ${describeValue(value)}`, hint: spec.description };
      }
      return { ok: true, value };
    case 'scalar':
      if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string')) {
        return { ok: false, message: `${what} expects a string, number or boolean, got ${describeValue(value)}`, hint: spec.description };
      }
      return { ok: true, value };
    case 'enum':
      if (typeof value !== 'string' || !(spec.values ?? []).includes(value)) {
        return { ok: false, message: `${what} expects one of ${(spec.values ?? []).join(', ')}, got ${describeValue(value)}`, hint: spec.description };
      }
      return { ok: true, value };
    case 'scalar':
      if ((typeof value !== 'string' || value.length === 0) && typeof value !== 'boolean' && (typeof value !== 'number' || !Number.isFinite(value))) {
        return { ok: false, message: `${what} expects text, a number or true/false, got ${describeValue(value)}`, hint: spec.description };
      }
      return { ok: true, value };
    case 'script':
      if (typeof value !== 'string' || value.trim().length === 0) {
        return { ok: false, message: `${what} expects a script (quoted text), got ${describeValue(value)}`, hint: spec.description };
      }
      return { ok: true, value };
    case 'key':
      if (typeof value !== 'string' || parseKeyRef(value) === undefined) {
        return {
          ok: false,
          message: `${what} expects a blackboard key in braces, got ${describeValue(value)}`,
          hint: `write it like '${spec.default ?? '{myKey}'}' (quoted, because YAML reads bare {…} as a mapping)`,
        };
      }
      return { ok: true, value };
  }
}

/** Types a subtree port can declare. */
export type SubtreePortType = 'number' | 'integer' | 'string' | 'boolean' | 'object' | 'any';

/** A port a tree declares for its callers (`ports:` beside the tree's root node). */
export interface SubtreePortDecl {
  name: string;
  type: SubtreePortType;
  /** A literal, or `'{key}'`: bound to the caller's key of that name unless the caller passes the port. */
  default?: string | number | boolean;
  required?: boolean;
  min?: number;
  max?: number;
  description: string;
  /** Where it was declared. */
  pos: { file: string; line: number; col: number };
}

/**
 * Checks a literal against a subtree port declaration; returns the problem, if any.
 *
 * @example
 * ```ts
 * checkLiteral({ name: 'speed', type: 'number', description: '', pos }, 'fast'); // "port 'speed' expects a number, got string \"fast\""
 * ```
 */
export function checkLiteral(decl: SubtreePortDecl, value: string | number | boolean): string | undefined {
  if (decl.type === 'any') return undefined;
  if (decl.type === 'object') return `port '${decl.name}' holds an object: pass a blackboard key in braces, not a literal`;
  const c = checkPort({ name: decl.name, type: decl.type, min: decl.min, max: decl.max, description: decl.description }, value);
  return c.ok ? undefined : c.message;
}

/**
 * Levenshtein distance, for "did you mean" hints.
 *
 * @example
 * ```ts
 * editDistance('Handovr', 'Handover'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  let prev = Array.from({ length: bl.length + 1 }, (_, i) => i);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (al[i - 1] === bl[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[bl.length]!;
}

/**
 * The closest candidate to `word` (or `undefined` when nothing is close enough).
 *
 * @example
 * ```ts
 * didYouMean('Handovr', ['Handover', 'Retry']); // 'Handover'
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}
