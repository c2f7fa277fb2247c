/**
 * The reference cobot controller: speaks the MQTT contract exactly as a real
 * controller adapter should, so integration tests, the simulator's MQTT mode and
 * demos have a peer — and integrators have a template.
 *
 * Behaviour:
 * - **starts in a safe stop** (minimum speed, `safeState: true`) and leaves it only for
 *   a planner session that is ONLINE: the first session to announce ONLINE holds the
 *   cell; while it is online another session's ONLINE is refused (`state.errors`
 *   `plannerSessionRefused`, referencing that session) and its loss messages are
 *   ignored, so a second planner cannot disturb the first; once the holder goes
 *   OFFLINE/CONNECTION_BROKEN, a session at least as new may take over;
 * - every inbound message passes the shared receive-side checks ({@link InboundGuard}):
 *   schema, version, robot, retained copies (a retained command is never executed),
 *   header clock skew and age (a command dated 1970 or 9999 is refused), the planner
 *   session (commands only from the holder while ONLINE), ordering per session; refusals
 *   are counted and reported in `state.errors`, never executed;
 * - plausibility: a schema-valid command outside the cell's bounds (speed outside
 *   `speedRange`, approach wait or timeout outside the stated limits, more queued
 *   handovers than `maxQueuedHandovers`) fails with `error` and the reason, and is
 *   reported in `state.errors` (`implausibleAction`);
 * - executes each `actionId` at most once, **across restarts** with a persistent
 *   {@link ExecutedStore} (recorded before it runs); a duplicate is ignored but its
 *   status is re-announced so the planner stops re-sending. `onExecution` observes
 *   execute / duplicate / rejected — the CLI's `--log-executions` prints them as JSON
 *   lines, which is how the fault and hostile-client tests prove exactly-once;
 * - handovers run one at a time: RUNNING → FINISHED, or FAILED with `drop`,
 *   `human_not_ready` (seeded probabilities) or `timeout` (past `timeoutMs`);
 *   duration = `approachWaitMs` + `baseHandoverMs / speedScale`, and a
 *   `setSpeedScale` during a handover rescales the remaining motion;
 * - in the safe stop, pacing may only go down (a speed increase is ignored);
 * - `state` on every change and every `stateIntervalMs` (heartbeat), naming its own
 *   session and the planner session it obeys (`plannerSessionId`);
 * - `connection/controller`: ONLINE (retained) on every connect, OFFLINE on
 *   {@link ControllerSim.stop}, CONNECTION_BROKEN as last will — all with its session;
 * - planner loss (holder's `connection/planner` CONNECTION_BROKEN/OFFLINE): safe stop —
 *   running and queued actions are cancelled, speed goes to the minimum,
 *   `safeState: true` until a planner session is ONLINE again;
 * - broker loss is planner loss: without a broker nobody supervises the cell, so the
 *   same safe stop happens at once. After the reconnect it obeys the holder again only
 *   once that session's ONLINE arrives through the new subscription (the broker's
 *   retained copy, or the planner's own re-announcement) — so every `state` naming a
 *   planner session is sent while the command subscription is already in place.
 */
