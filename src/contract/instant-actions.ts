/**
 * `instantActions` (planner → controller, QoS 1, not retained): the commands the tree
 * sends to the cobot — `handover`, `setSpeedScale`, `say`, `cancel`. Each action has
 * a unique `actionId`; the controller executes an `actionId` at most once, so the
 * planner may safely re-send un-acknowledged actions after a reconnect (exactly-once
 * execution on top of at-least-once delivery).
 *
 * Design note: unlike VDA 5050's `[{key, value}]` parameter lists, `actionParameters`
 * is a typed object per `actionType` (a discriminated union), so Ajv checks every
 * parameter's type and range and TypeScript narrows on `actionType`.
 *
 * Commands carry the planner's session (`sessionId`, required): a controller executes
 * them only from the current session of an ONLINE planner, never from a retained copy,
 * and only when they are plausible for the cell (speed range, wait and timeout bounds,
 * queue limit); refusals are reported in `state.errors`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN, SessionHeaderProperties } from './header.ts';

/**
 * Failure kinds on the wire (same list as `FAILURE_KINDS` in src/core/controller.ts).
 *
 * @example
 * ```ts
 * WIRE_FAILURE_KINDS.includes('drop'); // true
 * ```
 */
export const WIRE_FAILURE_KINDS = ['drop', 'timeout', 'human_not_ready', 'cancelled', 'controller_lost', 'error'] as const;

const ActionId = Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'unique per action; duplicates are ignored by the controller' });
const Speed = Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'speed scale in (0, 1], already clamped to the safe range by the planner' });

/**
 * `handover`: bring `objectId` to `target`.
 *
 * @example
 * ```ts
 * { actionId: 'a1', actionType: 'handover', actionParameters: { objectId: 'cup', target: 'h1', speedScale: 0.6, approachWaitMs: 0, timeoutMs: 8000 } }
 * ```
 */
export const HandoverActionSchema = Type.Object(
  {
    actionId: ActionId,
    actionType: Type.Literal('handover'),
    actionParameters: Type.Object(
      {
        objectId: Type.String({ minLength: 1, maxLength: 64 }),
        target: Type.String({ minLength: 1, maxLength: 64 }),
        speedScale: Speed,
        approachWaitMs: Type.Integer({ minimum: 0, maximum: 60_000, description: 'pause before the final approach' }),
        timeoutMs: Type.Integer({ minimum: 1, maximum: 600_000, description: 'the controller fails the action with `timeout` after this' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/**
 * `setSpeedScale`: change the current speed scale (also of a running handover).
 *
 * @example
 * ```ts
 * { actionId: 'a2', actionType: 'setSpeedScale', actionParameters: { speedScale: 0.5 } }
 * ```
 */
export const SetSpeedScaleActionSchema = Type.Object(
  {
    actionId: ActionId,
    actionType: Type.Literal('setSpeedScale'),
    actionParameters: Type.Object({ speedScale: Speed }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/**
 * `say`: speak an apology or a notice.
 *
 * @example
 * ```ts
 * { actionId: 'a3', actionType: 'say', actionParameters: { text: 'Sorry!', kind: 'apology', tone: 'empathic' } }
 * ```
 */
export const SayActionSchema = Type.Object(
  {
    actionId: ActionId,
    actionType: Type.Literal('say'),
    actionParameters: Type.Object(
      {
        text: Type.String({ minLength: 1, maxLength: 500 }),
        kind: Type.Union([Type.Literal('apology'), Type.Literal('info')]),
        failureKind: Type.Optional(Type.Union(WIRE_FAILURE_KINDS.map((k) => Type.Literal(k)))),
        tone: Type.Optional(Type.Union([Type.Literal('empathic'), Type.Literal('neutral')])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/**
 * `cancel`: stop the action `targetActionId` (no-op when it already ended).
 *
 * @example
 * ```ts
 * { actionId: 'a4', actionType: 'cancel', actionParameters: { targetActionId: 'a1' } }
 * ```
 */
export const CancelActionSchema = Type.Object(
  {
    actionId: ActionId,
    actionType: Type.Literal('cancel'),
    actionParameters: Type.Object({ targetActionId: ActionId }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/**
 * Any instant action.
 *
 * @example
 * ```ts
 * if (a.actionType === 'handover') a.actionParameters.objectId; // narrowed
 * ```
 */
export const InstantActionSchema = Type.Union([HandoverActionSchema, SetSpeedScaleActionSchema, SayActionSchema, CancelActionSchema]);
/**
 * Any instant action (discriminated by `actionType`).
 *
 * @example
 * ```ts
 * const a: InstantAction = { actionId: 'a2', actionType: 'setSpeedScale', actionParameters: { speedScale: 0.5 } };
 * ```
 */
export type InstantAction = Static<typeof InstantActionSchema>;

/**
 * The `instantActions` message: header (with the planner's `sessionId`) + 1..32 actions.
 *
 * @example
 * ```ts
 * validateMessage('instantActions', msg); // compiled from this schema
 * ```
 */
export const InstantActionsMessageSchema = Type.Object(
  {
    ...SessionHeaderProperties,
    actions: Type.Array(InstantActionSchema, { minItems: 1, maxItems: 32 }),
  },
  { additionalProperties: false },
);
/**
 * The `instantActions` message.
 *
 * @example
 * ```ts
 * const m: InstantActionsMessage = { ...headers.next('instantActions', Date.now()), sessionId: session.sessionId, actions: [a] };
 * ```
 */
export type InstantActionsMessage = Static<typeof InstantActionsMessageSchema>;
