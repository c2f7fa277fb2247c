/**
 * Orders (issue 12): how a cell's MES or operator tool asks the planner to run its tree
 * — the planner never starts a handover on its own (except in `--loop` demo mode).
 *
 * - `order` (orderer → planner, QoS 1, never retained): run the main tree, or one of the
 *   tree file's subtrees by id, once; `parameters` are written to the planner's
 *   blackboard as `order/<name>` before the first tick (e.g. `objectId`, `target`,
 *   which Handover reads from `{@order/objectId}` / `{@order/target}` when set).
 * - `orderActions` (orderer → planner, QoS 1, never retained): instant actions for the
 *   planner, VDA 5050 style; `cancelOrder` cancels a waiting or running order.
 * - `plannerState` (planner → orderer/monitor, QoS 1, retained): the planner's phase,
 *   its current order, the waiting queue and recent orders with their status (WAITING,
 *   RUNNING, FINISHED, FAILED with a reason). Status only: nothing in it can move the
 *   robot, so it may be retained.
 *
 * Design notes: parameter names are plain identifiers (no `/`), so an order can only
 * write below `order/` — never `human/ready`, an affect key or `pacing`. A record
 * carries `sentAt`, the header timestamp of the order message it came from, so a client
 * that reuses an orderId can still tell its own order's record from an older one.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeaderProperties, ID_PATTERN } from './header.ts';

/**
 * Pattern of an order parameter name: an identifier, written to the blackboard as `order/<name>`.
 *
 * @example
 * ```ts
 * new RegExp(PARAMETER_NAME_PATTERN).test('objectId'); // true
 * new RegExp(PARAMETER_NAME_PATTERN).test('human/ready'); // false
 * ```
 */
export const PARAMETER_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/**
 * Most parameters one order may carry.
 *
 * @example
 * ```ts
 * Object.keys(order.parameters ?? {}).length <= MAX_ORDER_PARAMETERS; // true for a valid order
 * ```
 */
export const MAX_ORDER_PARAMETERS = 16;

const OrderId = Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'unique per order; an orderId the planner has already seen is rejected' });
const TreeId = Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: "id of a tree in the planner's tree file: the main tree (default) or a subtree" });
const ParameterValue = Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]);
const Parameters = Type.Record(Type.String({ pattern: PARAMETER_NAME_PATTERN }), ParameterValue, {
  maxProperties: MAX_ORDER_PARAMETERS,
  additionalProperties: false,
  description: 'written to the blackboard as `order/<name>` before the first tick (e.g. objectId, target)',
});

/**
 * The `order` message: run a tree once.
 *
 * @example
 * ```ts
 * validateMessage('order', { ...headers.next('order', Date.now()), orderId: 'o1', parameters: { objectId: 'part-7' } });
 * ```
 */
export const OrderMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    orderId: OrderId,
    tree: Type.Optional(TreeId),
    parameters: Type.Optional(Parameters),
  },
  { additionalProperties: false },
);
/**
 * The `order` message.
 *
 * @example
 * ```ts
 * const m: OrderMessage = { ...headers.next('order', Date.now()), orderId: 'o1' };
 * ```
 */
export type OrderMessage = Static<typeof OrderMessageSchema>;

/**
 * `cancelOrder`: cancel the order `orderId` (waiting: removed; running: the tree is
 * halted, which cancels its running controller actions).
 *
 * @example
 * ```ts
 * { actionId: 'c1', actionType: 'cancelOrder', actionParameters: { orderId: 'o1' } }
 * ```
 */
export const CancelOrderActionSchema = Type.Object(
  {
    actionId: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'unique per action' }),
    actionType: Type.Literal('cancelOrder'),
    actionParameters: Type.Object({ orderId: OrderId }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
/**
 * An order action.
 *
 * @example
 * ```ts
 * const a: OrderAction = { actionId: 'c1', actionType: 'cancelOrder', actionParameters: { orderId: 'o1' } };
 * ```
 */
export type OrderAction = Static<typeof CancelOrderActionSchema>;

/**
 * The `orderActions` message: header + 1..8 instant actions for the planner.
 *
 * @example
 * ```ts
 * validateMessage('orderActions', { ...header, actions: [{ actionId: 'c1', actionType: 'cancelOrder', actionParameters: { orderId: 'o1' } }] });
 * ```
 */
export const OrderActionsMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    actions: Type.Array(CancelOrderActionSchema, { minItems: 1, maxItems: 8 }),
  },
  { additionalProperties: false },
);
/**
 * The `orderActions` message.
 *
 * @example
 * ```ts
 * const m: OrderActionsMessage = { ...headers.next('orderActions', Date.now()), actions: [a] };
 * ```
 */
