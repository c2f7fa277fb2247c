/**
 * The cobot controller as the tree sees it. Task nodes (`Handover`) and affect nodes
 * (`Apologise`, `SlowHandover`) talk to the robot only through this interface, so the
 * same tree runs against the in-memory controller (tests), the simulator's robot
 * model, or the MQTT controller client (a real cell).
 *
 * Every call returns at once: commands are queued, results are polled with
 * {@link Controller.actionState} on later ticks (the tick never waits on the network).
 * Speed scales are clamped to the controller's safe range before they leave.
 */

/** Why a handover (or another action) failed. */
export type FailureKind = 'drop' | 'timeout' | 'human_not_ready' | 'cancelled' | 'controller_lost' | 'error';

/** All failure kinds, for validation and docs. */
export const FAILURE_KINDS: readonly FailureKind[] = ['drop', 'timeout', 'human_not_ready', 'cancelled', 'controller_lost', 'error'];

/** Instant action types of the MQTT contract. */
export type ActionType = 'handover' | 'setSpeedScale' | 'say' | 'cancel';

/** Action lifecycle, as in VDA 5050. */
export type ActionStatus = 'WAITING' | 'INITIALIZING' | 'RUNNING' | 'FINISHED' | 'FAILED';

/** What the controller last reported about one action. */
export interface ActionState {
  actionId: string;
  actionType: ActionType;
  status: ActionStatus;
  /** Set when `status` is `FAILED`. */
  failureKind?: FailureKind;
  resultDescription?: string;
  /** Clock time of the last status change (epoch ms). */
  updatedAt: number;
}

/** Parameters of a handover action. Affect never changes `objectId`/`target` (task first). */
export interface HandoverParams {
  objectId: string;
  target: string;
  /** Commanded speed scale in (0, 1]; clamped to the safe range. */
  speedScale: number;
  /** Pause before the final approach, ms. */
  approachWaitMs: number;
  /** The controller fails the action with `timeout` after this long. */
  timeoutMs: number;
}

/** Parameters of a `say` action (apologies and notices). */
export interface SayParams {
  text: string;
  /** `apology` for apologies, `info` for notices. */
  kind: 'apology' | 'info';
  /** The failure the apology is about, if any. */
  failureKind?: FailureKind;
  /** Tone chosen from the affect: `empathic` for a frustrated person, `neutral` otherwise. */
  tone?: 'empathic' | 'neutral';
}

/** The tree's view of a cobot controller. */
export interface Controller {
  /** False while the controller is lost or silent: the tree must not start handovers (safe state). */
  readonly available: boolean;
  /** The safe speed range `[minSpeedScale, maxSpeedScale]` the controller enforces. */
  readonly speedRange: readonly [number, number];
  /** Last commanded speed scale (already clamped). */
  readonly speedScale: number;
  /** Queues a handover; returns its `actionId`. */
  startHandover(params: HandoverParams): string;
  /** Commands a speed scale (clamped to {@link speedRange}); returns the clamped value. */
  setSpeedScale(scale: number): number;
  /** Queues an utterance; returns its `actionId`. */
  say(params: SayParams): string;
  /** Cancels a running action (no-op when it already ended). */
  cancel(actionId: string): void;
  /** The last reported state of an action, or `undefined` if unknown. */
  actionState(actionId: string): Readonly<ActionState> | undefined;
}

/**
 * Clamps a speed scale into `[min, max]`; non-finite values become `min` (the safe side).
 *
 * @example
 * ```ts
 * clampSpeedScale(1.7, [0.3, 1]); // 1
 * clampSpeedScale(NaN, [0.3, 1]); // 0.3
 * ```
 */
export function clampSpeedScale(scale: number, range: readonly [number, number]): number {
  if (!Number.isFinite(scale)) return range[0];
  return scale < range[0] ? range[0] : scale > range[1] ? range[1] : scale;
}

/** The methods a {@link controllerView} may replace. */
export type ControllerMethods = Pick<Controller, 'startHandover' | 'setSpeedScale' | 'say' | 'cancel' | 'actionState'>;

/**
 * A controller that reads `available`, `speedRange` and `speedScale` live from `c` and
 * delegates every method to it, except those given in `overrides` — for views that
 * record, restrict or relay commands (affect nodes' view, simulator taps) without
 * writing the pass-through by hand each time.
 *
 * @example
 * ```ts
 * const sent: string[] = [];
 * const view = controllerView(controller, { say: (p) => { sent.push(p.text); return controller.say(p); } });
 * view.speedScale === controller.speedScale; // true
 * ```
 */
export function controllerView(c: Controller, overrides: Partial<ControllerMethods> = {}): Controller {
  return {
    get available() {
      return c.available;
    },
    get speedRange() {
      return c.speedRange;
    },
    get speedScale() {
      return c.speedScale;
    },
    startHandover: overrides.startHandover ?? ((p) => c.startHandover(p)),
    setSpeedScale: overrides.setSpeedScale ?? ((s) => c.setSpeedScale(s)),
    say: overrides.say ?? ((p) => c.say(p)),
    cancel: overrides.cancel ?? ((id) => c.cancel(id)),
    actionState: overrides.actionState ?? ((id) => c.actionState(id)),
  };
}
