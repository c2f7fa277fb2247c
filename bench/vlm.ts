/**
 * VLM escalation benchmark: how often the escalation policy would call the cloud,
 * and what that costs, on the simulator's standard scenarios (real human model, real
 * fusion on every camera frame, the affect tree through the real runner) and on a
 * synthetic session; plus the per-frame cost of `Escalator.offer()` on the hot path.
 *
 * Nothing is sent: the escalator runs in dry-run mode on the simulation's virtual
 * clock (default limits: 6 calls/min, 5 s per-person cooldown, 300 ms trigger hold),
 * requests are composed for real (3 keyframes rendered by the synthetic frame source,
 * dense summary, context) and priced from their token estimate at Gemini 2.5 Flash
 * list price ($0.30 / 1M input, $2.50 / 1M output tokens, ~120 output tokens).
 * A scene repeated within the cache TTL counts as a cache hit (no call).
 *
 * Usage: npm run bench -- vlm [--episodes N] [--seed S]
 * Last line: {"bench":"vlm", …}
 */
import { parseArgs } from 'node:util';
import { VirtualClock } from '../src/core/clock.ts';
import { FACE_EXPRESSIONS } from '../src/contract/affect.ts';
import { createAffectFuser } from '../src/estimator/fusion.ts';
import { Escalator } from '../src/vlm/escalator.ts';
import { costUsd, GEMINI_25_FLASH_PRICE } from '../src/vlm/policy.ts';
import { syntheticFrameSource, syntheticSession } from '../src/vlm/synthetic.ts';
import type { VlmRequest } from '../src/vlm/types.ts';
import { runEpisode, type TreeFactory } from '../sim/episode.ts';
import { createSimEstimator } from '../sim/estimator.ts';
import { episodeSeed } from '../sim/rng.ts';
import { listScenarios, loadScenario } from '../sim/scenario.ts';
import { loadSimTree } from '../sim/trees.ts';

interface Tally {
  frames: number;
  durationMs: number;
  triggered: number;
  escalations: number;
  cacheHits: number;
  requests: number;
  usd: number;
  offerNs: number;
  /** Per-frame offer() times, ns (for percentiles). */
  samples: number[];
}

const OUT_TOKENS = 120;

function tally(): Tally {
  return { frames: 0, durationMs: 0, triggered: 0, escalations: 0, cacheHits: 0, requests: 0, usd: 0, offerNs: 0, samples: [] };
}

function dryEscalator(clock: VirtualClock, t: Tally): Escalator {
  return new Escalator({
    clock,
    frames: syntheticFrameSource(),
    // The simulator runs synchronously: let composition queue up, limits are reserved at offer time.
    maxInFlight: 1_000_000,
    dryRun: (r: VlmRequest) => {
      t.requests++;
      t.usd += costUsd({ inputTokens: r.estimatedInputTokens, outputTokens: OUT_TOKENS }, GEMINI_25_FLASH_PRICE);
    },
  });
}

const TRIGGERS: Record<string, number> = {};
function add(t: Tally, esc: Escalator): void {
  const s = esc.stats();
  for (const [k, v] of Object.entries(s.triggers)) TRIGGERS[k] = (TRIGGERS[k] ?? 0) + v;
  t.triggered += s.triggeredFrames;
  t.escalations += s.escalations;
  t.cacheHits += s.cacheHits;
}

async function simScenario(name: string, tree: TreeFactory, episodes: number, seed: string): Promise<Tally> {
  const sc = loadScenario(name);
  const t = tally();
  for (let ep = 0; ep < episodes; ep++) {
    const clock = new VirtualClock(0);
    const esc = dryEscalator(clock, t);
    const inner = createSimEstimator(sc.estimator, sc.humanId);
    const fuser = createAffectFuser({ humanId: sc.humanId, maxAgeMs: sc.estimator.maxAgeMs });
    let first = Number.NaN;
    let last = Number.NaN;
    let index = 0;
    const estimator = {
      observe(cues: Parameters<typeof inner.observe>[0], ctx: Parameters<typeof inner.observe>[1]) {
        if (Number.isNaN(first)) {
          first = cues.t;
          clock.set(cues.t);
        }
        if (cues.t > clock.now()) clock.set(cues.t);
        last = cues.t;
        let best = 0;
        for (let k = 1; k < 7; k++) if (cues.probabilities[k]! > cues.probabilities[best]!) best = k;
        const fused = fuser.push({ t: cues.t, probabilities: cues.probabilities, index, frameId: `synthetic:${index}:${FACE_EXPRESSIONS[best]}` }, ctx);
        index++;
        const t0 = process.hrtime.bigint();
        esc.offer(fused, ctx);
        const dt = Number(process.hrtime.bigint() - t0);
        t.offerNs += dt;
        t.samples.push(dt);
        t.frames++;
        return inner.observe(cues, ctx);
      },
      get published() {
        return inner.published;
      },
      get frames() {
        return inner.frames;
      },
    };
    runEpisode({ scenario: sc, tree, seed: episodeSeed(seed, sc.name, ep), estimator });
    await esc.idle();
    add(t, esc);
    // a dead estimator (scenario dead_estimator) sees no frame: no time to count, nothing escalated
    if (!Number.isNaN(first)) t.durationMs += last - first;
  }
  return t;
}

