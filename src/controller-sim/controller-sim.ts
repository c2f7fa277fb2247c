/**
 * The reference cobot controller: speaks the MQTT contract exactly as a real
 * controller adapter should, so integration tests, the simulator's MQTT mode and
 * demos have a peer — and integrators have a template.
 *
 * Behaviour:
 * - validates every `instantActions` message (invalid ones are counted and reported
 *   in `state.errors`, never executed);
 * - executes each `actionId` at most once (a bounded memory of seen ids; a duplicate
 *   is ignored but its status is re-announced so the planner stops re-sending);
 *   `onExecution` observes both — the CLI's `--log-executions` prints them as JSON
 *   lines, which is how the fault tests prove exactly-once over a real process;
 * - handovers run one at a time: RUNNING → FINISHED, or FAILED with `drop`,
 *   `human_not_ready` (seeded probabilities) or `timeout` (past `timeoutMs`);
 *   duration = `approachWaitMs` + `baseHandoverMs / speedScale`, and a
 *   `setSpeedScale` during a handover rescales the remaining motion;
 * - speed scales are clamped to the safe range;
 * - `state` on every change and every `stateIntervalMs` (heartbeat);
 * - `connection/controller`: ONLINE (retained) on every connect, OFFLINE on
 *   {@link ControllerSim.stop}, CONNECTION_BROKEN as last will;
 * - planner loss (`connection/planner` CONNECTION_BROKEN/OFFLINE): safe stop —
 *   running and queued actions are cancelled, speed goes to the minimum,
 *   `safeState: true` until the planner is ONLINE again.
 */
import type { MqttClient } from 'mqtt';
import { SystemClock, type Clock } from '../core/clock.ts';
import { clampSpeedScale, type FailureKind } from '../core/controller.ts';
import { HeaderFactory, isCompatibleVersion, type Header, type RobotId } from '../contract/header.ts';
import type { ConnectionMessage, ConnectionState } from '../contract/connection.ts';
import type { InstantAction, InstantActionsMessage } from '../contract/instant-actions.ts';
import type { StateMessage, WireActionState } from '../contract/state.ts';
import { validateMessage } from '../contract/schemas.ts';
import { connectMqtt, endClient, publishOptions, type MqttConnectOptions } from '../mqtt/connection.ts';
import { robotTopics, type RobotTopics } from '../mqtt/topics.ts';
import { RejectionLog, silentLogger, type MqttLogger } from '../mqtt/rejections.ts';
import type { RejectReason } from '../contract/schemas.ts';
import { seededRandom } from '../core/random.ts';

/**
 * Behaviour knobs of the simulated controller.
 *
 * @example
 * ```ts
 * startControllerSim({ mqtt: { url }, robot, pDrop: 0.1, pHumanNotReady: 0.05, seed: 7 });
 * ```
 */
export interface ControllerSimBehaviour {
  /** RNG seed for failure draws (default 1). */
  seed?: number;
  /** Probability that a handover drops the object (default 0). */
  pDrop?: number;
  /** Probability that the human is not ready (default 0). */
  pHumanNotReady?: number;
  /** Probability that the handover stalls until its `timeoutMs` (default 0). */
  pTimeout?: number;
  /** Motion time of a handover at speed 1 (default 1500 ms). */
  baseHandoverMs?: number;
  /** Duration of a `say` (default 300 ms). */
  sayMs?: number;
  /** Safe speed range (default [0.3, 1]). */
  speedRange?: readonly [number, number];
  /** Heartbeat period of `state` (default 500 ms). */
  stateIntervalMs?: number;
  /** Actions listed in `state.actionStates` (default 64 most recent). */
  stateWindow?: number;
  /**
   * Called once per accepted `actionId` (`execute`) and once per ignored re-delivery
   * (`duplicate`), synchronously, before the action's status changes. Not called for
   * invalid messages.
   */
  onExecution?: (event: ExecutionEvent) => void;
}

/**
 * One entry of the controller's execution record: `execute` the first time an
 * `actionId` is accepted and acted on (started, queued, or — for a handover in safe
 * stop — refused; its fate is in `state`), `duplicate` for every later delivery of the
 * same id, which is ignored. `count` is the running total of that event kind.
 *
 * @example
 * ```ts
 * startControllerSim({ mqtt: { url }, robot, onExecution: (e) => console.log(JSON.stringify(e)) });
 * // {"event":"execute","actionId":"a-1","actionType":"handover","count":1}
 * ```
 */
