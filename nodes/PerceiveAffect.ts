/**
 * `PerceiveAffect` (condition, affect): is there a fresh affect estimate for the
 * person? Reads `affect/<humanId>` (written by the MQTT bridge or the simulator) and
 * writes a normalised `affect` entry with the same timestamp and maxAgeMs, so
 * everything downstream goes stale with the estimate ("stale is unknown").
 *
 * Design notes: the normalised record is one object per node, updated in place and
 * re-written only when a new estimate arrives, so steady ticks allocate nothing.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';
import { affectKey, type AffectEstimate } from '../src/contract/affect.ts';
import type { NormalisedAffect } from './keys.ts';

/**
 * Behaviour of `PerceiveAffect`.
 *
 * YAML:
 * ```yaml
 * - PerceiveAffect: { humanId: h1, output: '{affect}', minConfidence: 0.2 }
 * ```
 *
 * @example
 * ```ts
 * const node = PERCEIVE_AFFECT.create!(ctx); node.update(); // 'SUCCESS' when fresh
 * ```
 */
export class PerceiveAffect extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly inKey: string;
  private readonly outKey: string;
  private readonly minConfidence: number;
  private lastTs = NaN;
  private lastEst: unknown;
  private expiresAt = NaN;
  private readonly out: NormalisedAffect;

  constructor(ctx: LeafContext) {
    super();
    this.inKey = affectKey(String(ctx.ports.humanId));
    this.outKey = String(ctx.ports.output);
    this.minConfidence = Number(ctx.ports.minConfidence);
    this.io = ctx.access({ reads: [this.inKey], writes: [this.outKey] });
    this.out = {
      humanId: String(ctx.ports.humanId),
      expression: 'unknown',
      valence: 0,
      arousal: 0,
      confidence: 0,
      frustration: 0,
      source: 'local',
      observedAtMs: 0,
      cues: undefined,
    };
  }

  update(): Status {
    const io = this.io;
    this.expiresAt = NaN;
    const est = io.get<AffectEstimate>(this.inKey);
    if (est === undefined) {
      const e = io.entry(this.inKey);
      this.feedback = e === undefined ? `no affect for ${this.out.humanId} yet` : `affect for ${this.out.humanId} is stale`;
      return 'FAILURE';
    }
    if (typeof est !== 'object' || est === null || typeof est.frustration !== 'number' || typeof est.confidence !== 'number') {
      this.feedback = `affect entry ${this.inKey} is not an AffectEstimate`;
      return 'FAILURE';
    }
    if (est.confidence < this.minConfidence) {
      this.feedback = 'affect confidence below minConfidence';
      return 'FAILURE';
    }
    const entry = io.entry(this.inKey)!;
    this.expiresAt = entry.timestamp + entry.maxAgeMs + 1;
    if (entry.timestamp !== this.lastTs || est !== this.lastEst) {
      this.lastTs = entry.timestamp;
      this.lastEst = est;
      const o = this.out;
      o.expression = est.expression;
      o.valence = est.valence;
      o.arousal = est.arousal;
      o.confidence = est.confidence;
      o.frustration = est.frustration;
      o.source = est.source;
      o.observedAtMs = entry.timestamp;
      o.cues = est.cues;
      io.set(this.outKey, o, { timestamp: entry.timestamp, maxAgeMs: entry.maxAgeMs, source: entry.source });
    }
    this.feedback = 'fresh affect';
    return 'SUCCESS';
  }

  /** The estimate goes stale at this time: the next tick would behave differently. */
  override deadline(): number | undefined {
    return this.expiresAt === this.expiresAt && Number.isFinite(this.expiresAt) ? this.expiresAt : undefined;
  }
}

/**
 * Declaration of `PerceiveAffect` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * PERCEIVE_AFFECT.ports.map((p) => p.name);
 * ```
 */
export const PERCEIVE_AFFECT: NodeDef = {
  kind: 'PerceiveAffect',
  category: 'condition',
  role: 'affect',
  description: 'SUCCESS when a fresh affect estimate for the person exists (writes the normalised `affect` entry); FAILURE when stale or unknown.',
  ports: [
    { name: 'humanId', type: 'string', default: 'h1', description: 'reads blackboard key affect/<humanId>' },
    { name: 'output', type: 'key', default: '{affect}', valueType: 'object', description: 'where the normalised affect is written' },
    { name: 'minConfidence', type: 'number', default: 0, min: 0, max: 1, description: 'estimates below this confidence count as unknown' },
  ],
  children: { min: 0, max: 0 },
  example: "PerceiveAffect: { humanId: h1, output: '{affect}' }",
  create: (ctx) => new PerceiveAffect(ctx),
};
