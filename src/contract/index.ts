/**
 * Public entry of the MQTT contract: schemas, types, the topic table and validators.
 * Import from here rather than from the individual files.
 *
 * @example
 * ```ts
 * import { TOPIC_SPECS, validateMessage, HeaderFactory, type AffectMessage } from './contract/index.ts';
 * ```
 */
export * from './affect.ts';
export * from './header.ts';
export * from './instant-actions.ts';
export * from './state.ts';
export * from './connection.ts';
export * from './tree.ts';
export * from './schemas.ts';
export * from './roles.ts';
export * from './orders.ts';