export interface ExecutionEvent {
  event: 'execute' | 'duplicate';
  actionId: string;
  actionType: InstantAction['actionType'];
  count: number;
}

/**
 * Options of {@link ControllerSim}.
 *
 * @example
 * ```ts
 * new ControllerSim({ client, robot, baseHandoverMs: 800 });
 * ```
 */
export interface ControllerSimOptions extends ControllerSimBehaviour {
  client: MqttClient;
  robot: RobotId;
  clock?: Clock;
  logger?: MqttLogger;
}

/**
 * Counters of the simulated controller.
 *
 * @example
 * ```ts
 * sim.counters.executed; sim.counters.duplicates;
 * ```
 */
export interface ControllerSimCounters {
  messages: number;
  invalid: number;
  actions: number;
  duplicates: number;
  executed: number;
  finished: number;
  failed: number;
  safeStops: number;
}

interface RunningHandover {
  id: string;
  params: Extract<InstantAction, { actionType: 'handover' }>['actionParameters'];
  outcome: 'ok' | 'drop' | 'human_not_ready' | 'timeout';
  /** Motion work left, in ms at speed 1. */
  workLeft: number;
  phase: 'approach' | 'motion';
  phaseStartedAt: number;
  timer: NodeJS.Timeout | undefined;
  timeoutTimer: NodeJS.Timeout | undefined;
}

const MAX_KNOWN = 10_000;

/**
 * A simulated cobot controller on an already connected client.
 *
 * @example
 * ```ts
 * const sim = await startControllerSim({ mqtt: { url }, robot: { manufacturer: 'acme', serialNumber: 'c1' }, pDrop: 0.1, seed: 7 });
 * sim.counters.executed; // actions executed (each actionId once)
 * await sim.stop();      // publishes OFFLINE
 * ```
 */
export class ControllerSim {
  readonly counters: ControllerSimCounters = { messages: 0, invalid: 0, actions: 0, duplicates: 0, executed: 0, finished: 0, failed: 0, safeStops: 0 };
  /** actionIds in execution order (for exactly-once checks). */
  readonly executedIds: string[] = [];
  readonly client: MqttClient;
  private readonly topics: RobotTopics;
  private readonly headers: HeaderFactory;
  private readonly clock: Clock;
  private readonly logger: MqttLogger;
  private readonly rejections: RejectionLog;
  private readonly robot: RobotId;
  private readonly rnd: () => number;
  private readonly b: Required<Omit<ControllerSimBehaviour, 'seed' | 'onExecution'>>;
  private readonly onExecution: ((event: ExecutionEvent) => void) | undefined;
  private readonly known = new Map<string, WireActionState>();
  private readonly recent: string[] = [];
  private readonly queue: Array<Extract<InstantAction, { actionType: 'handover' }>> = [];
  private readonly errors: StateMessage['errors'] = [];
  private running: RunningHandover | undefined;
  private speed: number;
  private safe = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onMessage = (topic: string, payload: Buffer) => this.handle(topic, payload);
  private readonly onConnect = () => this.announce();

  constructor(options: ControllerSimOptions) {
    this.client = options.client;
    this.topics = robotTopics(options.robot);
    this.headers = new HeaderFactory(options.robot);
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? silentLogger;
    this.robot = options.robot;
    this.rejections = new RejectionLog({ clock: this.clock, logger: this.logger, intervalMs: 10_000 });
    this.rnd = seededRandom(options.seed ?? 1);
    this.onExecution = options.onExecution;
    this.b = {
      pDrop: options.pDrop ?? 0,
      pHumanNotReady: options.pHumanNotReady ?? 0,
      pTimeout: options.pTimeout ?? 0,
      baseHandoverMs: options.baseHandoverMs ?? 1500,
      sayMs: options.sayMs ?? 300,
      speedRange: options.speedRange ?? [0.3, 1],
      stateIntervalMs: options.stateIntervalMs ?? 500,
      stateWindow: options.stateWindow ?? 64,
    };
    for (const [k, p] of [['pDrop', this.b.pDrop], ['pHumanNotReady', this.b.pHumanNotReady], ['pTimeout', this.b.pTimeout]] as const) {
      if (!(p >= 0 && p <= 1)) throw new RangeError(`controller-sim: ${k} must be a probability in [0, 1], got ${p}`);
    }
    if (this.b.pDrop + this.b.pHumanNotReady + this.b.pTimeout > 1) throw new RangeError('controller-sim: pDrop + pHumanNotReady + pTimeout must be ≤ 1');
    this.speed = this.b.speedRange[1];
    this.client.on('message', this.onMessage);
    this.client.on('connect', this.onConnect);
    this.announce();
    this.heartbeat = setInterval(() => this.publishState(), this.b.stateIntervalMs);
  }

