/**
 * Semantic validation of scenarios, after the schema has checked types and ranges:
 * combinations that make a scenario wrong or meaningless, reported as
 * `file:line:col: message (hint)` at the parameter involved, as warnings (the run goes
 * on: a stress test may want them) or errors (the run stops with exit code 2).
 *
 * Errors: brief expressions whose shortest length exceeds the longest; a fact with
 * weights that do not match its values; `task.target` naming a fact that does not
 * exist; a fact whose value has another type than the key the trees declare.
 * Warnings: estimates published for a person id no tree reads; a heartbeat, a frame
 * period or a latency at or beyond the estimates' validity (`maxAgeMs`); a trait whose
 * standard deviation leaves its mean meaningless (less than half of the normal inside
 * [0, 1], or a truncated mean 0.1 away from the stated one); a spread of more than
 * ×20 either way; no tree hands the part where the person expects it.
 */
import { Blackboard } from '../src/core/blackboard.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { InMemoryController } from '../src/core/in-memory-controller.ts';
import { buildTree } from '../src/tree/index.ts';
import { normalCdf } from './normal.ts';
import type { Scenario, Spread, Trait } from './params.ts';
import { reachableNodes } from './controls.ts';
import { scenarioPosition } from './scenario.ts';
import type { SimTree } from './trees.ts';

/** One problem found. */
export interface ScenarioProblem {
  severity: 'error' | 'warning';
  /** `file:line:col: message (hint: …)`. */
  text: string;
}

/** Mean and in-range mass of Normal(mean, sd) truncated to [0, 1]. */
function truncated(t: Trait): { mean: number; mass: number } {
  if (!(t.sd > 0)) return { mean: Math.min(1, Math.max(0, t.mean)), mass: 1 };
  const a = (0 - t.mean) / t.sd;
  const b = (1 - t.mean) / t.sd;
  const phi = (z: number) => Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const mass = normalCdf(b) - normalCdf(a);
  return { mean: mass > 1e-12 ? t.mean + (t.sd * (phi(a) - phi(b))) / mass : NaN, mass };
}

function walkTraits(sc: Scenario, f: (path: string[], t: Trait) => void, g: (path: string[], s: Spread) => void): void {
  const walk = (o: unknown, path: string[]) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return;
    const r = o as Record<string, unknown>;
    const keys = Object.keys(r);
    if (keys.length === 2 && typeof r.mean === 'number' && typeof r.sd === 'number') return f(path, r as unknown as Trait);
    if (keys.length === 2 && typeof r.median === 'number' && typeof r.sdLog === 'number') return g(path, r as unknown as Spread);
    for (const k of keys) if (path.length > 0 || k !== 'facts') walk(r[k], [...path, k]);
  };
  walk(sc, []);
}

/**
 * Checks scenarios against each other's parameters and against the trees that will
 * run on them.
 *
 * @example
 * ```ts
 * for (const p of validateScenarios(scenarios, trees)) console.error(`${p.severity}: ${p.text}`);
 * ```
 */
