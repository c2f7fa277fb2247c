/**
 * The MQTT contract as data: one table ({@link TOPIC_SPECS}) names every topic, its
 * direction, QoS, retain flag and JSON Schema; Ajv validators are compiled from those
 * schemas once, at module load. Validation, the TypeScript types (via TypeBox
 * `Static`) and `docs/mqtt-contract.md` all come from here — the single source of
 * truth (a test fails when the doc drifts).
 *
 * Design notes: Ajv runs with `allErrors: false` (stop at the first error: cheaper on
 * the hot path and enough for a reason + message). Errors are classified: range
 * keywords (`minimum`, `maximum`, …) become `out_of_range`, everything else `schema`.
 * `date-time` is checked by a local format (ISO 8601 with an explicit zone and a
 * parseable date) so no extra dependency is needed.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AffectEstimateSchema } from './affect.ts';
import { HeaderProperties } from './header.ts';
import { InstantActionsMessageSchema } from './instant-actions.ts';
import { StateMessageSchema } from './state.ts';
import { ConnectionMessageSchema } from './connection.ts';
import { BlackboardSnapshotEntrySchema, TreeMessageSchema } from './tree.ts';
import { OrderActionsMessageSchema, OrderMessageSchema, PlannerStateMessageSchema } from './orders.ts';
import type { Role } from './roles.ts';

/**
 * The `affect` message: header + 1..16 estimates (one per tracked person).
 *
 * @example
 * ```ts
 * validateMessage('affect', msg); // compiled from this schema
 * ```
 */
export const AffectMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    estimates: Type.Array(AffectEstimateSchema, { minItems: 1, maxItems: 16 }),
  },
  { additionalProperties: false },
);
/**
 * The `affect` message.
 *
 * @example
 * ```ts
 * const m: AffectMessage = { ...headers.next('affect', Date.now()), estimates: [estimate] };
 * ```
 */
export type AffectMessage = Static<typeof AffectMessageSchema>;

/**
 * The `trace` message (planner → observers): tick records (free-form objects: a
 * `planner` record, `result` records for the nodes that finished since the previous
 * trace, then one per node visited in the last tick with `path`, `status`,
 * `durationUs` and `feedback`), optionally the `treeId` of the retained `tree`
 * description they belong to and a snapshot of the planner's blackboard.
 *
 * @example
 * ```ts
 * validateMessage('trace', { ...header, records: [{ path: 'Root', status: 'SUCCESS' }] });
 * ```
 */
export const TraceMessageSchema = Type.Object(
  {
    ...HeaderProperties,
    treeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the `tree` description these node paths belong to' })),
    records: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 1024 }),
    blackboard: Type.Optional(Type.Array(BlackboardSnapshotEntrySchema, { maxItems: 256, description: "the planner's blackboard when the trace was sent" })),
  },
  { additionalProperties: false },
);
/**
 * The `trace` message.
 *
 * @example
 * ```ts
 * const m: TraceMessage = { ...headers.next('trace', Date.now()), records: [] };
 * ```
 */
export type TraceMessage = Static<typeof TraceMessageSchema>;

/**
 * Names of the contract's topics (the last levels of `affectbt/v1/{m}/{s}/…`).
 *
 * @example
 * ```ts
 * const n: TopicName = 'connection/controller';
 * ```
 */
export type TopicName = 'affect' | 'instantActions' | 'state' | 'connection/controller' | 'connection/planner' | 'trace' | 'tree' | 'order' | 'orderActions' | 'plannerState';

/**
 * How one topic is used.
 *
 * @example
 * ```ts
 * TOPIC_SPECS.instantActions.qos; // 1
 * ```
 */
export interface TopicSpec {
  name: TopicName;
  /** Who publishes → who subscribes. */
  direction: string;
  qos: 0 | 1;
  retain: boolean;
  /** One paragraph for the docs. */
  description: string;
  schema: TSchema;
  /** Roles the broker lets publish here (least privilege; see src/contract/roles.ts). */
  publishers: readonly Role[];
  /** Roles the broker lets subscribe here. */
  subscribers: readonly Role[];
  /**
   * A header `timestamp` older than this (plus the receiver's clock-skew allowance) is
   * rejected as `stale`. `Infinity` for the retained `connection` topics, whose ONLINE
   * is as old as the sender's connection.
   */
  maxAgeMs: number;
  /**
   * The connection topic whose announced session the receiver obeys: a message of
   * another session is rejected as `session` (e.g. `instantActions` only from the
   * planner session the controller accepted).
   */
  sessionFrom?: TopicName;
}

