/**
 * Topic names of the contract: `affectbt/v1/{manufacturer}/{serialNumber}/{topic}`.
 * Building and parsing live here so no other module concatenates topic strings.
 *
 * Design note: parsing is a prefix check plus a table lookup (no regex, no split) —
 * it runs on every inbound message.
 */
import type { RobotId } from '../contract/header.ts';
import { ID_PATTERN } from '../contract/header.ts';
import { TOPIC_SPECS, type TopicName } from '../contract/schemas.ts';

/**
 * First levels of every topic.
 *
 * @example
 * ```ts
 * `${TOPIC_ROOT}/acme/c1/affect`
 * ```
 */
export const TOPIC_ROOT = 'affectbt/v1';

const ID_RE = new RegExp(ID_PATTERN);

/**
 * Checks a manufacturer/serial pair for use in topics; throws a clear error if bad.
 *
 * @example
 * ```ts
 * parseRobotId('acme/cell-1'); // { manufacturer: 'acme', serialNumber: 'cell-1' }
 * ```
 */
export function parseRobotId(text: string): RobotId {
  const parts = text.split('/');
  if (parts.length !== 2 || !ID_RE.test(parts[0]!) || !ID_RE.test(parts[1]!)) {
    throw new Error(`robot id '${text}' must be MANUFACTURER/SERIAL with letters, digits, '_', '.', ':' or '-' (e.g. acme/cell-1)`);
  }
  return { manufacturer: parts[0]!, serialNumber: parts[1]! };
}

/**
 * The prefix `affectbt/v1/{manufacturer}/{serialNumber}/` of a robot's topics.
 *
 * @example
 * ```ts
 * robotPrefix({ manufacturer: 'acme', serialNumber: 'c1' }); // 'affectbt/v1/acme/c1/'
 * ```
 */
export function robotPrefix(robot: RobotId): string {
  if (!ID_RE.test(robot.manufacturer) || !ID_RE.test(robot.serialNumber)) {
    throw new Error(`robot id ${robot.manufacturer}/${robot.serialNumber} is not usable in a topic: use letters, digits, '_', '.', ':' or '-'`);
  }
  return `${TOPIC_ROOT}/${robot.manufacturer}/${robot.serialNumber}/`;
}

/**
 * The full topic of `name` for a robot.
 *
 * @example
 * ```ts
 * topicFor({ manufacturer: 'acme', serialNumber: 'c1' }, 'affect'); // 'affectbt/v1/acme/c1/affect'
 * ```
 */
export function topicFor(robot: RobotId, name: TopicName): string {
  return robotPrefix(robot) + name;
}

/**
 * All topics of one robot, by name.
 *
 * @example
 * ```ts
 * const t: RobotTopics = robotTopics(robot); t.state;
 * ```
 */
export type RobotTopics = Readonly<Record<TopicName, string>>;

/**
 * All topic strings of one robot, precomputed.
 *
 * @example
 * ```ts
 * const t = robotTopics({ manufacturer: 'acme', serialNumber: 'c1' });
 * t.instantActions; // 'affectbt/v1/acme/c1/instantActions'
 * ```
 */
export function robotTopics(robot: RobotId): RobotTopics {
  const out = {} as Record<TopicName, string>;
  for (const name of Object.keys(TOPIC_SPECS) as TopicName[]) out[name] = topicFor(robot, name);
  return out;
}

/**
 * The contract topic name of a full topic of this robot, or `undefined` when the
 * topic is not one of the robot's contract topics (`wrong_topic`).
 *
 * @example
 * ```ts
 * topicName(robotTopics(r), 'affectbt/v1/acme/c1/state'); // 'state'
 * ```
 */
export function topicName(topics: RobotTopics, topic: string): TopicName | undefined {
  for (const name in topics) if (topics[name as TopicName] === topic) return name as TopicName;
  return undefined;
}