export function validateScenarios(scenarios: readonly Scenario[], trees: readonly SimTree[]): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  const nodes = trees.map((t) => ({ tree: t, nodes: reachableNodes(t.doc) }));
  const readIds = new Set(nodes.flatMap((t) => t.nodes.filter((n) => n.kind === 'PerceiveAffect').map((n) => String(n.ports.humanId))));
  const targets = new Set(nodes.flatMap((t) => t.nodes.filter((n) => n.kind === 'Handover').map((n) => String(n.ports.target))));
  // blackboards the trees declared their keys on (to check facts' types)
  const boards = trees.map((t) => {
    const clock = new VirtualClock(0);
    const bb = new Blackboard({ clock });
    buildTree(t.doc, { blackboard: bb, controller: new InMemoryController({ clock }), clock });
    return bb;
  });
  const declaredType = (k: string) => boards.map((b) => b.spec(k)?.type).find((x) => x !== undefined);
  for (const sc of scenarios) {
    const at = (parts: string[], severity: ScenarioProblem['severity'], message: string, hint: string) =>
      out.push({ severity, text: `${scenarioPosition(sc, parts)}: ${message} (hint: ${hint})` });
    const e = sc.estimator;
    const id = e.publishAs === '' ? sc.humanId : e.publishAs;
    if (e.enabled && readIds.size > 0 && !readIds.has(id)) {
      at(e.publishAs === '' ? ['humanId'] : ['estimator', 'publishAs'], 'warning', `estimates are published for person '${id}' but no tree reads affect/${id} (the trees read ${[...readIds].map((x) => `affect/${x}`).join(', ')})`, `the affect trees will run blind; set humanId to the id the trees' PerceiveAffect reads, unless that is the point`);
    }
    if (e.heartbeatMs >= e.maxAgeMs) at(['estimator', 'heartbeatMs'], 'warning', `heartbeatMs ${e.heartbeatMs} ≥ maxAgeMs ${e.maxAgeMs}: a steady estimate goes stale between heartbeats`, 'publish more often than the estimates expire');
    const frameMs = 1000 / sc.human.classifier.frameRateHz;
    if (frameMs >= e.maxAgeMs) at(['human', 'classifier', 'frameRateHz'], 'warning', `a frame every ${frameMs.toFixed(0)} ms is slower than the estimates' validity (maxAgeMs ${e.maxAgeMs})`, 'raise frameRateHz or maxAgeMs');
    if (e.latencyMs >= e.maxAgeMs) at(['estimator', 'latencyMs'], 'warning', `latencyMs ${e.latencyMs} ≥ maxAgeMs ${e.maxAgeMs}: every estimate arrives stale`, 'a stale estimator; the trees will run blind');
    const se = sc.human.shortExpressions;
    if (se.minS > se.maxS) at(['human', 'shortExpressions', 'minS'], 'error', `shortExpressions.minS ${se.minS} is above maxS ${se.maxS}`, 'minS ≤ maxS');
    walkTraits(
      sc,
      (path, t) => {
        const { mean, mass } = truncated(t);
        if (mass < 0.5 || !(Math.abs(mean - t.mean) <= 0.1)) {
          at([...path, 'sd'], 'warning', `${path.join('.')}: sd ${t.sd} around mean ${t.mean} leaves the mean meaningless (${(mass * 100).toFixed(0)}% of the normal lies in [0, 1]; the drawn values average ${Number.isFinite(mean) ? mean.toFixed(2) : '?'})`, 'lower the sd, or move the mean inside [0, 1]');
        }
      },
      (path, s) => {
        if (s.sdLog > Math.log(20) / 1.96) at([...path, 'sdLog'], 'warning', `${path.join('.')}: sdLog ${s.sdLog} spreads 95% of people over ×${Math.exp(1.96 * s.sdLog).toFixed(0)} either way of the median`, 'lower sdLog');
      },
    );
    for (const [k, f] of Object.entries(sc.facts)) {
      if (typeof f === 'object' && f.weights && f.weights.length !== f.values.length) at(['facts', k, 'weights'], 'error', `fact ${k}: ${f.weights.length} weights for ${f.values.length} values`, 'one weight per value');
      else if (typeof f === 'object' && f.weights && !(f.weights.reduce((s, x) => s + x, 0) > 0)) at(['facts', k, 'weights'], 'error', `fact ${k}: weights sum to 0`, 'give at least one positive weight');
      const values = typeof f === 'object' ? f.values : [f];
      const type = declaredType(k);
      for (const v of values) {
        const vt = typeof v;
        if (type !== undefined && type !== 'any' && type !== vt) {
          at(['facts', k], 'error', `fact ${k} = ${JSON.stringify(v)} is a ${vt}, but the trees declare ${k} as ${type}`, 'give a value of the declared type, or another key');
          break;
        }
      }
    }
    const ref = /^\{([^{}]+)\}$/.exec(sc.task.target);
    if (ref && !(ref[1]! in sc.facts)) at(['task', 'target'], 'error', `task.target refers to fact '${ref[1]}', which the scenario does not define`, `add it under facts:, e.g. '${ref[1]}: right_hand'`);
    else if (targets.size > 0) {
      const expected = ref ? (() => { const f = sc.facts[ref[1]!]!; return typeof f === 'object' ? f.values.map(String) : [String(f)]; })() : [sc.task.target];
      if (!expected.some((x) => targets.has(x))) at(['task', 'target'], 'warning', `the person expects the part at ${expected.join(' or ')}, but the trees hand over to ${[...targets].join(', ')}`, 'every task will fail; check Handover target');
    }
  }
  return out;
}
