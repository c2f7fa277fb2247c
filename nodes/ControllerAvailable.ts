/**
 * `ControllerAvailable` (condition, task): SUCCESS while the controller is connected
 * and responsive. Put it first in a ReactiveSequence so a lost controller halts (and
 * cancels) a running handover on the next tick — the safe state.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { Controller } from '../src/core/controller.ts';

/**
 * Behaviour of `ControllerAvailable`.
 *
 * YAML:
 * ```yaml
 * - ControllerAvailable: {}
 * ```
 *
 * @example
 * ```ts
 * CONTROLLER_AVAILABLE.create!(ctx).update(); // 'SUCCESS' when ctx.controller.available
 * ```
 */
export class ControllerAvailable extends Behaviour {
  private readonly controller: Controller;
  constructor(ctx: LeafContext) {
    super();
    this.controller = ctx.controller;
  }
  update(): Status {
    const ok = this.controller.available;
    this.feedback = ok ? 'controller available' : 'controller unavailable';
    return ok ? 'SUCCESS' : 'FAILURE';
  }
}

/**
 * Declaration of `ControllerAvailable` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * CONTROLLER_AVAILABLE.ports.map((p) => p.name);
 * ```
 */
export const CONTROLLER_AVAILABLE: NodeDef = {
  kind: 'ControllerAvailable',
  category: 'condition',
  role: 'task',
  description: 'SUCCESS while the controller is available (not lost).',
  ports: [],
  children: { min: 0, max: 0 },
  example: 'ControllerAvailable: {}',
  create: (ctx) => new ControllerAvailable(ctx),
};