export type OrderActionsMessage = Static<typeof OrderActionsMessageSchema>;

/**
 * Order statuses (VDA 5050's action statuses without INITIALIZING).
 *
 * @example
 * ```ts
 * ORDER_STATUSES.includes('FAILED'); // true
 * ```
 */
export const ORDER_STATUSES = ['WAITING', 'RUNNING', 'FINISHED', 'FAILED'] as const;
/**
 * An order status.
 *
 * @example
 * ```ts
 * const s: OrderStatus = 'RUNNING';
 * ```
 */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const Iso = Type.String({ format: 'date-time', maxLength: 40 });

/**
 * One order as the planner reports it.
 *
 * @example
 * ```ts
 * { orderId: 'o1', tree: 'HandoverWithAffect', status: 'FAILED', reason: 'cancelled (action c1)', sentAt: '…', receivedAt: '…', startedAt: '…', endedAt: '…' }
 * ```
 */
export const OrderRecordSchema = Type.Object(
  {
    orderId: OrderId,
    tree: TreeId,
    parameters: Type.Optional(Parameters),
    status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'why the order FAILED (rejected, cancelled, safe state, tree FAILURE with what failed)' })),
    rejected: Type.Optional(Type.Boolean({ description: 'true when the order was refused on arrival and never queued' })),
    sentAt: Iso,
    receivedAt: Iso,
    startedAt: Type.Optional(Iso),
    endedAt: Type.Optional(Iso),
  },
  { additionalProperties: false },
);
/**
 * One order as reported in `plannerState`.
 *
 * @example
 * ```ts
 * const r: OrderRecord = state.history[0]!;
 * ```
 */
export type OrderRecord = Static<typeof OrderRecordSchema>;

/**
 * The outcome of an order action.
 *
 * @example
 * ```ts
 * { actionId: 'c1', actionType: 'cancelOrder', orderId: 'o9', actionStatus: 'FAILED', resultDescription: 'no waiting or running order o9' }
 * ```
 */
export const OrderActionStateSchema = Type.Object(
  {
    actionId: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }),
    actionType: Type.Literal('cancelOrder'),
    orderId: OrderId,
    actionStatus: Type.Union([Type.Literal('FINISHED'), Type.Literal('FAILED')]),
    resultDescription: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
/**
 * The outcome of an order action.
 *
 * @example
 * ```ts
 * const s: OrderActionState = state.actionStates[0]!;
 * ```
 */
export type OrderActionState = Static<typeof OrderActionStateSchema>;

/**
 * Planner phases on the wire (as on `/healthz`).
 *
 * @example
 * ```ts
 * PLANNER_PHASES.includes('safe'); // true
 * ```
 */
export const PLANNER_PHASES = ['idle', 'connecting', 'waiting_controller', 'running', 'safe', 'stopping', 'stopped'] as const;

/**
 * The `plannerState` message (retained): the planner's phase and its orders.
 *
 * @example
 * ```ts
 * validateMessage('plannerState', msg); // compiled from this schema
 * ```
 */
export const PlannerStateMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    phase: Type.Union(PLANNER_PHASES.map((p) => Type.Literal(p))),
    safeReason: Type.Optional(Type.String({ maxLength: 500, description: 'why the planner is not ticking (safe state, waiting for the controller)' })),
    mode: Type.Union([Type.Literal('orders'), Type.Literal('loop')], { description: '`orders`: the tree runs only for orders; `loop`: demo mode, restarted whenever it ends (orders refused)' }),
    maxQueue: Type.Integer({ minimum: 1, maximum: 1000, description: 'waiting orders the planner accepts (orders.maxQueue)' }),
    current: Type.Optional(OrderRecordSchema),
    queue: Type.Array(OrderRecordSchema, { maxItems: 1000, description: 'waiting orders, next first' }),
    history: Type.Array(OrderRecordSchema, { maxItems: 64, description: 'recent finished, failed and rejected orders, newest last' }),
    actionStates: Type.Array(OrderActionStateSchema, { maxItems: 32, description: 'recent order actions, newest last' }),
  },
  { additionalProperties: false },
);
/**
 * The `plannerState` message.
 *
 * @example
 * ```ts
 * const m: PlannerStateMessage = JSON.parse(payload); m.current?.status;
 * ```
 */
export type PlannerStateMessage = Static<typeof PlannerStateMessageSchema>;