/**
 * The contract table: every topic with its QoS, retain flag and schema.
 *
 * @example
 * ```ts
 * for (const s of Object.values(TOPIC_SPECS)) console.log(s.name, s.qos, s.retain);
 * ```
 */
export const TOPIC_SPECS: Readonly<Record<TopicName, TopicSpec>> = {
  affect: {
    name: 'affect',
    direction: 'estimator → planner',
    qos: 0,
    retain: false,
    description:
      'Affect estimates, one per tracked person. High rate (every fused frame), so QoS 0: a lost message is replaced by the next one, and staleness comes from `observedAt` + `maxAgeMs`. On MQTT 5 brokers the message expiry interval is set from `maxAgeMs`.',
    schema: AffectMessageSchema,
    publishers: ['estimator'],
    subscribers: ['planner', 'monitor'],
    maxAgeMs: 60_000,
  },
  instantActions: {
    name: 'instantActions',
    direction: 'planner → controller',
    qos: 1,
    retain: false,
    description:
      'Commands, stamped with the planner\'s `sessionId`. QoS 1 (at least once); the planner re-sends actions not yet seen in `state` after a reconnect, the controller executes each `actionId` at most once (remembered across its restarts) — together exactly once. Never retained: a retained copy is refused, and so is a command older than 30 s, from another session than the ONLINE planner the controller obeys, or implausible for the cell.',
    schema: InstantActionsMessageSchema,
    publishers: ['planner'],
    subscribers: ['controller', 'monitor'],
    maxAgeMs: 30_000,
    sessionFrom: 'connection/planner',
  },
  state: {
    name: 'state',
    direction: 'controller → planner',
    qos: 0,
    retain: false,
    description:
      'Controller state on every change and at least every heartbeat period (`controller-sim --state-interval-ms`, default 500 ms; an adapter: at most ⅓ of the planner\'s silence limit). Silence longer than the planner\'s `timeouts.controllerSilenceMs` (cell config, default 3000 ms) puts the planner in its safe state. The planner accepts it only from the controller session announced ONLINE, and acts only while `plannerSessionId` is its own session.',
    schema: StateMessageSchema,
    publishers: ['controller'],
    subscribers: ['planner', 'monitor'],
    maxAgeMs: 10_000,
    sessionFrom: 'connection/controller',
  },
  'connection/controller': {
    name: 'connection/controller',
    direction: 'controller → planner',
    qos: 1,
    retain: true,
    description: 'Controller connection: `ONLINE` on connect, `OFFLINE` on graceful exit, `CONNECTION_BROKEN` as MQTT last will; announces the controller session. A newer session replaces an older one; a loss message of an older session is ignored.',
    schema: ConnectionMessageSchema,
    publishers: ['controller'],
    subscribers: ['planner', 'monitor'],
    maxAgeMs: Infinity,
  },
  'connection/planner': {
    name: 'connection/planner',
    direction: 'planner → controller',
    qos: 1,
    retain: true,
    description:
      'Planner connection, same states; announces the planner session. The controller starts in a safe stop and holds it (speed to minimum, running actions stopped) while no planner session is `ONLINE`; it obeys the first session that comes ONLINE, refuses a second one (`state.errors`: `plannerSessionRefused`) and ignores loss messages of other sessions. The planner holding the cell re-publishes its ONLINE when another session writes here, so the retained slot names the holder.',
    schema: ConnectionMessageSchema,
    publishers: ['planner'],
    subscribers: ['controller', 'planner', 'monitor', 'orderer'],
    maxAgeMs: Infinity,
  },
  trace: {
    name: 'trace',
    direction: 'planner → observers',
    qos: 0,
    retain: false,
    description:
      'Rate-limited tick traces for monitors: a `planner` record (`kind`, `phase`, `tick`, `speedScale`), then a `result` record (`kind: \'result\'`, `path`, `status` SUCCESS/FAILURE) for every node that finished in a tick since the previous trace (its last finish: a trace samples one tick, and a finish lasts one), then one record per node visited in the last tick (`path`, `status`, `durationUs`, `feedback`); receivers apply records in order; `treeId` names the `tree` description the paths belong to, and `blackboard` is a snapshot of the planner\'s blackboard (value, source, age, stale).',
    schema: TraceMessageSchema,
    publishers: ['planner'],
    subscribers: ['monitor'],
    maxAgeMs: 60_000,
  },
  tree: {
    name: 'tree',
    direction: 'planner → observers',
    qos: 1,
    retain: true,
    description:
      'The structure of the tree the planner runs (every node\'s path, parent, kind, category, task-first role, whether it is affect-only, subtree boundaries), published once per tree build and on every reconnect. `treeId` is a hash of the node list, so the same tree keeps its id across restarts. Monitors draw the tree from it; it never commands anything.',
    schema: TreeMessageSchema,
    publishers: ['planner'],
    subscribers: ['monitor'],
    maxAgeMs: Infinity,
  },
  order: {
    name: 'order',
    direction: 'orderer → planner',
    qos: 1,
    retain: false,
    description:
      "Run the tree once: the main tree, or the subtree named by `tree`; `parameters` are written to the planner's blackboard as `order/<name>` before the first tick (the shipped trees' Handover reads `order/objectId` and `order/target`). Without an order the planner idles and starts no handover. One order runs at a time; others wait in a bounded queue (`orders.maxQueue`). Never retained (a retained copy is refused), refused when older than 30 s, and an `orderId` the planner has already seen is rejected; every outcome shows in `plannerState`.",
    schema: OrderMessageSchema,
    publishers: ['orderer'],
    subscribers: ['planner', 'monitor'],
    maxAgeMs: 30_000,
  },
  orderActions: {
    name: 'orderActions',
    direction: 'orderer → planner',
    qos: 1,
    retain: false,
    description:
      'Instant actions for the planner (VDA 5050 style). `cancelOrder` removes a waiting order (FAILED `cancelled before start`) or halts the running one, which cancels its running handover at the controller (FAILED `cancelled (…)`); a cancel of an unknown or ended order is refused. The outcome of each action shows in `plannerState.actionStates`. Never retained; refused when older than 30 s.',
    schema: OrderActionsMessageSchema,
    publishers: ['orderer'],
    subscribers: ['planner', 'monitor'],
    maxAgeMs: 30_000,
  },
  plannerState: {
    name: 'plannerState',
    direction: 'planner → orderer, observers',
    qos: 1,
    retain: true,
    description:
      "The planner's phase (and safe reason), its mode (`orders`, or `loop` for demos), the running order, the waiting queue, recent orders with their status (`WAITING`, `RUNNING`, `FINISHED`, `FAILED` with `reason`; rejections are FAILED with `rejected: true`) and the outcomes of recent order actions. Published on every change and on every (re)connect, retained so a client that connects later sees it. Status only: nothing in it can move the robot.",
    schema: PlannerStateMessageSchema,
    publishers: ['planner'],
    subscribers: ['orderer', 'monitor'],
    maxAgeMs: Infinity,
  },
};

