/**
 * Public API of the headless handover simulator (what `affect-bt sim`, the bench and
 * other modules import). See docs/simulator.md for the models and the metrics.
 *
 * @example
 * ```ts
 * import { loadScenario, loadSimTree, runComparison, toTable } from './sim/index.ts';
 * const trees = await Promise.all(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'].map(loadSimTree));
 * const results = runComparison({ trees, scenarios: [loadScenario('impatient_novice')], episodes: 200, seed: 1 });
 * console.log(toTable(results, { seed: 1, episodes: 200, mode: 'skip', trees: trees.map((t) => ({ name: t.name, path: t.path })) }));
 * ```
 */
export { Rng, episodeSeed } from './rng.ts';
export { ScenarioSchema, HumanParamsSchema, RobotParamsSchema, TrustParamsSchema, EstimatorParamsSchema } from './params.ts';
export type { Scenario, HumanParams, RobotParams, TrustParams, EstimatorParams, Trait } from './params.ts';
export { loadScenario, loadScenarios, parseScenario, listScenarios, ScenarioError, SCENARIO_DIR } from './scenario.ts';
export { HumanModel } from './human.ts';
export type { HumanExposure, FrameCues, NoticedOutcome } from './human.ts';
export { drawPerson, resolveFactRef } from './person.ts';
export type { Person, HumanTraits, ApologyJudge, TrustTraits } from './person.ts';
export { ApologyJudgeState } from './judge.ts';
export type { ApologyJudgement, ApologyVerdict } from './judge.ts';
export { createSensingFaults } from './faults.ts';
export type { SensingFaults } from './faults.ts';
export { SimRobot } from './robot.ts';
export type { RobotPhase, RobotEvent, ReceiverView } from './robot.ts';
export { TrustModel } from './trust.ts';
export { createSimEstimator, SIGH_HOLD_MS } from './estimator.ts';
export type { SimEstimator } from './estimator.ts';
export { runEpisode, timelineRecorder, EPISODE_START_MS, ALIGNED_TRUST_OFFSETS_S } from './episode.ts';
export type { EpisodeOptions, EpisodeMetrics, EpisodeResult, EpisodeObserver, EpisodeEvent, FrameSample, Timeline, TimelineSample, TreeFactory, TreeRunnerLike } from './episode.ts';
export { runComparison, REPORTED_METRICS } from './compare.ts';
export type { ComparisonOptions, ComparedTree, TreeResult, ScenarioResult, PairedComparison, MetricKey } from './compare.ts';
export { summarize, pairedDiff, tQuantile975, tQuantile, normalCdf, normalQuantile, wilson, BootstrapPlan, bootstrapMean, bootstrapRatio, bootstrapPairedMean, bootstrapPairedRatio, nonInferiority, superiority, episodesForPower } from './stats.ts';
export type { Summary } from './stats.ts';
export { toJson, toTable } from './report.ts';
export type { ReportMeta } from './report.ts';
export { timelineSvg, comparisonSvg } from './plots.ts';
export { createProgress } from './progress.ts';
export type { Progress } from './progress.ts';
export { loadSimTree } from './trees.ts';
export type { SimTree } from './trees.ts';
export { scriptedPolicy } from './scripted.ts';
export { runMqttEpisode } from './mqtt.ts';
export type { MqttEpisodeOptions, MqttEpisodeResult } from './mqtt.ts';
export { scenarioParamsMarkdown } from './params-doc.ts';
