/**
 * The planner's whole MQTT side in one call: connect (MQTT 5 when available, TLS and
 * credentials as given) with a `CONNECTION_BROKEN` last will, publish `ONLINE`
 * (retained) on every (re)connect, subscribe to the robot's inbound topics on every
 * (re)connect (a restarted broker forgets subscriptions), feed the {@link MqttBridge},
 * and drive an {@link MqttController}. `close()` publishes `OFFLINE` and disconnects.
 *
 * Session: the link starts a new planner session (id + start time), announced in every
 * `connection/planner` message and stamped on every command. While the controller
 * obeys this session, another session writing `connection/planner` (a second planner
 * starting, or its last will) makes the link re-publish its own ONLINE, so the
 * retained slot — what a restarting controller reads first — names the holder.
 *
 * This is what `affect-bt run` and the simulator's MQTT mode use.
 */
import type { MqttClient } from 'mqtt';
import type { Blackboard } from '../core/blackboard.ts';
import { SystemClock, type Clock } from '../core/clock.ts';
import { HeaderFactory, newSession, type RobotId, type Session } from '../contract/header.ts';
import { TOPIC_SPECS } from '../contract/schemas.ts';
import type { ConnectionMessage, ConnectionState } from '../contract/connection.ts';
import { MqttBridge, type BridgeCounters, type BridgeOptions } from './bridge.ts';
import { connectMqtt, endClient, isMqtt5, publishOptions, type MqttConnectOptions } from './connection.ts';
import { MqttController, type ControllerCounters, type MqttControllerOptions } from './controller-client.ts';
import { stderrLogger, type MqttLogger } from './rejections.ts';
import { topicFor } from './topics.ts';

/**
 * Options of {@link connectPlanner}.
 *
 * @example
 * ```ts
 * connectPlanner({ mqtt: { url }, robot, blackboard: bb, controller: { stateTimeoutMs: 2000 } });
 * ```
 */
export interface PlannerLinkOptions {
  /** Broker connection (url, TLS, credentials, protocol …). `will` is set by the link. */
  mqtt: Omit<MqttConnectOptions, 'will'>;
  robot: RobotId;
  blackboard: Blackboard;
  clock?: Clock;
  logger?: MqttLogger;
  /** Bridge tuning (payload limit, log interval, clock skew …). */
  bridge?: Partial<Omit<BridgeOptions, 'robot' | 'blackboard' | 'clock' | 'logger'>>;
  /** Controller client tuning (speed range, state timeout, resend period …). */
  controller?: Partial<Omit<MqttControllerOptions, 'client' | 'robot' | 'bridge' | 'clock'>>;
}

/**
 * Counters for metrics (read on demand; plain numbers).
 *
 * @example
 * ```ts
 * const c = link.counters(); c.bridge.rejected.schema; c.safeReason;
 * ```
 */
export interface PlannerCounters {
  connected: boolean;
  mqtt5: boolean;
  reconnects: number;
  bridge: BridgeCounters;
  controller: ControllerCounters;
  available: boolean;
  safeReason: string | undefined;
}

/**
 * A connected planner.
 *
 * @example
 * ```ts
 * const link = await connectPlanner(opts); link.controller.available; await link.close();
 * ```
 */
export interface PlannerLink {
  readonly client: MqttClient;
  readonly bridge: MqttBridge;
  readonly controller: MqttController;
  /** True when the broker speaks MQTT 5 to us. */
  readonly mqtt5: boolean;
  /** This planner's session (announced in `connection/planner`, stamped on commands). */
  readonly session: Session;
  readonly connected: boolean;
  counters(): PlannerCounters;
  /** Publishes `OFFLINE` (retained), stops the controller client and disconnects. */
  close(): Promise<void>;
}

/**
 * Connects a planner to a robot cell.
 *
 * @example
 * ```ts
 * const link = await connectPlanner({ mqtt: { url: 'mqtt://127.0.0.1:1883' }, robot: { manufacturer: 'acme', serialNumber: 'c1' }, blackboard: bb });
 * runner.controller = link.controller;  // the tree drives the cobot over MQTT
 * bb.get('affect/h1');                   // estimates arrive through the bridge
 * await link.close();
 * ```
 */