/**
 * Why an inbound payload was rejected (the keys of the bridge's rejection counters).
 *
 * @example
 * ```ts
 * const r: RejectReason = 'out_of_range';
 * ```
 */
export type RejectReason =
  | 'too_large'
  | 'bad_json'
  | 'schema'
  | 'out_of_range'
  | 'wrong_topic'
  | 'version'
  | 'stale'
  | 'clock_skew'
  | 'duplicate'
  | 'out_of_order'
  | 'session'
  | 'retained'
  | 'rate_limited';

/**
 * All rejection reasons, in a fixed order (for counters and metrics).
 *
 * @example
 * ```ts
 * for (const r of REJECT_REASONS) metrics.set({ reason: r }, counters.rejected[r]);
 * ```
 */
export const REJECT_REASONS: readonly RejectReason[] = ['too_large', 'bad_json', 'schema', 'out_of_range', 'wrong_topic', 'version', 'stale', 'clock_skew', 'duplicate', 'out_of_order', 'session', 'retained', 'rate_limited'];

/**
 * Result of {@link validateMessage}.
 *
 * @example
 * ```ts
 * const r: ValidationResult<StateMessage> = validateMessage('state', v); if (!r.ok) r.reason;
 * ```
 */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; reason: 'schema' | 'out_of_range'; message: string };

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false, discriminator: true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => ISO_DATE_TIME.test(s) && Number.isFinite(Date.parse(s)) });
  return ajv;
}

