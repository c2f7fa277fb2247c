/**
 * affect-bt's built-in leaf nodes (one file per node in this folder), as a node plugin
 * — `{ nodes, keys }`, the same shape an integrator's node module exports. The package
 * entry registers {@link BUILTIN_NODES} into the default registry exactly the way a
 * plugin is registered (`registry.use(plugin, origin)`).
 */
import type { NodeDef } from '../src/tree/node.ts';
import type { NodePlugin } from '../src/tree/registry.ts';
import { PERCEIVE_AFFECT } from './PerceiveAffect.ts';
import { DETECT_FRUSTRATION } from './DetectFrustration.ts';
import { APOLOGISE } from './Apologise.ts';
import { SLOW_HANDOVER } from './SlowHandover.ts';
import { HANDOVER } from './Handover.ts';
import { WAIT_FOR_HUMAN_READY } from './WaitForHumanReady.ts';
import { CONTROLLER_AVAILABLE } from './ControllerAvailable.ts';
import { WAIT } from './Wait.ts';
import { SAY } from './Say.ts';
import { SET_BLACKBOARD } from './SetBlackboard.ts';
import { UNSET_BLACKBOARD } from './UnsetBlackboard.ts';
import { CHECK_BLACKBOARD } from './CheckBlackboard.ts';
import { ALWAYS_SUCCESS } from './AlwaysSuccess.ts';
import { ALWAYS_FAILURE } from './AlwaysFailure.ts';
import { KEY_SPECS } from './keys.ts';

/**
 * All built-in leaf node declarations.
 *
 * @example
 * ```ts
 * LEAF_DEFS.map((d) => d.kind); // ['PerceiveAffect', 'DetectFrustration', …]
 * ```
 */
export const LEAF_DEFS: readonly NodeDef[] = [
  PERCEIVE_AFFECT,
  DETECT_FRUSTRATION,
  APOLOGISE,
  SLOW_HANDOVER,
  HANDOVER,
  WAIT_FOR_HUMAN_READY,
  CONTROLLER_AVAILABLE,
  WAIT,
  SAY,
  SET_BLACKBOARD,
  UNSET_BLACKBOARD,
  CHECK_BLACKBOARD,
  ALWAYS_SUCCESS,
  ALWAYS_FAILURE,
];

/**
 * The built-in leaves and the fixed blackboard keys they use, as a node plugin.
 *
 * @example
 * ```ts
 * new NodeRegistry().use(BUILTIN_NODES, 'affect-bt').has('Handover'); // true
 * ```
 */
export const BUILTIN_NODES: NodePlugin = { nodes: LEAF_DEFS, keys: KEY_SPECS };

export { PERCEIVE_AFFECT, DETECT_FRUSTRATION, APOLOGISE, SLOW_HANDOVER, HANDOVER, WAIT_FOR_HUMAN_READY, CONTROLLER_AVAILABLE, WAIT };
export { SAY, SET_BLACKBOARD, UNSET_BLACKBOARD, CHECK_BLACKBOARD, ALWAYS_SUCCESS, ALWAYS_FAILURE };
export * from './keys.ts';