async function synthetic(minutes: number, seed: number): Promise<Tally> {
  const t = tally();
  const frames = syntheticSession({ seed, durationMs: minutes * 60_000 });
  const clock = new VirtualClock(frames[0]!.fused.t);
  const esc = dryEscalator(clock, t);
  for (const f of frames) {
    clock.set(f.fused.t);
    const t0 = process.hrtime.bigint();
    esc.offer(f.fused, f.context);
    const dt = Number(process.hrtime.bigint() - t0);
    t.offerNs += dt;
    t.samples.push(dt);
    t.frames++;
  }
  await esc.idle();
  add(t, esc);
  t.durationMs = frames[frames.length - 1]!.fused.t - frames[0]!.fused.t;
  return t;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0;
}

function row(name: string, t: Tally) {
  const min = t.durationMs / 60_000;
  return {
    scenario: name,
    minutes: +min.toFixed(1),
    frames: t.frames,
    triggeredPct: +((100 * t.triggered) / t.frames).toFixed(2),
    escalationRatePct: +((100 * t.escalations) / t.frames).toFixed(3),
    calls: t.requests,
    cacheHits: t.cacheHits,
    callsPerMin: +(t.requests / min).toFixed(2),
    usdPerRobotHour: +((t.usd / min) * 60).toFixed(4),
    offerUs: +(t.offerNs / t.frames / 1000).toFixed(2),
    offerP50Us: +(pct(t.samples, 0.5) / 1000).toFixed(2),
    offerP99Us: +(pct(t.samples, 0.99) / 1000).toFixed(2),
  };
}

/** Runs the benchmark. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { episodes: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' } } });
  const episodes = Math.max(1, Number(values.episodes));
  const tree = (await loadSimTree('trees/handover_affect.yaml')).factory;
  const rows = [];
  const all = tally();
  for (const name of listScenarios()) {
    const t = await simScenario(name, tree, episodes, values.seed!);
    rows.push(row(name, t));
    for (const k of Object.keys(all) as (keyof Tally)[]) if (k !== 'samples') all[k] += t[k];
    for (const x of t.samples) all.samples.push(x);
  }
  console.log('trigger frames (sim):', JSON.stringify(TRIGGERS));
  const synth = row('synthetic (30 min)', await synthetic(30, Number(values.seed) || 1));
  const total = row('all sim scenarios', all);
  console.log(`VLM escalation, dry run, affect tree, ${episodes} episodes per scenario, Gemini 2.5 Flash list price ($0.30/M in, $2.50/M out)`);
  console.log('scenario                       min   frames  trig%   esc%    calls  cache  calls/min  $/robot-h  offer µs mean/p50/p99');
  for (const r of [...rows, total, synth]) {
    console.log(
      r.frames === 0
        ? `${r.scenario.padEnd(28)} ${'—'.padStart(6)} ${'0'.padStart(8)}   no frames (the estimator is dead in this scenario): nothing to escalate`
        : `${r.scenario.padEnd(28)} ${String(r.minutes).padStart(6)} ${String(r.frames).padStart(8)} ${r.triggeredPct.toFixed(2).padStart(6)} ${r.escalationRatePct.toFixed(3).padStart(6)} ${String(r.calls).padStart(7)} ${String(r.cacheHits).padStart(6)} ${r.callsPerMin.toFixed(2).padStart(10)} ${r.usdPerRobotHour.toFixed(4).padStart(10)} ${r.offerUs.toFixed(2).padStart(9)}/${r.offerP50Us.toFixed(2)}/${r.offerP99Us.toFixed(2)}`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'vlm',
      price: 'gemini-2.5-flash list: $0.30/M input, $2.50/M output',
      episodes,
      escalationRatePct: total.escalationRatePct,
      callsPerMin: total.callsPerMin,
      usdPerRobotHour: total.usdPerRobotHour,
      offerUsPerFrame: total.offerUs,
      offerP50Us: total.offerP50Us,
      offerP99Us: total.offerP99Us,
      triggerFrames: TRIGGERS,
      scenarios: rows,
      synthetic: synth,
    }),
  );
}
