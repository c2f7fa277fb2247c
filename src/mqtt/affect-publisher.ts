/**
 * Publishing affect estimates (estimator side of the `affect` topic): header with a
 * growing `headerId`, QoS 0, and on MQTT 5 brokers a message expiry derived from the
 * smallest `maxAgeMs` so brokers drop what would arrive stale anyway. Each publisher is
 * a new sender session (`sessionId` in the header), so the planner orders a restarted
 * estimator's messages afresh.
 */
import type { MqttClient } from 'mqtt';
import { SystemClock, type Clock } from '../core/clock.ts';
import type { AffectEstimate } from '../contract/affect.ts';
import { HeaderFactory, newSession, type RobotId } from '../contract/header.ts';
import type { AffectMessage } from '../contract/schemas.ts';
import { publishOptions } from './connection.ts';
import { topicFor } from './topics.ts';

/**
 * Publishes `affect` messages for one robot.
 *
 * @example
 * ```ts
 * const pub = new AffectPublisher({ client, robot: { manufacturer: 'acme', serialNumber: 'c1' } });
 * pub.publish([estimate]); // → affectbt/v1/acme/c1/affect
 * ```
 */
export class AffectPublisher {
  readonly topic: string;
  private readonly headers: HeaderFactory;
  private readonly client: MqttClient;
  private readonly clock: Clock;

  constructor(options: { client: MqttClient; robot: RobotId; clock?: Clock }) {
    this.client = options.client;
    this.clock = options.clock ?? new SystemClock();
    this.headers = new HeaderFactory(options.robot, newSession(this.clock.now()).sessionId);
    this.topic = topicFor(options.robot, 'affect');
  }

  /** Builds the message (1..16 estimates) without sending it. */
  message(estimates: AffectEstimate[]): AffectMessage {
    if (estimates.length < 1 || estimates.length > 16) throw new RangeError(`an affect message carries 1..16 estimates, got ${estimates.length}; split them`);
    return { ...this.headers.next('affect', this.clock.now()), estimates };
  }

  /** Publishes the estimates (QoS 0); returns the JSON sent. */
  publish(estimates: AffectEstimate[]): string {
    const json = JSON.stringify(this.message(estimates));
    let minAge = Infinity;
    for (const e of estimates) if (e.maxAgeMs < minAge) minAge = e.maxAgeMs;
    this.client.publish(this.topic, json, publishOptions(this.client, 0, false, Math.max(1, minAge / 1000)));
    return json;
  }
}
