/**
 * `nodeRegistry`: every node kind a YAML tree may use, with its declared ports (name,
 * type, default, required, bounds, description), child count and task-first role.
 * One table drives validation, building and the node reference in docs/trees.md.
 * Built-in leaves come from `nodes/`; control nodes from `composites.ts`.
 */
import { LEAF_DEFS } from '../../nodes/index.ts';
import { CONTROL_DEFS } from './composites.ts';
import type { NodeDef } from './node.ts';

/**
 * Node kind (and alias, e.g. `Retry`) → declaration.
 *
 * @example
 * ```ts
 * nodeRegistry.get('Handover')?.ports.map((p) => p.name); // ['objectId', 'target', …]
 * nodeRegistry.get('Retry')?.kind; // 'RetryUntilSuccessful'
 * ```
 */
export const nodeRegistry: ReadonlyMap<string, NodeDef> = new Map([...CONTROL_DEFS, ...LEAF_DEFS].flatMap((d) => [d.kind, ...(d.aliases ?? [])].map((k) => [k, d] as const)));

/**
 * Adds a custom node kind (e.g. a cell-specific action). Throws when the kind exists.
 *
 * @example
 * ```ts
 * registerNode({ kind: 'Beep', category: 'action', role: 'task', description: 'beeps', ports: [], children: { min: 0, max: 0 }, example: 'Beep: {}', create: (ctx) => new Beep(ctx) });
 * ```
 */
export function registerNode(def: NodeDef): void {
  for (const k of [def.kind, ...(def.aliases ?? [])]) {
    if (nodeRegistry.has(k)) throw new Error(`registerNode: node kind '${k}' already exists; pick another name`);
  }
  for (const k of [def.kind, ...(def.aliases ?? [])]) (nodeRegistry as Map<string, NodeDef>).set(k, def);
}
