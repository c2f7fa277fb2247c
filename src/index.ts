/**
 * affect-bt's root entry: the light part — core (clock, blackboard, controller
 * interface), the MQTT contract's types and schemas, the tree runtime, the node
 * registry and plugin loading, and the built-in nodes, which this entry registers into
 * the default registry exactly as a plugin registers its own. It loads none of
 * onnxruntime-node, sharp, mqtt, aedes or @google/genai (a test checks this); the
 * heavy parts are subpaths: `affect-bt/mqtt`, `/estimator`, `/vlm`, `/sim`, `/deploy`.
 *
 * @example
 * ```ts
 * import { loadTreeFile, buildTree, Blackboard, SystemClock, InMemoryController } from 'affect-bt';
 * const clock = new SystemClock();
 * const runner = buildTree(await loadTreeFile('trees/handover_affect.yaml'), {
 *   blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock,
 * });
 * runner.tick();
 * ```
 */
export { SystemClock, VirtualClock } from './core/clock.ts';
export type { Clock } from './core/clock.ts';
export { Blackboard, BlackboardAccess, BlackboardError } from './core/blackboard.ts';
export type { Entry, EntryType, KeySpec, WriteOptions, WriteRecord, BlackboardOptions } from './core/blackboard.ts';
export { clampSpeedScale, FAILURE_KINDS } from './core/controller.ts';
export type { Controller, ActionState, ActionStatus, ActionType, FailureKind, HandoverParams, SayParams } from './core/controller.ts';
export { InMemoryController } from './core/in-memory-controller.ts';
export type { InMemoryControllerOptions, ScriptedOutcome, HandoverOutcome } from './core/in-memory-controller.ts';
export { packagePath, packageVersion } from './core/package-files.ts';
export * from './contract/index.ts';
export * from './tree/index.ts';
export * from '../nodes/index.ts';
export { createNodeRegistry, BUILTIN_ORIGIN } from './builtins.ts';
