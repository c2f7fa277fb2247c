/**
 * Registry of the built-in leaf nodes (one file per node in this folder). The tree
 * layer merges it with its control nodes into `nodeRegistry`, which drives YAML
 * validation, building and the docs.
 */
import type { NodeDef } from '../src/tree/node.ts';
import { PERCEIVE_AFFECT } from './PerceiveAffect.ts';
import { DETECT_FRUSTRATION } from './DetectFrustration.ts';
import { APOLOGISE } from './Apologise.ts';
import { SLOW_HANDOVER } from './SlowHandover.ts';
import { HANDOVER } from './Handover.ts';
import { WAIT_FOR_HUMAN_READY } from './WaitForHumanReady.ts';
import { CONTROLLER_AVAILABLE } from './ControllerAvailable.ts';
import { WAIT } from './Wait.ts';

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
];

export { PERCEIVE_AFFECT, DETECT_FRUSTRATION, APOLOGISE, SLOW_HANDOVER, HANDOVER, WAIT_FOR_HUMAN_READY, CONTROLLER_AVAILABLE, WAIT };
export * from './keys.ts';
