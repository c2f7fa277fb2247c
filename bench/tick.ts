/**
 * Tick benchmark: µs per tick of trees/handover_affect.yaml through affect-bt (loader,
 * typed ports, reactive composites, AffectBranch, real nodes, halt sweep, counters;
 * trace off) versus a hand-built raw BehaviorTree.js tree of the same shape doing the
 * same work per tick (the raw tree is re-run from its root every tick, which is what
 * a reactive tree does, and its tasks read the same affect, pacing, readiness and
 * controller state from a plain object).
 *
 * Steady state: a fresh affect estimate says "frustrated", the person is ready and the
 * handover is RUNNING (never resolved), so every tick walks the whole tree.
 * Budget (checked by the lead, not by tests): ratio ≤ 1.25 and affect-bt < 100 µs.
 *
 * Usage: npm run bench -- tick [--ticks N]
 */
import { parseArgs } from 'node:util';
import engine from '../src/tree/engine.ts';
import { Blackboard } from '../src/core/blackboard.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { InMemoryController } from '../src/core/in-memory-controller.ts';
import { affectKey, type AffectEstimate } from '../src/contract/affect.ts';
import '../src/builtins.ts';
import { buildTree, loadTreeFile } from '../src/tree/index.ts';

const { Sequence, Task, BehaviorTree, SUCCESS, FAILURE, RUNNING, decorators } = engine as typeof engine & {
  decorators: { AlwaysSucceedDecorator: new (o: { node: unknown }) => InstanceType<typeof engine.Task> };
};

function estimate(clock: VirtualClock): AffectEstimate {
  return {
    humanId: 'h1',
    expression: 'angry',
    valence: -0.6,
    arousal: 0.5,
    confidence: 0.8,
    frustration: 0.85,
    source: 'local',
    maxAgeMs: 600_000,
    observedAt: new Date(clock.now()).toISOString(),
    cues: { fingerDrumming: true, workingOnTask: false },
  };
}

async function affectBt(ticks: number, trace = false): Promise<number> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const bb = new Blackboard({ clock });
  const ctl = new InMemoryController({ clock });
  const runner = buildTree(await loadTreeFile('trees/handover_affect.yaml'), { blackboard: bb, controller: ctl, clock, trace });
  bb.set(affectKey('h1'), estimate(clock), { source: 'bench', maxAgeMs: 600_000 });
  bb.set('human/ready', true, { source: 'bench' });
  for (let i = 0; i < 2000; i++) runner.tick();
  if (runner.tick() !== 'RUNNING' || ctl.runningHandover() === undefined) throw new Error('bench: affect-bt tree is not in the steady RUNNING state');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ticks; i++) runner.tick();
  return Number(process.hrtime.bigint() - t0) / 1000 / ticks;
}

function rawTree(ticks: number): number {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ctl = new InMemoryController({ clock });
  const est = estimate(clock);
  const world = {
    affect: { value: est as AffectEstimate | undefined, ts: clock.now(), maxAgeMs: 600_000 },
    ready: true,
    frustrated: false,
    since: NaN,
    pacing: { speedScale: 1, approachWaitMs: 0 },
    lastFailure: undefined as { at: number } | undefined,
    handoverId: undefined as string | undefined,
    commanded: 1,
  };
  const task = (run: () => boolean | symbol) => new Task({ run });
  const perceive = task(() => (world.affect.value !== undefined && clock.now() - world.affect.ts <= world.affect.maxAgeMs ? SUCCESS : FAILURE));
  const detect = task(() => {
    const a = world.affect.value;
    if (a === undefined) return FAILURE;
    if (a.frustration >= 0.6) {
      if (world.since !== world.since) world.since = clock.now();
      world.frustrated = clock.now() - world.since >= 500 || world.frustrated;
    } else if (a.frustration < 0.4) world.frustrated = false;
    return world.frustrated ? SUCCESS : FAILURE;
  });
  const slow = task(() => {
    world.pacing.speedScale = world.frustrated ? 0.6 : 1;
    world.pacing.approachWaitMs = world.frustrated ? 1500 : 0;
    return SUCCESS;
  });
  const apologise = task(() => (world.lastFailure === undefined ? FAILURE : SUCCESS));
  const available = task(() => (ctl.available ? SUCCESS : FAILURE));
  const wait = task(() => (world.ready ? SUCCESS : RUNNING));
  const handover = task(() => {
    if (world.handoverId === undefined) {
      world.handoverId = ctl.startHandover({ objectId: 'part-7', target: 'right_hand', speedScale: world.pacing.speedScale, approachWaitMs: 0, timeoutMs: 8000 });
      world.commanded = world.pacing.speedScale;
    }
    const st = ctl.actionState(world.handoverId);
    if (st?.status === 'FINISHED') return SUCCESS;
    if (st?.status === 'FAILED') return FAILURE;
    if (world.pacing.speedScale !== world.commanded) world.commanded = ctl.setSpeedScale(world.pacing.speedScale);
    return RUNNING;
  });
  const AS = decorators.AlwaysSucceedDecorator;
  const modulation = new Sequence({ nodes: [new AS({ node: perceive }), new AS({ node: detect }), slow, apologise] });
  const root = new Sequence({
    nodes: [available, new AS({ node: modulation }), new Sequence({ nodes: [wait, new AS({ node: handover })] })],
  });
  const bt = new BehaviorTree({ tree: root, blackboard: world });
  const step = () => {
    bt.lastResult = undefined; // re-run from the root every tick, like a reactive tree
    bt.step();
  };
  for (let i = 0; i < 2000; i++) step();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ticks; i++) step();
  return Number(process.hrtime.bigint() - t0) / 1000 / ticks;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs the tick benchmark and prints the JSON line.
 *
 * @example
 * ```ts
 * await main(['--ticks', '20000']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { ticks: { type: 'string', default: '20000' } } });
  const ticks = Number(values.ticks);
  if (!Number.isInteger(ticks) || ticks < 100) throw new Error(`bench tick: --ticks must be an integer ≥ 100, got ${values.ticks}`);
  const a: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < 7; round++) {
    r.push(rawTree(ticks));
    a.push(await affectBt(ticks));
  }
  const traced = await affectBt(ticks, true);
  const affectUs = median(a);
  const rawUs = median(r);
  const ratio = affectUs / rawUs;
  process.stdout.write(`ticks per round: ${ticks}, rounds: 7 (median)\n`);
  process.stdout.write(`affect-bt  trees/handover_affect.yaml: ${affectUs.toFixed(2)} µs/tick\n`);
  process.stdout.write(`raw BehaviorTree.js, same shape:      ${rawUs.toFixed(2)} µs/tick\n`);
  process.stdout.write(`affect-bt with per-tick trace on:   ${traced.toFixed(2)} µs/tick (not budgeted)\n`);
  process.stdout.write(`ratio: ${ratio.toFixed(3)} (budget ≤ 1.25; affect-bt budget < 100 µs)\n`);
  process.stdout.write(JSON.stringify({ bench: 'tick', affect_bt_us: +affectUs.toFixed(3), raw_us: +rawUs.toFixed(3), ratio: +ratio.toFixed(3) }) + '\n');
}
