/**
 * `defineNode`: the one typed way to declare a leaf node, for affect-bt's own leaves
 * and for an integrator's. Ports are written as a mapping (name → type, default,
 * bounds, description), so TypeScript knows the values the node receives:
 * `ctx.ports.minCount` is a `number`, an `enum` port is the union of its values, and a
 * port without a default that is not required may be `undefined`.
 *
 * The result is a plain {@link NodeDef} (ports as a list, children `{0, 0}`, a default
 * YAML example), which a node module exports in `{ nodes: [...] }`.
 */
import type { Behaviour, LeafContext, NodeDef } from './node.ts';
import type { PortSpec } from './ports.ts';

/** A port as written in {@link defineNode}: a {@link PortSpec} without its name. */
export type PortDecl = Omit<PortSpec, 'name'>;

type PortValue<D extends PortDecl> = D['type'] extends 'number' | 'integer'
  ? number
  : D['type'] extends 'boolean'
    ? boolean
    : D['type'] extends 'scalar'
      ? string | number | boolean
      : D extends { type: 'enum'; values: readonly (infer V extends string)[] }
        ? V
        : string;

/**
 * The typed port values a node built from `P` receives (`key` ports hold the resolved
 * blackboard key name, without braces).
 *
 * @example
 * ```ts
 * type V = PortValues<{ minCount: { type: 'integer'; default: 1; description: '' } }>; // { readonly minCount: number }
 * ```
 */
export type PortValues<P extends Record<string, PortDecl>> = {
  readonly [K in keyof P]: P[K] extends { required: true } | { default: string | number | boolean } ? PortValue<P[K]> : PortValue<P[K]> | undefined;
};

/** What {@link defineNode} takes. */
export interface NodeSpec<P extends Record<string, PortDecl>> {
  /** Node type as written in YAML, e.g. `IsPartAvailable`. */
  kind: string;
  category: 'action' | 'condition';
  /**
   * Task-first role. `task`: never below an AffectBranch. `affect`: only below one.
   * `control`: neither (a helper such as CheckBlackboard, usable on both sides). Only
   * `task` nodes get a controller that can start or cancel handovers.
   */
  role: 'task' | 'affect' | 'control';
  /** One or two sentences for docs, the schema and editor hovers. */
  description: string;
  /** Ports in the order they are documented. */
  ports: P;
  /** YAML example for docs (default: `Kind: {}` with the required ports). */
  example?: string;
  /** Cross-port check at load time; return a message (and hint) when the combination is invalid. */
  check?(ports: PortValues<P>): { message: string; hint?: string } | undefined;
  /** Creates the node's behaviour for one place in a tree. */
  create(ctx: LeafContext<PortValues<P>>): Behaviour;
}

function defaultExample(kind: string, ports: readonly PortSpec[]): string {
  const req = ports.filter((p) => p.required).map((p) => `${p.name}: ${p.type === 'number' || p.type === 'integer' ? (p.min ?? 1) : p.type === 'boolean' ? 'true' : p.type === 'enum' ? p.values![0] : p.type === 'key' ? `'{${p.name}}'` : p.name}`);
  return `${kind}: {${req.length > 0 ? ` ${req.join(', ')} ` : ''}}`;
}

/**
 * Declares a leaf node kind with typed ports.
 *
 * @example
 * ```ts
 * import { Behaviour, defineNode, type Status } from 'affect-bt';
 *
 * export const IsPartAvailable = defineNode({
 *   kind: 'IsPartAvailable',
 *   category: 'condition',
 *   role: 'task',
 *   description: 'SUCCESS while the stock count of partId is at least minCount.',
 *   ports: {
 *     partId: { type: 'string', required: true, description: 'part to look up' },
 *     minCount: { type: 'integer', default: 1, min: 0, max: 1000, description: 'parts needed' },
 *     stock: { type: 'key', default: '{parts/stock}', valueType: 'object', description: 'stock counts by part id' },
 *   },
 *   create: (ctx) => {
 *     const io = ctx.access({ reads: [ctx.ports.stock] });
 *     return new (class extends Behaviour {
 *       update(): Status {
 *         const n = io.get<Record<string, number>>(ctx.ports.stock)?.[ctx.ports.partId] ?? 0;
 *         return n >= ctx.ports.minCount ? 'SUCCESS' : 'FAILURE';
 *       }
 *     })();
 *   },
 * });
 * ```
 */
export function defineNode<const P extends Record<string, PortDecl>>(spec: NodeSpec<P>): NodeDef {
  const ports: PortSpec[] = Object.entries(spec.ports).map(([name, decl]) => ({ name, ...decl }));
  const def: NodeDef = {
    kind: spec.kind,
    category: spec.category,
    role: spec.role,
    description: spec.description,
    ports,
    children: { min: 0, max: 0 },
    example: spec.example ?? defaultExample(spec.kind, ports),
    create: (ctx) => spec.create(ctx as LeafContext<PortValues<P>>),
  };
  if (spec.check) {
    const check = spec.check;
    def.check = (values) => check(values as PortValues<P>);
  }
  return def;
}
