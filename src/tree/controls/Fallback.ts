/**
 * `Fallback` (BehaviorTree.CPP's FallbackNode): ticks children in order until one
 * succeeds; resumes at the RUNNING child. The mirror image of `Sequence` (same runtime
 * class with SUCCESS and FAILURE swapped).
 */
import type { NodeDef } from '../node.ts';
import { MANY_CHILDREN } from './shared.ts';
import { RuntimeNode } from '../runtime.ts';
import { SequenceLogic } from './Sequence.ts';

/**
 * Declaration of `Fallback`.
 *
 * @example
 * ```ts
 * FALLBACK.kind; // 'Fallback'
 * ```
 */
export const FALLBACK: NodeDef = {
  kind: 'Fallback',
  category: 'composite',
  role: 'control',
  description: 'Ticks children in order until one succeeds; fails when all fail. Resumes at the RUNNING child; starts over after it finishes. Skipped children are stepped over.',
  ports: [],
  children: MANY_CHILDREN,
  example: 'Fallback:\n  children:\n    - Handover: { objectId: cup, target: right_hand }\n    - Handover: { objectId: cup, target: table }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new SequenceLogic(false)),
};
