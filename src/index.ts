/**
 * affect-bt's one entry point. The core (clock, blackboard, controller interface,
 * affect contract), the tree runtime and the nodes are exported flat; the larger
 * subsystems are exported as namespaces (`mqtt`, `estimator`, `vlm`, `sim`, `deploy`)
 * and also as their own subpath (`affect-bt/mqtt`, …) so a planner that only ticks
 * trees never loads onnxruntime or the MQTT client.
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
export * from './contract/index.ts';
export * from './tree/index.ts';
export * from '../nodes/index.ts';

export * as mqtt from './mqtt/index.ts';
export * as estimator from './estimator/index.ts';
export * as vlm from './vlm/index.ts';
export * as sim from '../sim/index.ts';
export * as deploy from './deploy/index.ts';