import type { MqttClient } from 'mqtt';
import { SystemClock, type Clock } from '../core/clock.ts';
import { clampSpeedScale, type FailureKind } from '../core/controller.ts';
import { HeaderFactory, newSession, type RobotId, type Session } from '../contract/header.ts';
import type { ConnectionMessage, ConnectionState } from '../contract/connection.ts';
import type { InstantAction, InstantActionsMessage } from '../contract/instant-actions.ts';
import type { ControllerError, StateMessage, WireActionState } from '../contract/state.ts';
import type { RejectReason } from '../contract/schemas.ts';
import { connectMqtt, endClient, publishOptions, type MqttConnectOptions } from '../mqtt/connection.ts';
import { topicFor, type RobotTopics } from '../mqtt/topics.ts';
import { InboundGuard } from '../mqtt/inbound.ts';
import { silentLogger, type MqttLogger } from '../mqtt/rejections.ts';
import { seededRandom } from '../core/random.ts';
import { MemoryExecutedStore, type ExecutedStore } from './executed-store.ts';

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
  /** The cell's speed range: commands outside it are implausible (default [0.3, 1]); the safe stop uses its minimum. */
  speedRange?: readonly [number, number];
  /** Longest plausible `approachWaitMs` (default 10,000). */
  maxApproachWaitMs?: number;
  /** Plausible handover `timeoutMs` range (default [100, 120,000]). */
  handoverTimeoutRange?: readonly [number, number];
  /** Handovers that may wait behind the running one (default 8). */
  maxQueuedHandovers?: number;
  /** Allowed clock difference to the planner (default 5,000 ms). */
  maxClockSkewMs?: number;
  /** Executed-actionId memory (default: in memory; pass a {@link FileExecutedStore} to survive restarts). */
  executedStore?: ExecutedStore;
  /** Heartbeat period of `state` (default 500 ms). */
  stateIntervalMs?: number;
  /** Actions listed in `state.actionStates` (default 64 most recent). */
  stateWindow?: number;
  /**
   * Called once per accepted `actionId` (`execute`), once per ignored re-delivery
   * (`duplicate`) and once per action of a refused message or an implausible action
   * (`rejected`, with the reason), synchronously, before the action's status changes.
   * Not called for payloads that do not validate (no action to name).
   */
  onExecution?: (event: ExecutionEvent) => void;
}

/**
 * One entry of the controller's execution record: `execute` the first time an
 * `actionId` is accepted and acted on (started or queued; its fate is in `state`),
 * `duplicate` for every later delivery of the same id (also after a restart, with a
 * persistent store), which is ignored, and `rejected` for an action that is not obeyed
 * (`reason`: a message rejection reason such as `session`, `retained`, `stale`,
 * `clock_skew`, or `implausible`). `count` is the running total of that event kind.
 *
 * @example
 * ```ts
 * startControllerSim({ mqtt: { url }, robot, onExecution: (e) => console.log(JSON.stringify(e)) });
 * // {"event":"execute","actionId":"a-1","actionType":"handover","count":1}
 * // {"event":"rejected","actionId":"x-9","actionType":"handover","count":1,"reason":"session"}
 * ```
 */
export interface ExecutionEvent {
  event: 'execute' | 'duplicate' | 'rejected';
  actionId: string;
  actionType: InstantAction['actionType'];
  count: number;
  /** Why a `rejected` action was not obeyed. */
  reason?: RejectReason | 'implausible';
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
  /** This controller's session (default: a new one; {@link startControllerSim} makes it before connecting, for the last will). */
  session?: Session;
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
  /** Messages refused by the receive-side checks (invalid, retained, other session, stale …). */
  invalid: number;
  actions: number;
  duplicates: number;
  executed: number;
  /** Actions not obeyed: of a refused message, or implausible. */
  rejected: number;
  /** Schema-valid actions outside the cell's bounds. */
  implausible: number;
  finished: number;
  failed: number;
  safeStops: number;
  /** ONLINE announcements of a second planner session that were refused. */
  plannersRefused: number;
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
  readonly counters: ControllerSimCounters = { messages: 0, invalid: 0, actions: 0, duplicates: 0, executed: 0, rejected: 0, implausible: 0, finished: 0, failed: 0, safeStops: 0, plannersRefused: 0 };
  /** actionIds in execution order (for exactly-once checks). */
  readonly executedIds: string[] = [];
  readonly client: MqttClient;
  /** This controller's session (announced in `connection/controller`, stamped on `state`). */
  readonly session: Session;
  private readonly topics: RobotTopics;
  private readonly headers: HeaderFactory;
  private readonly clock: Clock;
  private readonly logger: MqttLogger;
  private readonly guard: InboundGuard;
  private readonly store: ExecutedStore;
  private readonly rnd: () => number;
  private readonly b: Required<Omit<ControllerSimBehaviour, 'seed' | 'onExecution' | 'executedStore' | 'maxClockSkewMs'>>;
  private readonly onExecution: ((event: ExecutionEvent) => void) | undefined;
  private readonly known = new Map<string, WireActionState>();
  private readonly recent: string[] = [];
  private readonly queue: Array<Extract<InstantAction, { actionType: 'handover' }>> = [];
  private readonly errors: ControllerError[] = [];
  private running: RunningHandover | undefined;
  private speed: number;
  /** The planner session holding the cell, and whether it is ONLINE. */
  private holder: { sessionId: string; startedAt: number; online: boolean } | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => this.handle(topic, payload, packet.retain === true);
  private readonly onConnect = () => this.announce();
  private readonly onClose = () => this.brokerLost();

