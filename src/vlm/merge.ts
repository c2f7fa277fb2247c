/**
 * Merging a VLM verdict into the published affect estimate.
 *
 * Long-tail correction. VLMs collapse rare emotions into common ones (Agarwal et al.
 * 2026): their label distribution follows the training prior, heavy on neutral and
 * happy. We correct with logit adjustment (Menon et al. 2021, "Long-tail learning via
 * logit adjustment"): p'(y) ∝ p(y) · (u / π(y))^τ, with π the VLM's label prior,
 * u = 1/K the uniform target and τ ∈ [0,1] the strength (0 = off). The distribution
 * p comes from the answer: `confidence` on `label`, each alternative's `p`, the
 * remaining mass spread evenly over the other labels.
 *
 * The prior {@link DEFAULT_VLM_PRIOR} is an ASSUMPTION, not a measurement: a typical
 * "in-the-wild" emotion-label skew (neutral 30 %, happy 20 %, focused 12 %, sad,
 * angry, frustrated, confused 6 % each, surprised 5 %, bored 4 %, disgusted and
 * fearful 2.5 % each). Replace it with the label frequencies the VLM gives on your
 * own unlabelled footage (`priorFromCounts`). With τ = 0.5 a rare label needs
 * roughly a third of the probability of a common one to overturn it.
 *
 * Late verdicts: a verdict about a moment older than the newest local estimate by
 * more than `lateBoundMs` is discarded — the person has moved on.
 */
import type { AffectEstimate, ExpressionLabel } from '../contract/affect.ts';
import type { VlmAnswer, VlmLabel } from './schema.ts';

/** Labels the correction ranks ("uncertain" is not an affect label). */
export type CorrectedLabel = Exclude<VlmLabel, 'uncertain'>;

/**
 * The assumed VLM label prior π (sums to 1); see the module comment.
 *
 * @example
 * ```ts
 * correctLongTail(answer, { tau: 0.5, prior: DEFAULT_VLM_PRIOR });
 * ```
 */
export const DEFAULT_VLM_PRIOR: Readonly<Record<CorrectedLabel, number>> = {
  neutral: 0.3,
  happy: 0.2,
  focused: 0.12,
  sad: 0.06,
  angry: 0.06,
  frustrated: 0.06,
  confused: 0.06,
  surprised: 0.05,
  bored: 0.04,
  disgusted: 0.025,
  fearful: 0.025,
};

const LABELS = Object.keys(DEFAULT_VLM_PRIOR) as CorrectedLabel[];

/** Merge options. */
export interface MergeOptions {
  /** Correction strength τ (default 0.5; 0 disables). */
  tau: number;
  prior: Readonly<Record<CorrectedLabel, number>>;
  /** `maxAgeMs` of a VLM estimate (default 8000). */
  maxAgeMs: number;
  /** Discard a verdict whose moment is older than the newest local estimate by more than this (default 4000 ms). */
  lateBoundMs: number;
}

/**
 * Default merge options.
 *
 * @example
 * ```ts
 * new Escalator({ clock, provider, merge: { ...DEFAULT_MERGE, lateBoundMs: 2000 } });
 * ```
 */
export const DEFAULT_MERGE: MergeOptions = { tau: 0.5, prior: DEFAULT_VLM_PRIOR, maxAgeMs: 8000, lateBoundMs: 4000 };

/**
 * A prior from observed VLM label counts (add-one smoothed).
 *
 * @example
 * ```ts
 * priorFromCounts({ neutral: 120, happy: 60 }); // every label > 0, sums to 1
 * ```
 */
export function priorFromCounts(counts: Partial<Record<CorrectedLabel, number>>): Record<CorrectedLabel, number> {
  let total = 0;
  for (const l of LABELS) total += (counts[l] ?? 0) + 1;
  const out = {} as Record<CorrectedLabel, number>;
  for (const l of LABELS) out[l] = ((counts[l] ?? 0) + 1) / total;
  return out;
}

/**
 * Applies the long-tail correction to an answer. Returns `null` for "uncertain".
 *
 * @example
 * ```ts
 * correctLongTail({ label: 'neutral', confidence: 0.5, alternatives: [{ label: 'fearful', p: 0.3 }], … }, DEFAULT_MERGE);
 * // { label: 'fearful', confidence: ≈0.5, changed: true, … }
 * ```
 */
export function correctLongTail(
  answer: VlmAnswer,
  opts: Pick<MergeOptions, 'tau' | 'prior'>,
): { label: CorrectedLabel; confidence: number; changed: boolean; distribution: Record<CorrectedLabel, number> } | null {
  if (answer.label === 'uncertain') return null;
  const p = {} as Record<CorrectedLabel, number>;
  for (const l of LABELS) p[l] = 0;
  p[answer.label] = answer.confidence;
  for (const a of answer.alternatives ?? []) if (a.label !== 'uncertain' && a.label !== answer.label) p[a.label] = Math.max(p[a.label], a.p);
  let named = 0;
  let unnamed = 0;
  for (const l of LABELS) {
    if (p[l] > 0) named += p[l];
    else unnamed++;
  }
  const rest = Math.max(0, 1 - named);
  for (const l of LABELS) if (p[l] === 0 && unnamed > 0) p[l] = rest / unnamed;
  const u = 1 / LABELS.length;
  let z = 0;
  for (const l of LABELS) {
    const prior = Math.max(opts.prior[l] ?? u, 1e-6);
    p[l] = p[l] * Math.pow(u / prior, opts.tau);
    z += p[l];
  }
  let best: CorrectedLabel = answer.label;
  for (const l of LABELS) {
    p[l] = z > 0 ? p[l] / z : u;
    if (p[l] > p[best]) best = l;
  }
  return { label: best, confidence: p[best], changed: best !== answer.label, distribution: p };
}

/** Why a verdict was not merged. */
export type MergeOutcome =
  | { kind: 'merged'; estimate: AffectEstimate; corrected: boolean }
  | { kind: 'uncertain' }
  | { kind: 'late'; lagMs: number };

/**
 * Turns a verdict into the estimate to publish (`source: "vlm"`), or says why not.
 *
 * @param about the local estimate the request was about
 * @param newestLocalT time (epoch ms) of the newest local estimate for that person
 * @example
 * ```ts
 * const r = mergeVerdict(verdict.answer, aboutEstimate, aboutT, newestT, DEFAULT_MERGE);
 * if (r.kind === 'merged') publish(r.estimate);
 * ```
 */
export function mergeVerdict(answer: VlmAnswer, about: AffectEstimate, aboutT: number, newestLocalT: number, opts: MergeOptions = DEFAULT_MERGE): MergeOutcome {
  const lag = newestLocalT - aboutT;
  if (lag > opts.lateBoundMs) return { kind: 'late', lagMs: lag };
  const c = correctLongTail(answer, opts);
  if (!c) return { kind: 'uncertain' };
  const estimate: AffectEstimate = {
    humanId: about.humanId,
    expression: c.label as ExpressionLabel,
    valence: clamp(answer.valence, -1, 1),
    arousal: clamp(answer.arousal, -1, 1),
    confidence: clamp(c.confidence, 0, 1),
    frustration: clamp(answer.frustration, 0, 1),
    source: 'vlm',
    maxAgeMs: Math.round(opts.maxAgeMs),
    observedAt: about.observedAt,
  };
  if (about.cues) estimate.cues = about.cues;
  return { kind: 'merged', estimate, corrected: c.changed };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
