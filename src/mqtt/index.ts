/**
 * Public API of affect-bt's MQTT layer (names are stable; other modules and
 * `affect-bt run` import from here):
 *
 * - {@link startEmbeddedBroker} — aedes on 127.0.0.1 (MQTT 3.1.1), stop/restart.
 * - {@link connectMqtt}, {@link isMqtt5}, {@link publishOptions}, {@link endClient} —
 *   connect by URL with TLS/credentials/last will, MQTT 5 detection with 3.1.1
 *   fallback, shutdown that never hangs on a dead broker.
 * - {@link connectPlanner} → {@link PlannerLink} `{ client, bridge, controller, mqtt5,
 *   connected, counters(), close() }` — the planner's whole MQTT side.
 * - {@link MqttBridge} — validating MQTT → blackboard bridge (`handle(topic, payload)`,
 *   `counters`, `onState`, `onConnection`); keys `affect/<humanId>`,
 *   {@link CONTROLLER_STATE_KEY}, {@link CONTROLLER_CONNECTION_KEY}.
 * - {@link MqttController} — `Controller` over MQTT with `available`, `safeReason`,
 *   `onAvailabilityChange`, `counters`.
 * - {@link AffectPublisher} — estimator side of the `affect` topic.
 * - {@link topicFor}, {@link robotTopics}, {@link parseRobotId} — topic names.
 * - {@link InboundGuard} — the receive-side checks every receiver and topic shares
 *   (schema, retained copies, header clock skew/age, sessions, per-session ordering).
 * - {@link credentialsFromEnv}, {@link redactUrl}, {@link readPemFile} — secrets from
 *   env/files only, never printed.
 * - {@link RejectionLog}, {@link MqttLogger}, {@link stderrLogger}, {@link silentLogger}.
 * - {@link renderContractDoc} — `docs/mqtt-contract.md` generator (see contract-doc.ts).
 *
 * Safe-state semantics for runners: `controller.available === false` means "do not
 * start handovers"; `controller.safeReason` is the text to report; transitions come
 * through `controller.onAvailabilityChange`. Metrics: `link.counters()` (bridge
 * accepted/rejected per reason, controller sends/resends/timeouts, reconnects).
 *
 * @example
 * ```ts
 * import { startEmbeddedBroker, connectPlanner } from './mqtt/index.ts';
 * const broker = await startEmbeddedBroker();
 * const link = await connectPlanner({ mqtt: { url: broker.url }, robot: { manufacturer: 'acme', serialNumber: 'c1' }, blackboard: bb });
 * ```
 */
export * from './topics.ts';
export * from './broker.ts';
export * from './connection.ts';
export * from './rejections.ts';
export * from './credentials.ts';
export * from './inbound.ts';
export * from './bridge.ts';
export * from './safe-state.ts';
export * from './controller-client.ts';
export * from './affect-publisher.ts';
export * from './planner-link.ts';
export { renderContractDoc, EXAMPLES as CONTRACT_EXAMPLES } from './contract-doc.ts';
