/**
 * The tree layer's control-node list: every composite and decorator kind (one file per
 * kind in `controls/`), with BehaviorTree.CPP's names and semantics. The registry merges
 * it with the leaf nodes; docs, validation and building are driven from these
 * declarations.
 */
import type { NodeDef } from './node.ts';
import { AFFECT_BRANCH } from './controls/AffectBranch.ts';
import { DELAY } from './controls/Delay.ts';
import { FALLBACK } from './controls/Fallback.ts';
import { IF_THEN_ELSE } from './controls/IfThenElse.ts';
import { FORCE_FAILURE, FORCE_SUCCESS, INVERTER } from './controls/Inverter.ts';
import { KEEP_RUNNING_UNTIL_FAILURE } from './controls/KeepRunningUntilFailure.ts';
import { PARALLEL } from './controls/Parallel.ts';
import { PARALLEL_ALL } from './controls/ParallelAll.ts';
import { PRECONDITION } from './controls/Precondition.ts';
import { REACTIVE_FALLBACK, REACTIVE_SEQUENCE } from './controls/ReactiveSequence.ts';
import { REPEAT } from './controls/Repeat.ts';
import { RETRY } from './controls/Retry.ts';
import { RUN_ONCE } from './controls/RunOnce.ts';
import { SCRIPT, SCRIPT_CONDITION } from './controls/Script.ts';
import { SEQUENCE } from './controls/Sequence.ts';
import { SEQUENCE_WITH_MEMORY } from './controls/SequenceWithMemory.ts';
import { SUBTREE } from './controls/Subtree.ts';
import { SWITCH_DEFS } from './controls/Switch.ts';
import { TIMEOUT } from './controls/Timeout.ts';
import { WHILE_DO_ELSE } from './controls/WhileDoElse.ts';

/**
 * Declarations of the control node kinds (ports, child counts, docs, factories).
 *
 * @example
 * ```ts
 * CONTROL_DEFS.find((d) => d.kind === 'RetryUntilSuccessful')?.aliases; // ['Retry']
 * ```
 */
export const CONTROL_DEFS: readonly NodeDef[] = [
  SEQUENCE,
  FALLBACK,
  SEQUENCE_WITH_MEMORY,
  REACTIVE_SEQUENCE,
  REACTIVE_FALLBACK,
  PARALLEL,
  PARALLEL_ALL,
  IF_THEN_ELSE,
  WHILE_DO_ELSE,
  ...SWITCH_DEFS,
  AFFECT_BRANCH,
  RETRY,
  REPEAT,
  TIMEOUT,
  DELAY,
  RUN_ONCE,
  KEEP_RUNNING_UNTIL_FAILURE,
  INVERTER,
  FORCE_SUCCESS,
  FORCE_FAILURE,
  PRECONDITION,
  SUBTREE,
  SCRIPT,
  SCRIPT_CONDITION,
];
