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
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeaderProperties, ID_PATTERN } from './header.ts';

/** Failure kinds on the wire (same list as `FAILURE_KINDS` in src/core/controller.ts). */
export const WIRE_FAILURE_KINDS = ['drop', 'timeout', 'human_not_ready', 'cancelled', 'controller_lost', 'error'] as const;

const ActionId = Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'unique per action; duplicates are ignored by the controller' });
const Speed = Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'speed scale in (0, 1], already clamped to the safe range by the planner' });

/** `handover`: bring `objectId` to `target`. */
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

/** `setSpeedScale`: change the current speed scale (also of a running handover). */
export const SetSpeedScaleActionSchema = Type.Object(
  {
    actionId: ActionId,
    actionType: Type.Literal('setSpeedScale'),
    actionParameters: Type.Object({ speedScale: Speed }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** `say`: speak an apology or a notice. */
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

/** `cancel`: stop the action `targetActionId` (no-op when it already ended). */
export const CancelActionSchema = Type.Object(
  {
    actionId: ActionId,
    actionType: Type.Literal('cancel'),
    actionParameters: Type.Object({ targetActionId: ActionId }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** Any instant action. */
export const InstantActionSchema = Type.Union([HandoverActionSchema, SetSpeedScaleActionSchema, SayActionSchema, CancelActionSchema]);
/** Any instant action (discriminated by `actionType`). */
export type InstantAction = Static<typeof InstantActionSchema>;

/** The `instantActions` message: header + 1..32 actions. */
export const InstantActionsMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    actions: Type.Array(InstantActionSchema, { minItems: 1, maxItems: 32 }),
  },
  { additionalProperties: false },
);
/** The `instantActions` message. */
export type InstantActionsMessage = Static<typeof InstantActionsMessageSchema>;
