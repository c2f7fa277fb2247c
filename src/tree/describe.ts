/**
 * Describes a built tree as data for observers (the `tree` topic of the MQTT contract):
 * every node's runtime path, parent, kind, category, task-first role, whether it is
 * affect-only (an AffectBranch or below one) and, for `Subtree` nodes, the tree they
 * expand. The browser monitor draws the running tree from this; traces name nodes by
 * the same paths.
 *
 * Design notes: paths come from the built runtime nodes (so they are exactly the ones
 * traces carry, `#2` suffixes included) and kinds/subtree names from the document the
 * tree was built from, walked in parallel (the runtime tree mirrors the document: a
 * `Subtree` node has the expanded tree's root as its only child). Called once per tree
 * build, never per tick.
 */
import { createHash } from 'node:crypto';
import type { TreeMessage } from '../contract/tree.ts';
import type { TreeDocument, TreeNodeSpec } from './loader.ts';
import type { NodeDef, RtNode } from './node.ts';

/**
 * The body of a `tree` message (everything but the header).
 *
 * @example
 * ```ts
 * const d: TreeDescription = describeTree(doc, runner);
 * client.publish(topic, JSON.stringify({ ...headers.next('tree', Date.now()), ...d }), { retain: true, qos: 1 });
 * ```
 */
export type TreeDescription = Pick<TreeMessage, 'treeId' | 'treeName' | 'nodes'>;

/**
 * Describes the tree `runner` was built from `doc`.
 *
 * @example
 * ```ts
 * const runner = buildTree(doc, { blackboard, controller, clock });
 * const d = describeTree(doc, runner);
 * d.nodes.find((n) => n.kind === 'AffectBranch')?.affect; // true
 * ```
 */
export function describeTree(
  doc: TreeDocument,
  runner: { readonly root: RtNode; readonly treeName: string },
  defs: { get(kind: string): NodeDef | undefined } = doc.registry,
): TreeDescription {
  const spec = doc.trees.get(runner.treeName);
  if (spec === undefined) throw new Error(`describeTree: tree '${runner.treeName}' is not in ${doc.file}`);
  const nodes: TreeDescription['nodes'] = [];
  const walk = (s: TreeNodeSpec, n: RtNode, parent: string | null, inAffect: boolean): void => {
    if (s.kind !== n.kind) throw new Error(`describeTree: built node ${n.path} is a ${n.kind} but the document has a ${s.kind} there (built from another document?)`);
    const def = defs.get(s.kind);
    const affect = inAffect || s.kind === 'AffectBranch';
    const node: TreeDescription['nodes'][number] = {
      path: n.path,
      parent,
      name: n.name,
      kind: n.kind,
      category: def?.category ?? (n.children.length > 1 ? 'composite' : n.children.length === 1 ? 'decorator' : 'action'),
      role: def?.role ?? 'control',
      affect,
    };
    if (Object.keys(s.ports).length > 0) node.ports = { ...s.ports };
    nodes.push(node);
    if (s.kind === 'Subtree') {
      const name = String(s.ports.tree);
      node.subtree = name;
      const sub = doc.trees.get(name);
      if (sub !== undefined && n.children[0] !== undefined) walk(sub, n.children[0], n.path, affect);
      return;
    }
    if (s.children.length !== n.children.length) throw new Error(`describeTree: node ${n.path} has ${n.children.length} built children but ${s.children.length} in the document`);
    for (let i = 0; i < s.children.length; i++) walk(s.children[i]!, n.children[i]!, n.path, affect);
  };
  walk(spec, runner.root, null, false);
  const treeId = createHash('sha256').update(runner.treeName).update(JSON.stringify(nodes)).digest('hex').slice(0, 12);
  return { treeId, treeName: runner.treeName, nodes };
}