/**
 * Rewrites unions of literals (`anyOf: [{const, type}, …]`, TypeBox's `Union` of
 * `Literal`s) into an equivalent `enum`, which Ajv checks without building an error
 * object per failed branch — it halves validation time of an affect message.
 */
function enumerateLiteralUnions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(enumerateLiteralUnions);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  const any = o['anyOf'];
  if (Array.isArray(any) && any.length > 0 && any.every((b) => b && typeof b === 'object' && 'const' in b && Object.keys(b).every((k) => k === 'const' || k === 'type'))) {
    const types = new Set(any.map((b) => typeof (b as { const: unknown }).const));
    const rest = Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'anyOf'));
    return { ...rest, ...(types.size === 1 && types.has('string') ? { type: 'string' } : {}), enum: any.map((b) => (b as { const: unknown }).const) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = enumerateLiteralUnions(v);
  const tag = Array.isArray(any) ? discriminatorOf(any) : undefined;
  if (tag !== undefined) {
    // a tagged union of objects (instant actions by `actionType`): let Ajv pick the
    // branch by tag, so errors name the wrong parameter, not "must match anyOf"
    const { anyOf, ...rest } = out;
    return { ...rest, type: 'object', discriminator: { propertyName: tag }, oneOf: anyOf };
  }
  return out;
}

function discriminatorOf(branches: unknown[]): string | undefined {
  const first = branches[0] as { type?: string; properties?: Record<string, { const?: unknown }>; required?: string[] } | undefined;
  if (!first || first.type !== 'object' || !first.properties) return undefined;
  for (const [name, prop] of Object.entries(first.properties)) {
    if (typeof prop.const !== 'string') continue;
    const seen = new Set<unknown>();
    const ok = branches.every((b) => {
      const bb = b as typeof first;
      const c = bb.type === 'object' ? bb.properties?.[name]?.const : undefined;
      if (typeof c !== 'string' || seen.has(c) || !bb.required?.includes(name)) return false;
      seen.add(c);
      return true;
    });
    if (ok) return name;
  }
  return undefined;
}

let ajv: Ajv | undefined;
const validators = new Map<TopicName, ValidateFunction>();

/**
 * A topic's validator, compiled on first use: compiling every topic's schema at import
 * would make `import … from 'affect-bt'` pay for it even where no message is validated.
 */
function validatorOf(topic: TopicName): ValidateFunction {
  let v = validators.get(topic);
  if (v === undefined) {
    ajv ??= makeAjv();
    v = ajv.compile(enumerateLiteralUnions(JSON.parse(JSON.stringify(TOPIC_SPECS[topic].schema))) as object);
    validators.set(topic, v);
  }
  return v;
}

const RANGE_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

function describe(err: ErrorObject): string {
  const where = err.instancePath === '' ? '(root)' : err.instancePath;
  const extra = err.keyword === 'additionalProperties' ? ` '${(err.params as { additionalProperty: string }).additionalProperty}'` : '';
  return `${where} ${err.message ?? err.keyword}${extra}`;
}

/**
 * Validates a parsed payload against the schema of `topic`.
 *
 * @example
 * ```ts
 * const r = validateMessage('connection/controller', JSON.parse(text));
 * if (!r.ok) console.warn(r.reason, r.message); // e.g. 'out_of_range', '/estimates/0/valence must be <= 1'
 * ```
 */
export function validateMessage<T = unknown>(topic: TopicName, value: unknown): ValidationResult<T> {
  const v = validatorOf(topic);
  if (v(value)) return { ok: true, value: value as T };
  const err = v.errors?.[0];
  if (!err) return { ok: false, reason: 'schema', message: 'invalid' };
  return { ok: false, reason: RANGE_KEYWORDS.has(err.keyword) ? 'out_of_range' : 'schema', message: describe(err) };
}

/**
 * The JSON Schema (plain JSON, no TypeBox symbols) of a topic's payload.
 *
 * @example
 * ```ts
 * JSON.stringify(jsonSchemaOf('state'), null, 2);
 * ```
 */
export function jsonSchemaOf(topic: TopicName): object {
  return JSON.parse(JSON.stringify(TOPIC_SPECS[topic].schema)) as object;
}
