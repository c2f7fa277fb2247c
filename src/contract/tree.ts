/**
 * The `tree` topic: a retained, versioned description of the tree the planner runs, so
 * an observer (the browser monitor, Foxglove, a log reader) can draw it and tell which
 * branch is affect-only. The planner publishes it once per tree build (and again on
 * every broker reconnect, since a restarted broker forgets retained messages); trace
 * messages name the same `treeId`, so a monitor knows which description a trace
 * belongs to.
 *
 * Design notes: nodes are listed flat in pre-order with their parent's path (not
 * nested), which keeps the schema simple and the depth check out of JSON Schema. The
 * `treeId` is a hash of the node list: the same tree file gives the same id across
 * restarts, any change to the tree gives a new one.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeaderProperties } from './header.ts';

const Path = Type.String({ minLength: 1, maxLength: 512, description: 'node path, unique in the tree (e.g. `root/affect/modulate/modulation/Apologise`)' });

/**
 * One node of a described tree.
 *
 * @example
 * ```ts
 * const n: TreeNodeDescription = { path: 'root', parent: null, name: 'root', kind: 'ReactiveSequence', category: 'composite', role: 'control', affect: false };
 * ```
 */
export const TreeNodeDescriptionSchema = Type.Object(
  {
    path: Path,
    parent: Type.Union([Path, Type.Null()], { description: 'path of the parent node; null for the root' }),
    name: Type.String({ minLength: 1, maxLength: 128 }),
    kind: Type.String({ minLength: 1, maxLength: 64, description: 'node kind as written in the YAML (`Handover`, `Sequence`, `Subtree`, …)' }),
    category: Type.Union([Type.Literal('action'), Type.Literal('condition'), Type.Literal('composite'), Type.Literal('decorator')]),
    role: Type.Union([Type.Literal('task'), Type.Literal('affect'), Type.Literal('control')], { description: 'task-first role of the kind' }),
    affect: Type.Boolean({ description: 'true for an AffectBranch and every node below it (affect-only: may change pacing and apologies, never the task)' }),
    subtree: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'for a `Subtree` node: the name of the tree it expands' })),
    ports: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]), {
        description: 'port values as built (defaults applied; key ports as `{key}`), e.g. DetectFrustration\'s `threshold`',
      }),
    ),
  },
  { additionalProperties: false },
);
/**
 * One described node.
 *
 * @example
 * ```ts
 * description.nodes.filter((n: TreeNodeDescription) => n.affect);
 * ```
 */
export type TreeNodeDescription = Static<typeof TreeNodeDescriptionSchema>;

/**
 * The `tree` message (planner → observers, retained).
 *
 * @example
 * ```ts
 * validateMessage('tree', { ...headers.next('tree', Date.now()), treeId: 'a1b2c3d4e5f6', treeName: 'Main', nodes });
 * ```
 */
export const TreeMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    treeId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$', description: 'version of the description: a hash of the node list (same tree → same id)' }),
    treeName: Type.String({ minLength: 1, maxLength: 128, description: 'the tree the planner runs (the document\'s `main`)' }),
    nodes: Type.Array(TreeNodeDescriptionSchema, { minItems: 1, maxItems: 4096, description: 'every node in pre-order, root first' }),
  },
  { additionalProperties: false },
);
/**
 * The `tree` message.
 *
 * @example
 * ```ts
 * const m: TreeMessage = { ...headers.next('tree', Date.now()), treeId, treeName: 'Main', nodes };
 * ```
 */
export type TreeMessage = Static<typeof TreeMessageSchema>;

/**
 * One blackboard entry as published with a trace (value previewed, age at send time).
 *
 * @example
 * ```ts
 * const e: BlackboardSnapshotEntry = { key: 'human/ready', value: true, source: 'planner:assume', ageMs: 12, maxAgeMs: null, stale: false };
 * ```
 */
export const BlackboardSnapshotEntrySchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 256 }),
    value: Type.Unknown({ description: 'the value; objects larger than 2 kB are replaced by a truncated JSON string' }),
    source: Type.String({ maxLength: 256, description: 'who wrote it (`mqtt:affect`, a node path, `planner:assume`, …)' }),
    ageMs: Type.Number({ description: 'age of the value at the trace timestamp, ms' }),
    maxAgeMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'staleness bound; null = never stale' }),
    stale: Type.Boolean({ description: 'older than maxAgeMs: nodes read it as unknown' }),
  },
  { additionalProperties: false },
);
/**
 * A blackboard entry in a trace.
 *
 * @example
 * ```ts
 * trace.blackboard?.filter((e: BlackboardSnapshotEntry) => e.stale);
 * ```
 */
export type BlackboardSnapshotEntry = Static<typeof BlackboardSnapshotEntrySchema>;
