/**
 * JSON Schema (draft-07) of the YAML tree format, generated from a node registry:
 * every node kind with its ports (types, bounds, enum values, defaults, descriptions)
 * and child count. YAML editors use it to complete and check trees
 * (`# yaml-language-server: $schema=…`); `affect-bt schema [--nodes …]` writes it with
 * an integrator's own nodes included. It checks what a schema can (kinds, port names,
 * types, ranges, required ports, children); the loader still checks the rest (subtree
 * names, cycles, the task-first rule, cross-port rules) with file:line:col errors.
 */
import { CONDITION_KEYS } from './loader.ts';
import { nodeRegistry, type NodeRegistry } from './registry.ts';
import type { NodeDef } from './node.ts';
import type { PortSpec } from './ports.ts';

/** A JSON Schema object (draft-07). */
export type JsonSchema = { [key: string]: unknown };

/** The `{key}` reference pattern (same as the loader's). */
const KEY_PATTERN = '^\\{[A-Za-z_][A-Za-z0-9_./:-]*\\}$';

/** A blackboard key: '{affect}' quoted, or {affect} unquoted (YAML reads it as a one-key mapping). */
const KEY_REF: JsonSchema[] = [
  { type: 'string', pattern: KEY_PATTERN },
  { type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: { type: 'null' } },
];

function portSchema(p: PortSpec): JsonSchema {
  const base: JsonSchema = { description: p.description };
  if (p.default !== undefined) base['default'] = p.default;
  switch (p.type) {
    case 'number':
    case 'integer':
      return { ...base, type: p.type, ...(p.min !== undefined ? { minimum: p.min } : {}), ...(p.max !== undefined ? { maximum: p.max } : {}) };
    case 'string':
      return { ...base, type: 'string', minLength: 1 };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, enum: [...(p.values ?? [])] };
    case 'scalar':
      return { ...base, type: ['string', 'number', 'boolean'] };
    case 'script':
      return { ...base, type: 'string', minLength: 1 };
    case 'key':
      return { ...base, anyOf: KEY_REF };
  }
}

function bodySchema(def: NodeDef): JsonSchema {
  const properties: JsonSchema = { name: { type: 'string', minLength: 1, pattern: '^[^/]+$', description: 'unique name of the node in its tree (used in node paths)' } };
  for (const k of CONDITION_KEYS) properties[k] = { type: 'string', minLength: 1, description: `${k.startsWith('_on') || k === '_post' ? 'post' : 'pre'}-condition script` };
  for (const p of def.ports) {
    properties[p.name] = portSchema(p);
    if (p.alias !== undefined) properties[p.alias] = { ...portSchema(p), description: `${p.description} (alias of ${p.name})` };
  }
  const body: JsonSchema = { type: 'object', description: def.description, properties, additionalProperties: false };
  const required = def.ports.filter((p) => p.required).map((p) => p.name);
  const { min, max } = def.children;
  if (max > 0) {
    properties['children'] = { type: 'array', items: { $ref: '#/definitions/node' }, minItems: min, maxItems: max, description: `child nodes (${min === max ? min : `${min}..${max}`})` };
    properties['child'] = { $ref: '#/definitions/node', description: 'the child node' };
    body['not'] = { required: ['child', 'children'] };
    if (min > 0) body['anyOf'] = [{ required: ['child'] }, { required: ['children'] }];
  }
  if (def.kind === 'Subtree') {
    properties['remap'] = {
      type: 'object',
      description: "inner key → outer key in braces, e.g. { affect: '{affect_h2}' }",
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_./:-]*$' },
      additionalProperties: { anyOf: KEY_REF },
    };
    properties['_autoremap'] = { type: 'boolean', description: "share the caller's keys (except _private ones)" };
    // the ports the target tree declares: a caller key '{key}' or a literal
    body['additionalProperties'] = { anyOf: [{ type: ['string', 'number', 'boolean'] }, ...KEY_REF] };
  }
  if (required.length > 0) body['required'] = required;
  if (required.length > 0 && def.ports.some((p) => p.required && p.alias !== undefined)) {
    // a required port may be written under its alias instead
    delete body['required'];
    const alts = def.ports.filter((p) => p.required).map((p) => (p.alias === undefined ? { required: [p.name] } : { anyOf: [{ required: [p.name] }, { required: [p.alias] }] }));
    body['allOf'] = alts;
  }
  return body;
}

/** Whether `Kind` alone (a bare string, or `Kind:` with no body) is a valid node. */
function bareAllowed(def: NodeDef): boolean {
  return def.children.min === 0 && def.ports.every((p) => !p.required);
}

/**
 * The JSON Schema of tree files for the kinds in `registry`.
 *
 * @example
 * ```ts
 * const schema = treeSchema(createNodeRegistry());
 * new Ajv().compile(schema)(YAML.parse(readFileSync('trees/handover_affect.yaml', 'utf8'))); // true
 * ```
 */
export function treeSchema(registry: NodeRegistry = nodeRegistry): JsonSchema {
  const definitions: JsonSchema = {};
  for (const def of registry.definitions()) definitions[def.kind] = bodySchema(def);
  // every name a node can be written with (kinds and aliases such as Retry)
  const kinds: JsonSchema = {};
  const bare: string[] = [];
  for (const [name, def] of registry.entries()) {
    kinds[name] = bareAllowed(def) ? { anyOf: [{ type: 'null' }, { $ref: `#/definitions/${def.kind}` }], description: def.description } : { $ref: `#/definitions/${def.kind}`, description: def.description };
    if (bareAllowed(def)) bare.push(name);
  }
  definitions['node'] = {
    description: 'a node: `Kind: { port: value, … }`, or a bare Kind when it needs no ports or children',
    anyOf: [
      ...(bare.length > 0 ? [{ type: 'string', enum: bare }] : []),
      { type: 'object', minProperties: 1, maxProperties: 1, properties: kinds, additionalProperties: false },
    ],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'affect-bt behaviour tree file',
    description: 'Behaviour trees in YAML for affect-bt (see docs/trees.md). Generated from the node registry by `affect-bt schema`.',
    type: 'object',
    properties: {
      version: { description: 'format version (optional)', type: ['integer', 'string'] },
      description: { type: 'string', description: 'free text' },
      main: { type: 'string', minLength: 1, description: 'the tree built by default (else the first under trees:)' },
      imports: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'more tree files, relative to this file' },
      nodes: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'node modules (JavaScript/TypeScript) to load, relative to this file' },
      trees: {
        type: 'object',
        minProperties: 1,
        description: 'named trees: name → root node (optionally with the ports the tree declares)',
        additionalProperties: {
          anyOf: [
            { $ref: '#/definitions/node' },
            {
              type: 'object',
              description: 'a tree that declares ports: `ports:` (and `description:`) beside its root node',
              properties: { ports: { type: 'object' }, description: { type: 'string' }, ...kinds },
              additionalProperties: false,
              minProperties: 2,
              maxProperties: 3,
            },
          ],
        },
      },
    },
    required: ['trees'],
    additionalProperties: false,
    definitions,
  };
}