export async function connectPlanner(options: PlannerLinkOptions): Promise<PlannerLink> {
  const clock = options.clock ?? options.blackboard.clock ?? new SystemClock();
  const logger = options.logger ?? stderrLogger;
  const session = newSession(clock.now());
  const headers = new HeaderFactory(options.robot, session.sessionId);
  const connTopic = topicFor(options.robot, 'connection/planner');
  const startedAt = new Date(session.startedAt).toISOString();
  const connection = (state: ConnectionState): string => {
    const m: ConnectionMessage = { ...headers.next('connection/planner', clock.now()), sessionId: session.sessionId, sessionStartedAt: startedAt, connectionState: state };
    return JSON.stringify(m);
  };
  const client = await connectMqtt({ ...options.mqtt, will: { topic: connTopic, payload: connection('CONNECTION_BROKEN'), qos: 1, retain: true } });
  const bridge = new MqttBridge({ ...options.bridge, robot: options.robot, blackboard: options.blackboard, clock, logger });
  let reconnects = 0;
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => void bridge.handle(topic, payload, packet.retain === true);
  const onConnect = () => {
    // subscription QoS as in the contract table: affect/state 0, connection 1
    const subs: Record<string, { qos: 0 | 1 }> = {
      [bridge.topics.affect]: { qos: TOPIC_SPECS.affect.qos },
      [bridge.topics.state]: { qos: TOPIC_SPECS.state.qos },
      [bridge.topics['connection/controller']]: { qos: TOPIC_SPECS['connection/controller'].qos },
      // our own slot, only to notice another planner: QoS 0, so our own OFFLINE coming back while we disconnect needs no PUBACK
      [bridge.topics['connection/planner']]: { qos: 0 },
      [bridge.topics.order]: { qos: TOPIC_SPECS.order.qos },
      [bridge.topics.orderActions]: { qos: TOPIC_SPECS.orderActions.qos },
    };
    client.subscribe(subs, (err) => {
      if (err) logger.warn({ topic: bridge.subscriptions.join(','), reason: 'subscribe', detail: err.message }, 'mqtt subscribe failed');
    });
    client.publish(connTopic, connection('ONLINE'), publishOptions(client, 1, true));
  };
  client.on('message', onMessage);
  client.on('connect', () => {
    reconnects++;
    onConnect();
  });
  // reconnect errors repeat every reconnect period: log each distinct message once per 10 s
  const lastError = new Map<string, number>();
  client.on('error', (err) => {
    const now = clock.now();
    const at = lastError.get(err.message);
    if (at !== undefined && now - at < 10_000) return;
    if (lastError.size > 32) lastError.clear();
    lastError.set(err.message, now);
    logger.warn({ reason: 'mqtt_error', detail: err.message }, 'mqtt client error');
  });
  onConnect();
  const controller = new MqttController({ ...options.controller, client, robot: options.robot, bridge, clock, sessionId: session.sessionId });
  let closing = false;
  bridge.onPlannerConnection((m) => {
    // another planner session wrote our retained slot: while we hold the cell, put our ONLINE back
    if (m.sessionId !== session.sessionId && controller.holdsCell && !closing && client.connected) {
      logger.warn({ reason: 'second_planner', detail: `planner session ${m.sessionId} announced ${m.connectionState} for this robot; this planner (session ${session.sessionId}) holds the cell` }, 'another planner on this robot');
      client.publish(connTopic, connection('ONLINE'), publishOptions(client, 1, true));
    }
  });
  return {
    client,
    bridge,
    controller,
    session,
    mqtt5: isMqtt5(client),
    get connected() {
      return client.connected;
    },
    counters() {
      return {
        connected: client.connected,
        mqtt5: isMqtt5(client),
        reconnects,
        bridge: bridge.counters,
        controller: { ...controller.counters },
        available: controller.available,
        safeReason: controller.safeReason,
      };
    },
    async close() {
      closing = true;
      controller.close();
      if (client.connected) {
        await Promise.race([
          new Promise<void>((resolve) => client.publish(connTopic, connection('OFFLINE'), publishOptions(client, 1, true), () => resolve())),
          new Promise<void>((resolve) => setTimeout(resolve, 2000).unref()),
        ]);
      }
      await endClient(client);
      client.off('message', onMessage);
    },
  };
}