  constructor(options: ControllerSimOptions) {
    this.client = options.client;
    this.clock = options.clock ?? new SystemClock();
    this.session = options.session ?? newSession(this.clock.now());
    this.headers = new HeaderFactory(options.robot, this.session.sessionId);
    this.logger = options.logger ?? silentLogger;
    this.guard = new InboundGuard({ robot: options.robot, clock: this.clock, inbound: ['instantActions', 'connection/planner'], logger: this.logger, maxClockSkewMs: options.maxClockSkewMs });
    this.topics = this.guard.topics;
    this.store = options.executedStore ?? new MemoryExecutedStore();
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
      maxApproachWaitMs: options.maxApproachWaitMs ?? 10_000,
      handoverTimeoutRange: options.handoverTimeoutRange ?? [100, 120_000],
      maxQueuedHandovers: options.maxQueuedHandovers ?? 8,
    };
    for (const [k, p] of [['pDrop', this.b.pDrop], ['pHumanNotReady', this.b.pHumanNotReady], ['pTimeout', this.b.pTimeout]] as const) {
      if (!(p >= 0 && p <= 1)) throw new RangeError(`controller-sim: ${k} must be a probability in [0, 1], got ${p}`);
    }
    if (this.b.pDrop + this.b.pHumanNotReady + this.b.pTimeout > 1) throw new RangeError('controller-sim: pDrop + pHumanNotReady + pTimeout must be ≤ 1');
    const [lo, hi] = this.b.speedRange;
    if (!(lo > 0 && lo <= hi && hi <= 1)) throw new RangeError(`controller-sim: speedRange must satisfy 0 < min ≤ max ≤ 1, got [${lo}, ${hi}]`);
    this.speed = lo; // starts in the safe stop
    this.client.on('message', this.onMessage);
    this.client.on('connect', this.onConnect);
    this.client.on('close', this.onClose);
    this.announce();
    this.heartbeat = setInterval(() => this.publishState(), this.b.stateIntervalMs);
  }

  /** The `connection/controller` payload of a session (the last will uses it too). */
  static connectionPayload(robot: RobotId, state: ConnectionState, session: Session, clock: Clock = new SystemClock()): string {
    const m: ConnectionMessage = {
      ...new HeaderFactory(robot, session.sessionId).next('connection/controller', clock.now()),
      sessionId: session.sessionId,
      sessionStartedAt: new Date(session.startedAt).toISOString(),
      connectionState: state,
    };
    return JSON.stringify(m);
  }

  /** Current speed scale. */
  get speedScale(): number {
    return this.speed;
  }

  /** True while holding a safe stop (no ONLINE planner session holds the cell). */
  get safeState(): boolean {
    return !this.holder?.online;
  }

  /** The planner session obeyed, while one is ONLINE. */
  get plannerSessionId(): string | undefined {
    return this.holder?.online ? this.holder.sessionId : undefined;
  }

  /** Rejected inbound messages per reason (logged once per reason per 10 s). */
  get rejected(): Readonly<Record<RejectReason, number>> {
    return this.guard.rejections.counts;
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
    this.client.off('close', this.onClose);
    if (this.client.connected) {
      this.publishState();
      await Promise.race([
        new Promise<void>((resolve) => this.client.publish(this.topics['connection/controller'], this.connection('OFFLINE'), publishOptions(this.client, 1, true), () => resolve())),
        new Promise<void>((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
    }
    await endClient(this.client);
    this.store.close();
  }

  private connection(state: ConnectionState): string {
    const m: ConnectionMessage = { ...this.headers.next('connection/controller', this.clock.now()), sessionId: this.session.sessionId, sessionStartedAt: new Date(this.session.startedAt).toISOString(), connectionState: state };
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
    const m: StateMessage = { ...this.headers.next('state', this.clock.now()), actionStates, speedScale: this.speed, safeState: this.safeState, errors: this.errors.slice(-8) };
    const holder = this.plannerSessionId;
    if (holder !== undefined) m.plannerSessionId = holder;
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

  private handle(topic: string, payload: Buffer, retained: boolean): void {
    this.counters.messages++;
    const r = this.guard.check<InstantActionsMessage | ConnectionMessage>(topic, payload, retained);
    if (!r.ok) {
      this.counters.invalid++;
      const invalid = r.reason === 'bad_json' || r.reason === 'schema' || r.reason === 'out_of_range' || r.reason === 'too_large';
      const actions = r.name === 'instantActions' && !invalid ? actionsOf(r.value) : [];
      for (const a of actions) this.reject(a, r.reason);
      this.error(invalid ? 'invalidMessage' : 'refusedMessage', `${topic}: ${r.reason}: ${r.detail}`, actions.slice(0, 8).map((a) => ({ referenceKey: 'actionId', referenceValue: a.actionId })));
      // no state publish here: a flood of garbage must not become a flood of states
      return;
    }
    if (r.name === 'connection/planner') return this.plannerConnection(r.msg as ConnectionMessage);
    for (const a of (r.msg as InstantActionsMessage).actions) this.accept(a);
    this.publishState();
  }

  private error(errorType: string, description: string, references: ControllerError['errorReferences'] = []): void {
    const e: ControllerError = { errorType, errorDescription: description.slice(0, 500), errorLevel: 'WARNING' };
    if (references.length > 0) e.errorReferences = references;
    this.errors.push(e);
    if (this.errors.length > 32) this.errors.shift();
  }

  private reject(a: { actionId: string; actionType: InstantAction['actionType'] }, reason: RejectReason | 'implausible'): void {
    this.counters.rejected++;
    this.onExecution?.({ event: 'rejected', actionId: a.actionId, actionType: a.actionType, count: this.counters.rejected, reason });
  }

  /** Session arbitration: one ONLINE planner session holds the cell; others are refused or ignored. */
  private plannerConnection(m: ConnectionMessage): void {
    const startedAt = Date.parse(m.sessionStartedAt);
    const h = this.holder;
    const topic = this.topics['connection/planner'];
    if (m.connectionState === 'ONLINE') {
      if (h && h.sessionId === m.sessionId) {
        if (h.online) return; // re-announce (reconnect, or after another session wrote the slot)
        h.online = true;
      } else if (h && h.online) {
        this.counters.plannersRefused++;
        const detail = `planner session ${m.sessionId} refused: the cell is held by planner session ${h.sessionId} (ONLINE, started ${new Date(h.startedAt).toISOString()}); run one planner per robot`;
        this.error('plannerSessionRefused', detail, [{ referenceKey: 'sessionId', referenceValue: m.sessionId }]);
        this.guard.reject(topic, 'session', detail);
        this.logger.warn({ reason: 'planner_refused', detail }, 'controller-sim: second planner refused');
        this.publishState();
        return;
      } else if (h && startedAt < h.startedAt) {
        const detail = `planner session ${m.sessionId} (started ${m.sessionStartedAt}) refused: older than the last holder ${h.sessionId} (a replayed ONLINE?)`;
        this.error('plannerSessionRefused', detail, [{ referenceKey: 'sessionId', referenceValue: m.sessionId }]);
        this.guard.reject(topic, 'session', detail);
        return;
      } else {
        this.holder = { sessionId: m.sessionId, startedAt, online: true };
      }
      this.guard.setSession('connection/planner', m.sessionId);
      this.logger.info?.({ reason: 'planner_online', detail: m.sessionId }, 'controller-sim: planner session ONLINE, leaving safe stop');
      this.publishState();
      return;
    }
    if (!h) return; // e.g. the retained OFFLINE of the last planner at start: already in the safe stop
    if (h.sessionId !== m.sessionId) {
      // a loss message of a session that does not hold the cell (a refused second planner's will)
      this.guard.reject(topic, 'session', `${m.connectionState} of planner session ${m.sessionId} ignored: the cell is held by ${h.sessionId}`);
      return;
    }
    if (this.safeStop(`planner ${m.connectionState}`)) this.logger.warn({ reason: 'planner_lost', detail: `${m.connectionState} (session ${m.sessionId})` }, 'controller-sim: planner lost, safe stop');
  }

  /** The broker link dropped: nobody can supervise the cell, so the planner counts as lost. */
  private brokerLost(): void {
    if (this.stopped) return;
    if (this.safeStop('broker connection lost')) this.logger.warn({ reason: 'broker_lost', detail: `planner session ${this.holder!.sessionId} unreachable` }, 'controller-sim: broker connection lost, safe stop');
  }

  /** Enters the safe stop (holder no longer obeyed, work cancelled, minimum speed); false when already in it. */
  private safeStop(cause: string): boolean {
    const h = this.holder;
    if (!h?.online) return false;
    h.online = false;
    this.guard.setSession('connection/planner', undefined);
    this.counters.safeStops++;
    this.speed = this.b.speedRange[0];
    this.abortAll('cancelled', `safe stop: ${cause}`);
    this.publishState();
    return true;
  }

  /** Why a schema-valid action is not plausible for this cell, or undefined. */
  private implausible(a: InstantAction): string | undefined {
    const [lo, hi] = this.b.speedRange;
    const speed = a.actionType === 'handover' || a.actionType === 'setSpeedScale' ? a.actionParameters.speedScale : undefined;
    if (speed !== undefined && (speed < lo || speed > hi)) return `speedScale ${speed} outside the cell's range [${lo}, ${hi}]`;
    if (a.actionType !== 'handover') return undefined;
    const p = a.actionParameters;
    if (p.approachWaitMs > this.b.maxApproachWaitMs) return `approachWaitMs ${p.approachWaitMs} above the limit ${this.b.maxApproachWaitMs}`;
    const [tlo, thi] = this.b.handoverTimeoutRange;
    if (p.timeoutMs < tlo || p.timeoutMs > thi) return `timeoutMs ${p.timeoutMs} outside [${tlo}, ${thi}]`;
    if (this.queue.length >= this.b.maxQueuedHandovers) return `${this.queue.length} handovers already queued (limit ${this.b.maxQueuedHandovers})`;
    return undefined;
  }

  private accept(a: InstantAction): void {
    this.counters.actions++;
    if (this.store.has(a.actionId)) {
      this.counters.duplicates++;
      this.onExecution?.({ event: 'duplicate', actionId: a.actionId, actionType: a.actionType, count: this.counters.duplicates });
      // re-announce so the planner stops re-sending; an id executed before a restart has no status here
      if (this.known.has(a.actionId)) this.touch(a.actionId);
      else this.setStatus(a.actionId, a.actionType, 'FAILED', 'controller_lost', 'executed before a controller restart; not repeated');
      return;
    }
    const why = this.implausible(a);
    if (why !== undefined) {
      this.counters.implausible++;
      this.reject(a, 'implausible');
      this.error('implausibleAction', `${a.actionType} ${a.actionId}: ${why}`, [{ referenceKey: 'actionId', referenceValue: a.actionId }]);
      this.setStatus(a.actionId, a.actionType, 'FAILED', 'error', `implausible: ${why}`);
      return;
    }
    this.store.add(a.actionId, this.clock.now()); // recorded before it runs: at most once, also across restarts
    this.counters.executed++;
    this.executedIds.push(a.actionId);
    this.onExecution?.({ event: 'execute', actionId: a.actionId, actionType: a.actionType, count: this.counters.executed });
    switch (a.actionType) {
      case 'setSpeedScale':
        this.changeSpeed(a.actionParameters.speedScale);
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
    this.changeSpeed(p.speedScale);
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

  private changeSpeed(requested: number): void {
    // defence in depth: clamp to the cell's range, and in the safe stop pacing only goes down
    const clamped = clampSpeedScale(requested, this.b.speedRange);
    const next = this.safeState ? Math.min(clamped, this.speed) : clamped;
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
  const session = newSession((options.clock ?? new SystemClock()).now());
  const client = await connectMqtt({
    ...options.mqtt,
    will: { topic: topicFor(options.robot, 'connection/controller'), payload: ControllerSim.connectionPayload(options.robot, 'CONNECTION_BROKEN', session, options.clock), qos: 1, retain: true },
  });
  return new ControllerSim({ ...options, client, session });
}

function actionsOf(value: unknown): Array<{ actionId: string; actionType: InstantAction['actionType'] }> {
  const list = (value as { actions?: unknown } | null)?.actions;
  return Array.isArray(list) ? (list as Array<{ actionId: string; actionType: InstantAction['actionType'] }>) : [];
}
