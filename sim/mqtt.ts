/**
 * The simulator's MQTT mode: an end-to-end check of the deployable pieces over a real
 * broker, in real time (short). The real tree runs against the MQTT controller client
 * (`connectPlanner`), which talks to the reference controller simulator
 * (`startControllerSim`) over `instantActions`/`state`; a scripted estimator publishes
 * `affect` messages (frustrated first, calm later) that reach the tree through the
 * validating bridge. The person's readiness is written straight onto the planner's
 * blackboard (`human/ready`), as the simulator is its source.
 *
 * This mode checks wiring, not statistics: the in-process mode (deterministic, skip-
 * ahead) is the one for comparisons.
 */
import { randomUUID } from 'node:crypto';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { controllerView, type HandoverParams, type SayParams } from '../src/core/controller.ts';
import type { AffectEstimate } from '../src/contract/affect.ts';
import { AffectPublisher, connectMqtt, connectPlanner, silentLogger, startEmbeddedBroker } from '../src/mqtt/index.ts';
import { startControllerSim } from '../src/controller-sim/index.ts';
import '../src/builtins.ts';
import { buildTree, loadTreeFile, type NodeRegistry } from '../src/tree/index.ts';
import type { Scenario } from './params.ts';

/** Options of {@link runMqttEpisode}. */
export interface MqttEpisodeOptions {
  /** Broker URL (`mqtt://host:port`) or `embedded` to start aedes in-process. */
  url: string;
  treePath: string;
  /** Node kinds for the tree (default: the built-in nodes); `nodes:` in the tree file adds its own. */
  registry?: NodeRegistry;
  scenario: Scenario;
  seed: string;
  /** Tasks to run (default min(3, scenario.handovers)). */
  tasks?: number;
  /** Give up after this long, ms (default 30 s). */
  timeoutMs?: number;
  /** Frustrated phase of the scripted estimator, ms (default 2 s). */
  frustratedForMs?: number;
}

/** What happened in an MQTT episode. */
export interface MqttEpisodeResult {
  broker: string;
  tasks: number;
  tasksSucceeded: number;
  handoverAttempts: number;
  /** Speed scales commanded with each handover (after pacing). */
  handoverSpeeds: number[];
  /** Speed scales commanded with setSpeedScale (clamped). */
  speedCommands: number[];
  apologies: { text: string; tone?: string; failureKind?: string }[];
  failures: number;
  affectMessages: number;
  bridgeAccepted: number;
  controllerExecuted: number;
  durationMs: number;
}

/**
 * Runs a short real-time episode over MQTT.
 *
 * @example
 * ```ts
 * const r = await runMqttEpisode({ url: 'embedded', treePath: 'trees/handover_affect.yaml', scenario: loadScenario('high_drop_robot'), seed: '1' });
 * r.tasksSucceeded;
 * ```
 */
export async function runMqttEpisode(o: MqttEpisodeOptions): Promise<MqttEpisodeResult> {
  const t0 = Date.now();
  const embedded = o.url === 'embedded' ? await startEmbeddedBroker() : undefined;
  const url = embedded ? embedded.url : o.url;
  const robot = { manufacturer: 'affectbt-sim', serialNumber: `sim-${randomUUID().slice(0, 8)}` };
  const clock = new SystemClock();
  const blackboard = new Blackboard({ clock });
  const seedNum = [...o.seed].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7) || 1;
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const doc = await loadTreeFile(o.treePath, { registry: o.registry });
    const sim = await startControllerSim({
      mqtt: { url },
      robot,
      seed: seedNum,
      pDrop: Math.min(0.5, o.scenario.robot.dropBase * 2),
      baseHandoverMs: 300,
      sayMs: 100,
      stateIntervalMs: 100,
      speedRange: [o.scenario.robot.minSpeedScale, 1],
    });
    closers.push(() => sim.stop());
    const link = await connectPlanner({ mqtt: { url }, robot, blackboard, logger: silentLogger, controller: { stateTimeoutMs: 2000, speedRange: [o.scenario.robot.minSpeedScale, 1] } });
    closers.unshift(() => link.close());
    const estClient = await connectMqtt({ url });
    closers.unshift(() => estClient.endAsync());
    const publisher = new AffectPublisher({ client: estClient, robot });

    const result: MqttEpisodeResult = {
      broker: embedded ? 'embedded' : url,
      tasks: o.tasks ?? Math.min(3, o.scenario.handovers),
      tasksSucceeded: 0,
      handoverAttempts: 0,
      handoverSpeeds: [],
      speedCommands: [],
      apologies: [],
      failures: 0,
      affectMessages: 0,
      bridgeAccepted: 0,
      controllerExecuted: 0,
      durationMs: 0,
    };
    // a recording view of the MQTT controller (the tree sees the same interface)
    const real = link.controller;
    const handovers: string[] = [];
    const controller = controllerView(real, {
      startHandover(p: HandoverParams) {
        result.handoverAttempts++;
        result.handoverSpeeds.push(p.speedScale);
        const id = real.startHandover(p);
        handovers.push(id);
        return id;
      },
      setSpeedScale(s: number) {
        const v = real.setSpeedScale(s);
        result.speedCommands.push(v);
        return v;
      },
      say(p: SayParams) {
        if (p.kind === 'apology') result.apologies.push({ text: p.text, tone: p.tone, failureKind: p.failureKind });
        return real.say(p);
      },
    });
    const runner = buildTree(doc, { blackboard, controller, clock });
    blackboard.set('human/ready', true, { source: 'sim:human' });

    const start = Date.now();
    const frustratedFor = o.frustratedForMs ?? 2000;
    const publish = () => {
      const now = Date.now();
      const frustrated = now - start < frustratedFor;
      const e: AffectEstimate = {
        humanId: o.scenario.humanId,
        expression: frustrated ? 'angry' : 'neutral',
        valence: frustrated ? -0.6 : 0.1,
        arousal: frustrated ? 0.6 : -0.1,
        confidence: 0.8,
        frustration: frustrated ? 0.85 : 0.1,
        source: 'local',
        maxAgeMs: 1000,
        observedAt: new Date(now).toISOString(),
        cues: { workingOnTask: false, fingerDrumming: frustrated },
      };
      publisher.publish([e]);
      result.affectMessages++;
    };
    publish();
    const affectTimer = setInterval(publish, 100);
    closers.unshift(async () => clearInterval(affectTimer));

    // wait for the controller and the first estimate before ticking
    const deadline = t0 + (o.timeoutMs ?? 30_000);
    while ((!real.available || blackboard.get(`affect/${o.scenario.humanId}`) === undefined) && Date.now() < deadline) await sleep(20);
    if (!real.available) throw new Error(`controller ${robot.serialNumber} not available over ${url} within the timeout; is the broker reachable?`);

    let done = 0;
    while (done < result.tasks && Date.now() < deadline) {
      const s = runner.tick();
      if (s === 'SUCCESS' || s === 'FAILURE') {
        done++;
        if (s === 'SUCCESS') result.tasksSucceeded++;
      }
      await sleep(50);
    }
    runner.halt();
    for (const id of handovers) if (real.actionState(id)?.status === 'FAILED') result.failures++;
    result.bridgeAccepted = link.counters().bridge.accepted.affect;
    result.controllerExecuted = sim.counters.executed;
    result.durationMs = Date.now() - t0;
    return result;
  } finally {
    for (const c of closers) await c().catch(() => undefined);
    await embedded?.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
