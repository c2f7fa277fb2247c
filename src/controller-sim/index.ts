/**
 * Public entry of the reference controller simulator ({@link ControllerSim},
 * {@link startControllerSim}), used by `affect-bt controller-sim`, the integration
 * tests and the simulator's MQTT mode.
 *
 * @example
 * ```ts
 * import { startControllerSim } from './controller-sim/index.ts';
 * ```
 */
export * from './controller-sim.ts';
export { seededRandom } from '../core/random.ts';
