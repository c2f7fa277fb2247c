/**
 * `affect-bt tick`: a small demo. Loads a tree and ticks it against the in-memory
 * controller on a virtual clock with a scripted affect stream: the person gets
 * frustrated while the first handover is running (it is re-paced), that handover is
 * dropped (the affect tree apologises, empathically), the retry succeeds, and the
 * frustration fades (normal pacing comes back). Prints one line per tick, or the
 * full per-tick trace with `--trace`, then the final tree and counters.
 * The simulator (`affect-bt sim`) is the real evaluation tool; this shows the runtime.
 */
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP, NODES_OPTION } from '../nodes.ts';
import { packagePath } from '../../core/package-files.ts';
import { Blackboard } from '../../core/blackboard.ts';
import { VirtualClock } from '../../core/clock.ts';
import { InMemoryController } from '../../core/in-memory-controller.ts';
import { affectKey, type AffectEstimate } from '../../contract/affect.ts';
import { buildTree, loadTreeFile, TreeLoadError } from '../../tree/index.ts';
import type { Pacing } from '../../../nodes/keys.ts';

const HELP = `usage: affect-bt tick [--tree FILE] [--ticks N] [--period-ms MS] [--trace] [--nodes FILE]...

Ticks a tree against the in-memory controller with a scripted affect stream and prints
what happens.

options:
  --tree FILE        tree to tick (default: trees/handover_affect.yaml shipped with affect-bt)
  --ticks N          ticks at most (default 70)
  --period-ms MS     clock time between ticks (default 100)
  --trace            print every node visited in each tick and, when a node throws,
                     its path, kind and message
${NODES_HELP}
Exit codes: 0 ok, 1 invalid tree, 2 usage error.`;

/**
 * Scripted frustration level at time t (ms since start): rises, holds, fades.
 *
 * @example
 * ```ts
 * scriptedFrustration(2000); // 0.9
 * ```
 */
export function scriptedFrustration(t: number): number {
  if (t < 500) return 0.2;
  if (t < 3500) return Math.min(0.9, 0.2 + (t - 500) / 1000);
  return Math.max(0.1, 0.9 - (t - 3500) / 1500);
}

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['--ticks', '60']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'tick',
    HELP,
    argv,
    {
      tree: { type: 'string' },
      ticks: { type: 'string', default: '70' },
      'period-ms': { type: 'string', default: '100' },
      trace: { type: 'boolean' },
      ...NODES_OPTION,
    },
    { numbers: { ticks: { integer: true, min: 1, max: 1_000_000 }, 'period-ms': { above: 0, max: 3_600_000 } } },
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const ticks = parsed.numbers.ticks!;
  const period = parsed.numbers['period-ms']!;
  const registry = await commandRegistry('tick', v.nodes);
  if (typeof registry === 'number') return registry;
  let doc;
  try {
    doc = await loadTreeFile(v.tree ?? packagePath('trees', 'handover_affect.yaml'), { registry });
  } catch (err) {
    if (err instanceof TreeLoadError) {
      process.stderr.write(err.message + '\n');
      return 1;
    }
    throw err;
  }
  const start = Date.UTC(2026, 0, 1, 9, 0, 0);
  const clock = new VirtualClock(start);
  const bb = new Blackboard({ clock });
  const ctl = new InMemoryController({ clock, script: [{ afterMs: 2500, outcome: 'drop' }, { afterMs: 2000, outcome: 'success' }] });
  const runner = buildTree(doc, { blackboard: bb, controller: ctl, clock, trace: v.trace === true });
  const out = process.stdout;
  let said = 0;
  let started = 0;
  const open = new Set<string>();
  for (let i = 0; i < ticks; i++) {
    const t = clock.now() - start;
    const f = scriptedFrustration(t);
    const est: AffectEstimate = {
      humanId: 'h1',
      expression: f > 0.5 ? 'angry' : 'neutral',
      valence: -f,
      arousal: f / 2,
      confidence: 0.8,
      frustration: f,
      source: 'local',
      maxAgeMs: 1000,
      observedAt: new Date(clock.now()).toISOString(),
      cues: { fingerDrumming: f > 0.5, workingOnTask: false },
    };
    bb.set(affectKey('h1'), est, { source: 'demo', timestamp: clock.now(), maxAgeMs: est.maxAgeMs });
    bb.set('human/ready', t >= 300, { source: 'demo' });
    const s = runner.tick();
    const pacing = bb.get<Pacing>('pacing');
    out.write(
      `t=${String(t).padStart(5)}ms ${s.padEnd(7)} frustration=${f.toFixed(2)} pacing=${pacing ? `${pacing.reason}(${pacing.speedScale})` : '-'} speed=${ctl.speedScale}\n`,
    );
    for (const id of open) {
      const st = ctl.actionState(id);
      if (st && st.status !== 'RUNNING') {
        open.delete(id);
        out.write(`           handover ${id} ${st.status === 'FINISHED' ? 'finished' : `failed: ${st.failureKind}`}\n`);
      }
    }
    for (; started < ctl.handovers.length; started++) {
      const ho = ctl.handovers[started]!;
      open.add(ho.actionId);
      out.write(`           handover ${ho.actionId} started: speedScale ${ho.params.speedScale}, approachWaitMs ${ho.params.approachWaitMs}\n`);
    }
    for (; said < ctl.utterances.length; said++) out.write(`           robot says (${ctl.utterances[said]!.params.tone}): "${ctl.utterances[said]!.params.text}"\n`);
    if (v.trace) for (const r of runner.lastTrace) out.write(`    ${r.status.padEnd(7)} ${r.durationUs.toFixed(1).padStart(6)}µs ${r.path}\n`);
    const err = runner.lastError;
    if (err !== undefined && runner.lastErrorTick === runner.counters.ticks) {
      out.write(`    ERROR   ${err.path} (${err.kind}) threw: ${err.originalMessage}; the tree was halted\n`);
    }
    if (s !== 'RUNNING' && s !== 'SKIPPED') break;
    clock.advance(period);
  }
  out.write('\n' + runner.renderText() + '\n\n');
  out.write(`counters: ${JSON.stringify(runner.counters)}\n`);
  out.write(`handovers: ${ctl.handovers.length}, cancelled: ${ctl.cancelled.length}, speed commands: ${ctl.speedCommands.map((c) => c.applied).join(', ') || 'none'}\n`);
  return 0;
}
