/**
 * The roles of a cell and what each may do on the broker (least privilege). Derived
 * from the topic table ({@link TOPIC_SPECS}: `publishers`/`subscribers` per topic), so
 * a new topic gets its access rules with its spec — the embedded broker's ACL, the
 * shipped Mosquitto `acl_file` and the docs all come from here.
 *
 * - `planner`: publishes `instantActions`, `connection/planner`, `trace`, `tree`,
 *   `plannerState`; reads `affect`, `state`, both `connection` topics, `order`,
 *   `orderActions`.
 * - `controller`: publishes `state`, `connection/controller`; reads `instantActions`,
 *   `connection/planner`.
 * - `estimator`: publishes `affect`; reads nothing.
 * - `monitor`: reads every topic of the cell; publishes nothing (dashboards, the
 *   browser monitor, `mosquitto_sub`).
 * - `orderer`: the cell's MES or operator tool (`affect-bt send`): publishes `order`
 *   and `orderActions`; reads `plannerState`. It cannot command the controller.
 */
import { TOPIC_SPECS, type TopicName } from './schemas.ts';

/**
 * The roles, in a fixed order.
 *
 * @example
 * ```ts
 * ROLES.includes('monitor'); // true
 * ```
 */
export const ROLES = ['planner', 'controller', 'estimator', 'monitor', 'orderer'] as const;

/**
 * A role of a cell.
 *
 * @example
 * ```ts
 * const r: Role = 'estimator';
 * ```
 */
export type Role = (typeof ROLES)[number];

/**
 * The topics a role may publish and subscribe to.
 *
 * @example
 * ```ts
 * const g: RoleGrants = roleGrants('controller'); // { publish: ['state', 'connection/controller'], subscribe: ['instantActions', 'connection/planner'] }
 * ```
 */
export interface RoleGrants {
  publish: TopicName[];
  subscribe: TopicName[];
}

/**
 * What `role` may do, from the topic table.
 *
 * @example
 * ```ts
 * roleGrants('estimator'); // { publish: ['affect'], subscribe: [] }
 * ```
 */
export function roleGrants(role: Role): RoleGrants {
  const out: RoleGrants = { publish: [], subscribe: [] };
  for (const s of Object.values(TOPIC_SPECS)) {
    if (s.publishers.includes(role)) out.publish.push(s.name);
    if (s.subscribers.includes(role)) out.subscribe.push(s.name);
  }
  return out;
}

/**
 * True when `text` names a role.
 *
 * @example
 * ```ts
 * isRole('planner'); // true
 * isRole('admin');   // false
 * ```
 */
export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
