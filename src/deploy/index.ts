/**
 * Public API of the deployable planner (`affect-bt run`): the cell config, the planner
 * process lifecycle and its observability pieces. See docs/deploy.md.
 *
 * @example
 * ```ts
 * import { loadCellConfig, Planner, createLogger } from 'affect-bt/deploy';
 * const config = loadCellConfig('cells/example.yaml');
 * ```
 */
export {
  loadCellConfig,
  parseCellConfig,
  loadEstimatorConfig,
  parseEstimatorConfig,
  cellConfigView,
  ConfigError,
  CellConfigSchema,
  BrokerSchema,
  TlsSchema,
  SECTION_OWNERS,
} from './config.ts';
export type { CellConfig, EstimatorCellConfig, CellProcess, ConfigDiagnostic, ConfigOverrides, EstimatorConfigOverrides, ResolvedBroker } from './config.ts';
export { Planner, HUMAN_READY_KEY, ORDER_ID_KEY, ORDER_PARAMETER_PREFIX } from './planner.ts';
export { OrderBook } from './orders.ts';
export type { OrderBookOptions, CancelOutcome } from './orders.ts';
export type { PlannerOptions, PlannerPhase, RunnableTree, TreeFactory } from './planner.ts';
export { PlannerMetrics, startMetricsServer } from './metrics.ts';
export type { MetricsServer, ActionOutcome, MessageCounts } from './metrics.ts';
export { createLogger } from './logger.ts';
export type { Logger, LoggerOptions } from './logger.ts';