  /** The connection topic payload for `state` (used for the last will). */
  static connectionPayload(robot: RobotId, state: ConnectionState, clock: Clock = new SystemClock()): string {
    const m: ConnectionMessage = { ...new HeaderFactory(robot).next('connection/controller', clock.now()), connectionState: state };
    return JSON.stringify(m);
  }

  /** Current speed scale. */
  get speedScale(): number {
    return this.speed;
  }

  /** True while holding a safe stop (planner lost). */
  get safeState(): boolean {
    return this.safe;
  }

  /** Rejected inbound messages per reason (logged once per reason per 10 s). */
  get rejected(): Readonly<Record<RejectReason, number>> {
    return this.rejections.counts;
  }

  /** Last reported status of an action. */
  status(actionId: string): Readonly<WireActionState> | undefined {
    return this.known.get(actionId);
  }

  /** Graceful stop: cancels work, publishes OFFLINE (retained), disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.abortAll('cancelled', 'controller shutting down');
    this.client.off('message', this.onMessage);
    this.client.off('connect', this.onConnect);
    if (this.client.connected) {
      this.publishState();
      await Promise.race([
        new Promise<void>((resolve) => this.client.publish(this.topics['connection/controller'], this.connection('OFFLINE'), publishOptions(this.client, 1, true), () => resolve())),
        new Promise<void>((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
    }
    await endClient(this.client);
  }

  private connection(state: ConnectionState): string {
    const m: ConnectionMessage = { ...this.headers.next('connection/controller', this.clock.now()), connectionState: state };
    return JSON.stringify(m);
  }

  private announce(): void {
    if (this.stopped) return;
    this.client.subscribe([this.topics.instantActions, this.topics['connection/planner']], { qos: 1 });
    this.client.publish(this.topics['connection/controller'], this.connection('ONLINE'), publishOptions(this.client, 1, true));
    this.publishState();
  }

  private publishState(): void {
    if (this.stopped && !this.client.connected) return;
    const actionStates: WireActionState[] = [];
    for (const id of this.recent) actionStates.push(this.known.get(id)!);
    const m: StateMessage = { ...this.headers.next('state', this.clock.now()), actionStates, speedScale: this.speed, safeState: this.safe, errors: this.errors.slice(-8) };
    if (this.client.connected) this.client.publish(this.topics.state, JSON.stringify(m), publishOptions(this.client, 0, false, 5));
  }

  private setStatus(id: string, type: WireActionState['actionType'], status: WireActionState['actionStatus'], failureKind?: FailureKind, description?: string): void {
    const s: WireActionState = { actionId: id, actionType: type, actionStatus: status };
    if (failureKind) s.failureKind = failureKind;
    if (description) s.resultDescription = description;
    const had = this.known.has(id);
    this.known.set(id, s);
    if (!had && this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
    this.touch(id);
    if (status === 'FINISHED') this.counters.finished++;
    if (status === 'FAILED') this.counters.failed++;
  }

  private touch(id: string): void {
    const i = this.recent.indexOf(id);
    if (i >= 0) this.recent.splice(i, 1);
    this.recent.push(id);
    if (this.recent.length > this.b.stateWindow) this.recent.shift();
  }

  private handle(topic: string, payload: Buffer): void {
    this.counters.messages++;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return this.invalid(topic, 'bad_json', `bad JSON: ${(err as Error).message}`);
    }
    if (topic === this.topics['connection/planner']) {
      const r = validateMessage<ConnectionMessage>('connection/planner', value);
      if (!r.ok) return this.invalid(topic, r.reason, `${r.reason}: ${r.message}`);
      const bad = this.headerProblem(r.value);
      if (bad) return this.invalid(topic, bad[0], bad[1]);
      return this.plannerConnection(r.value.connectionState);
    }
    if (topic !== this.topics.instantActions) return this.invalid(topic, 'wrong_topic', 'unexpected topic');
    const r = validateMessage<InstantActionsMessage>('instantActions', value);
    if (!r.ok) return this.invalid(topic, r.reason, `${r.reason}: ${r.message}`);
    const bad = this.headerProblem(r.value);
    if (bad) return this.invalid(topic, bad[0], bad[1]);
    for (const a of r.value.actions) this.accept(a);
    this.publishState();
  }

  private headerProblem(h: Header): [RejectReason, string] | undefined {
    if (!isCompatibleVersion(h.version)) return ['version', `incompatible contract version ${h.version}`];
    if (h.manufacturer !== this.robot.manufacturer || h.serialNumber !== this.robot.serialNumber) {
      return ['wrong_topic', `header names ${h.manufacturer}/${h.serialNumber}, not ${this.robot.manufacturer}/${this.robot.serialNumber}`];
    }
    return undefined;
  }

  private invalid(topic: string, reason: RejectReason, detail: string): void {
    this.counters.invalid++;
    this.errors.push({ errorType: 'invalidMessage', errorDescription: `${topic}: ${detail}`.slice(0, 500), errorLevel: 'WARNING' });
    if (this.errors.length > 32) this.errors.shift();
    // no state publish here: a flood of garbage must not become a flood of states
    this.rejections.reject(topic, reason, detail);
  }

  private plannerConnection(state: ConnectionState): void {
    if (state === 'ONLINE') {
      if (this.safe) {
        this.safe = false;
        this.logger.info?.({ reason: 'planner_online' }, 'controller-sim: planner back, leaving safe stop');
      }
    } else if (!this.safe) {
      this.safe = true;
      this.counters.safeStops++;
      this.speed = this.b.speedRange[0];
      this.abortAll('cancelled', `safe stop: planner ${state}`);
      this.logger.warn({ reason: 'planner_lost', detail: state }, 'controller-sim: planner lost, safe stop');
    }
    this.publishState();
  }

  private accept(a: InstantAction): void {
    this.counters.actions++;
    const seen = this.known.get(a.actionId);
    if (seen) {
      this.counters.duplicates++;
      this.onExecution?.({ event: 'duplicate', actionId: a.actionId, actionType: a.actionType, count: this.counters.duplicates });
      this.touch(a.actionId); // re-announce so the planner stops re-sending
      return;
    }
    this.counters.executed++;
    this.executedIds.push(a.actionId);
    this.onExecution?.({ event: 'execute', actionId: a.actionId, actionType: a.actionType, count: this.counters.executed });
    switch (a.actionType) {
      case 'setSpeedScale':
        this.changeSpeed(clampSpeedScale(a.actionParameters.speedScale, this.b.speedRange));
        this.setStatus(a.actionId, 'setSpeedScale', 'FINISHED');
        return;
      case 'cancel':
        this.cancelTarget(a.actionParameters.targetActionId);
        this.setStatus(a.actionId, 'cancel', 'FINISHED');
        return;
      case 'say':
        this.setStatus(a.actionId, 'say', 'RUNNING');
        setTimeout(() => {
          if (this.known.get(a.actionId)?.actionStatus === 'RUNNING') {
            this.setStatus(a.actionId, 'say', 'FINISHED', undefined, a.actionParameters.text.slice(0, 100));
            this.publishState();
          }
        }, this.b.sayMs).unref();
        return;
      case 'handover':
        if (this.safe) {
          this.setStatus(a.actionId, 'handover', 'FAILED', 'cancelled', 'rejected: controller in safe stop (planner lost)');
          return;
        }
        this.setStatus(a.actionId, 'handover', 'WAITING');
        this.queue.push(a);
        this.startNext();
        return;
    }
  }

  private startNext(): void {
    if (this.running || this.stopped) return;
    const a = this.queue.shift();
    if (!a) return;
    const p = a.actionParameters;
    this.changeSpeed(clampSpeedScale(p.speedScale, this.b.speedRange));
    const u = this.rnd();
    const outcome = u < this.b.pDrop ? 'drop' : u < this.b.pDrop + this.b.pHumanNotReady ? 'human_not_ready' : u < this.b.pDrop + this.b.pHumanNotReady + this.b.pTimeout ? 'timeout' : 'ok';
    const frac = outcome === 'drop' ? 0.7 : outcome === 'human_not_ready' ? 0.4 : 1;
    const h: RunningHandover = { id: a.actionId, params: p, outcome, workLeft: this.b.baseHandoverMs * frac, phase: 'approach', phaseStartedAt: this.clock.now(), timer: undefined, timeoutTimer: undefined };
    this.running = h;
    this.setStatus(a.actionId, 'handover', 'RUNNING');
    h.timeoutTimer = setTimeout(() => this.endHandover(h, 'FAILED', 'timeout', `no handover within ${p.timeoutMs} ms`), p.timeoutMs);
    h.timer = setTimeout(() => this.startMotion(h), p.approachWaitMs);
  }

  private startMotion(h: RunningHandover): void {
    h.phase = 'motion';
    h.phaseStartedAt = this.clock.now();
    this.scheduleMotion(h);
  }

  private scheduleMotion(h: RunningHandover): void {
    if (h.timer) clearTimeout(h.timer);
    if (h.outcome === 'timeout') return; // stalls until its timeout fires
    h.timer = setTimeout(() => {
      if (h.outcome === 'ok') this.endHandover(h, 'FINISHED', undefined, `handed ${h.params.objectId} to ${h.params.target}`);
      else this.endHandover(h, 'FAILED', h.outcome, h.outcome === 'drop' ? `dropped ${h.params.objectId}` : `${h.params.target} was not ready`);
    }, h.workLeft / this.speed);
  }

  private changeSpeed(next: number): void {
    const h = this.running;
    if (h && h.phase === 'motion' && next !== this.speed) {
      const now = this.clock.now();
      h.workLeft = Math.max(0, h.workLeft - (now - h.phaseStartedAt) * this.speed);
      h.phaseStartedAt = now;
      this.speed = next;
      this.scheduleMotion(h);
      return;
    }
    this.speed = next;
  }

  private endHandover(h: RunningHandover, status: 'FINISHED' | 'FAILED', kind: FailureKind | undefined, description: string): void {
    if (this.running !== h) return;
    if (h.timer) clearTimeout(h.timer);
    if (h.timeoutTimer) clearTimeout(h.timeoutTimer);
    this.running = undefined;
    this.setStatus(h.id, 'handover', status, kind, description);
    this.publishState();
    this.startNext();
  }

  private cancelTarget(id: string): void {
    if (this.running?.id === id) return this.endHandover(this.running, 'FAILED', 'cancelled', 'cancelled by the planner');
    const i = this.queue.findIndex((q) => q.actionId === id);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.setStatus(id, 'handover', 'FAILED', 'cancelled', 'cancelled by the planner');
      return;
    }
    const s = this.known.get(id);
    if (s && s.actionType === 'say' && s.actionStatus === 'RUNNING') this.setStatus(id, 'say', 'FAILED', 'cancelled', 'cancelled by the planner');
  }

  private abortAll(kind: FailureKind, description: string): void {
    const r = this.running;
    if (r) {
      if (r.timer) clearTimeout(r.timer);
      if (r.timeoutTimer) clearTimeout(r.timeoutTimer);
      this.running = undefined;
      this.setStatus(r.id, 'handover', 'FAILED', kind, description);
    }
    for (const q of this.queue.splice(0)) this.setStatus(q.actionId, 'handover', 'FAILED', kind, description);
    for (const [id, s] of this.known) if (s.actionType === 'say' && s.actionStatus === 'RUNNING') this.setStatus(id, 'say', 'FAILED', kind, description);
  }
}

/**
 * Options of {@link startControllerSim}.
 *
 * @example
 * ```ts
 * startControllerSim({ mqtt: { url: 'mqtt://127.0.0.1:1883' }, robot: { manufacturer: 'acme', serialNumber: 'c1' } });
 * ```
 */
export interface StartControllerSimOptions extends ControllerSimBehaviour {
  mqtt: Omit<MqttConnectOptions, 'will'>;
  robot: RobotId;
  clock?: Clock;
  logger?: MqttLogger;
}

/**
 * Connects (with a CONNECTION_BROKEN last will) and starts a {@link ControllerSim}.
 *
 * @example
 * ```ts
 * const sim = await startControllerSim({ mqtt: { url: 'mqtt://127.0.0.1:1883' }, robot: { manufacturer: 'acme', serialNumber: 'c1' } });
 * ```
 */
export async function startControllerSim(options: StartControllerSimOptions): Promise<ControllerSim> {
  const topics = robotTopics(options.robot);
  const client = await connectMqtt({
    ...options.mqtt,
    will: { topic: topics['connection/controller'], payload: ControllerSim.connectionPayload(options.robot, 'CONNECTION_BROKEN', options.clock), qos: 1, retain: true },
  });
  return new ControllerSim({ ...options, client });
}
