/**
 * affect-bt's built-in leaves, registered into the default {@link nodeRegistry} the same
 * way a plugin registers its own (`registry.use(plugin, origin)`). The package entry
 * and every other entry point that loads trees (CLI, simulator) import this module;
 * the tree layer itself never imports `nodes/` (dependencies point down).
 */
import { BUILTIN_NODES } from '../nodes/index.ts';
import { NodeRegistry, nodeRegistry } from './tree/registry.ts';

/**
 * Origin recorded for the built-in leaves (shown when a plugin redefines one).
 *
 * @example
 * ```ts
 * nodeRegistry.originOf('Handover') === BUILTIN_ORIGIN; // true
 * ```
 */
export const BUILTIN_ORIGIN = 'affect-bt (built-in nodes)';

nodeRegistry.use(BUILTIN_NODES, BUILTIN_ORIGIN);

/**
 * A new, independent registry with the control nodes and the built-in leaves — load
 * plugins into it without touching the default one.
 *
 * @example
 * ```ts
 * const registry = createNodeRegistry();
 * await loadNodeModules(['./my-nodes.js'], registry);
 * ```
 */
export function createNodeRegistry(): NodeRegistry {
  return new NodeRegistry().use(BUILTIN_NODES, BUILTIN_ORIGIN);
}

export { nodeRegistry };
