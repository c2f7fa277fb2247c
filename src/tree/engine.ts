/**
 * The one place that loads BehaviorTree.js. The package ships a CommonJS build
 * (`main`) and a webpack ESM build (`module`) with different default exports; Node and
 * Vite pick different ones. Loading the CommonJS build through `createRequire` gives
 * every caller (runtime, tests, bench) the same engine instance and the same RUNNING
 * symbol.
 */
import { createRequire } from 'node:module';
import type { Engine } from './engine-types.ts';

const require = createRequire(import.meta.url);

/**
 * The BehaviorTree.js module (Task, Sequence, Selector, BranchNode, Decorator, BehaviorTree, SUCCESS, FAILURE, RUNNING, decorators).
 *
 * @example
 * ```ts
 * import engine from './engine.ts';
 * const task = new engine.Task({ run: () => engine.SUCCESS });
 * ```
 */
const engine = require('behaviortree') as Engine;
export default engine;
