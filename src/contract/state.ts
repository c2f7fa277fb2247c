/**
 * `state` (controller → planner, QoS 0, not retained, published on every change and
 * at least every `stateIntervalMs` as a heartbeat): what the cobot is doing. The
 * planner finishes its RUNNING actions from `actionStates`, treats an `actionId`
 * seen here as acknowledged (no more re-sends), and enters its safe state when the
 * state goes silent.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeaderProperties, ID_PATTERN } from './header.ts';
import { WIRE_FAILURE_KINDS } from './instant-actions.ts';

/**
 * Action statuses, as in VDA 5050.
 *
 * @example
 * ```ts
 * ACTION_STATUSES.indexOf('RUNNING'); // 2
 * ```
 */
export const ACTION_STATUSES = ['WAITING', 'INITIALIZING', 'RUNNING', 'FINISHED', 'FAILED'] as const;

/**
 * One action's state as reported by the controller.
 *
 * @example
 * ```ts
 * { actionId: 'a1', actionType: 'handover', actionStatus: 'FAILED', failureKind: 'drop' }
 * ```
 */
export const WireActionStateSchema = Type.Object(
  {
    actionId: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }),
    actionType: Type.Union([Type.Literal('handover'), Type.Literal('setSpeedScale'), Type.Literal('say'), Type.Literal('cancel')]),
    actionStatus: Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s))),
    failureKind: Type.Optional(Type.Union(WIRE_FAILURE_KINDS.map((k) => Type.Literal(k)), { description: 'set when actionStatus is FAILED' })),
    resultDescription: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
/**
 * One action's state on the wire.
 *
 * @example
 * ```ts
 * const s: WireActionState = { actionId: 'a1', actionType: 'say', actionStatus: 'RUNNING' };
 * ```
 */
export type WireActionState = Static<typeof WireActionStateSchema>;

/**
 * What a controller error refers to (VDA 5050 `errorReferences`): e.g. the `actionId`
 * of a refused command or the `sessionId` of a refused planner.
 *
 * @example
 * ```ts
 * { referenceKey: 'sessionId', referenceValue: 'mfz1k2-3fa9c01b2d4e' }
 * ```
 */
export const ErrorReferenceSchema = Type.Object(
  {
    referenceKey: Type.String({ minLength: 1, maxLength: 64 }),
    referenceValue: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);

/**
 * A controller error (e.g. a rejected action). `errorType` values the reference
 * controller uses: `invalidMessage` (failed validation), `refusedMessage` (valid but
 * not obeyed: retained copy, other session, out of order, clock skew),
 * `implausibleAction` (outside the cell's bounds), `plannerSessionRefused` (a second
 * planner; references its `sessionId`).
 *
 * @example
 * ```ts
 * { errorType: 'implausibleAction', errorDescription: 'speedScale 0.05 outside [0.3, 1]', errorLevel: 'WARNING', errorReferences: [{ referenceKey: 'actionId', referenceValue: 'a1' }] }
 * ```
 */
export const ControllerErrorSchema = Type.Object(
  {
    errorType: Type.String({ minLength: 1, maxLength: 64 }),
    errorDescription: Type.String({ maxLength: 500 }),
    errorLevel: Type.Union([Type.Literal('WARNING'), Type.Literal('FATAL')]),
    errorReferences: Type.Optional(Type.Array(ErrorReferenceSchema, { maxItems: 8 })),
  },
  { additionalProperties: false },
);

/**
 * A controller error.
 *
 * @example
 * ```ts
 * const e: ControllerError = { errorType: 'invalidMessage', errorDescription: 'bad JSON', errorLevel: 'WARNING' };
 * ```
 */
export type ControllerError = Static<typeof ControllerErrorSchema>;

/**
 * The `state` message.
 *
 * @example
 * ```ts
 * validateMessage('state', msg); // compiled from this schema
 * ```
 */
export const StateMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    actionStates: Type.Array(WireActionStateSchema, { maxItems: 256, description: 'recent actions (bounded window), newest last' }),
    speedScale: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'current speed scale' }),
    safeState: Type.Boolean({ description: 'true while the controller holds a safe stop (e.g. planner lost)' }),
    plannerSessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'the planner session the controller obeys; absent while no planner holds the cell (safe stop)' })),
    errors: Type.Array(ControllerErrorSchema, { maxItems: 32 }),
  },
  { additionalProperties: false },
);
/**
 * The `state` message.
 *
 * @example
 * ```ts
 * bridge.onState((m: StateMessage) => m.actionStates.length);
 * ```
 */
export type StateMessage = Static<typeof StateMessageSchema>;
