/**
 * Public API of the headless handover simulator (what `affect-bt sim`, the bench and
 * other modules import). See docs/simulator.md for the models and the metrics.
 *
 * @example
 * ```ts
 * import { loadScenario, loadSimTrees, runSimulation, toTable } from './sim/index.ts';
 * const trees = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'], { controls: true });
 * const run = await runSimulation({ trees, scenarios: [loadScenario('impatient_novice')], episodes: 200, seeds: [1] });
 * console.log(toTable(run.runs[0]!.results, run.meta)); // levels, paired differences, one verdict per claim
 * ```
 */
export { Rng, episodeSeed } from './rng.ts';
export { ScenarioSchema, HumanParamsSchema, RobotParamsSchema, TrustParamsSchema, EstimatorParamsSchema } from './params.ts';
export type { Scenario, HumanParams, RobotParams, TrustParams, EstimatorParams, Trait, Spread, FactSpec } from './params.ts';
export { loadScenario, loadScenarios, parseScenario, listScenarios, scenarioPosition, ScenarioError, SCENARIO_DIR } from './scenario.ts';
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
export { runEpisode, timelineRecorder, combineObservers, EPISODE_START_MS, ALIGNED_TRUST_OFFSETS_S } from './episode.ts';
export type { EpisodeOptions, EpisodeMetrics, EpisodeResult, EpisodeObserver, EpisodeEvent, FrameSample, Timeline, TimelineSample, TreeFactory, TreeRunnerLike } from './episode.ts';
export { runComparison, runEpisodes, reduceComparison, REPORTED_METRICS } from './compare.ts';
export type { ComparisonOptions, ComparedTree, TreeResult, ScenarioResult, ScenarioRecords, PairedComparison, MetricKey, AlignedTrust, ReduceOptions } from './compare.ts';
export { CLAIMS, judgeClaim } from './claims.ts';
export type { ClaimSpec, ClaimResult } from './claims.ts';
export { CONTROL_KINDS, CONTROL_DESCRIPTIONS, deriveControl, applicableControls, isAffectTree, reachableNodes } from './controls.ts';
export type { ControlKind, DerivedControl } from './controls.ts';
export { runSimulation } from './run.ts';
export type { SimRunOptions, SimRun } from './run.ts';
export { runEpisodesInWorkers } from './workers.ts';
export type { WorkerJob } from './workers.ts';
export { parseShard, shardRange, shardJson, mergeShards, MergeError, SHARD_FORMAT } from './shard.ts';
export type { ShardSpec } from './shard.ts';
export { toRecord, recordToJson, recordFromJson, RECORD_METRICS, RECORD_LENGTH } from './record.ts';
export { validateScenarios } from './validate.ts';
export type { ScenarioProblem } from './validate.ts';
export { summarize, pairedDiff, tQuantile975, tQuantile, normalCdf, normalQuantile, wilson, BootstrapPlan, bootstrapMean, bootstrapRatio, bootstrapPairedMean, bootstrapPairedRatio, nonInferiority, superiority, episodesForPower } from './stats.ts';
export type { Summary } from './stats.ts';
export { toJson, toTable, seedSpread, claimLine } from './report.ts';
export type { ReportMeta, SeedSpread } from './report.ts';
export { timelineSvg, comparisonSvg, alignedTrustSvg, detectionSvg, claimsSvg, scenarioPlots } from './plots.ts';
export { createProgress } from './progress.ts';
export type { Progress } from './progress.ts';
export { loadSimTree, loadSimTrees, loadTreeSources, controlOf, treeSources } from './trees.ts';
export type { SimTree, TreeSource, EpisodeSettings } from './trees.ts';
export { scriptedPolicy } from './scripted.ts';
export { runMqttEpisode } from './mqtt.ts';
export type { MqttEpisodeOptions, MqttEpisodeResult } from './mqtt.ts';
export { scenarioParamsMarkdown } from './params-doc.ts';
