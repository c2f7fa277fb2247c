import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AffectEstimate } from '../contract/affect.ts';
import { correctLongTail, DEFAULT_MERGE, DEFAULT_VLM_PRIOR, mergeVerdict, priorFromCounts } from './merge.ts';
import { VLM_LABELS, type VlmAnswer } from './schema.ts';

const local: AffectEstimate = {
  humanId: 'h1',
  expression: 'angry',
  valence: -0.5,
  arousal: 0.5,
  confidence: 0.4,
  frustration: 0.3,
  source: 'local',
  maxAgeMs: 1000,
  observedAt: '2026-01-01T00:00:00.000Z',
  cues: { furrowedBrow: 0.6, workingOnTask: true },
};
const T = Date.parse(local.observedAt);
const answer = (a: Partial<VlmAnswer>): VlmAnswer => ({ label: 'focused', valence: 0.1, arousal: 0.2, frustration: 0.1, confidence: 0.8, ...a });

describe('long-tail correction', () => {
  it('the stated prior sums to 1', () => {
    const sum = Object.values(DEFAULT_VLM_PRIOR).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
  });
  it('lifts a rare runner-up over a common label', () => {
    const c = correctLongTail(answer({ label: 'neutral', confidence: 0.5, alternatives: [{ label: 'fearful', p: 0.3 }] }), DEFAULT_MERGE)!;
    expect(c.label).toBe('fearful');
    expect(c.changed).toBe(true);
    expect(c.confidence).toBeGreaterThan(0.45);
  });
  it('keeps a confident common label', () => {
    const c = correctLongTail(answer({ label: 'neutral', confidence: 0.85, alternatives: [{ label: 'fearful', p: 0.1 }] }), DEFAULT_MERGE)!;
    expect(c.label).toBe('neutral');
    expect(c.changed).toBe(false);
  });
  it('tau 0 leaves the answer unchanged', () => {
    const c = correctLongTail(answer({ label: 'neutral', confidence: 0.5, alternatives: [{ label: 'fearful', p: 0.3 }] }), { ...DEFAULT_MERGE, tau: 0 })!;
    expect(c.label).toBe('neutral');
    expect(c.confidence).toBeCloseTo(0.5, 9);
  });
  it('returns null for "uncertain"', () => {
    expect(correctLongTail(answer({ label: 'uncertain' }), DEFAULT_MERGE)).toBeNull();
  });
  it('gives a distribution summing to 1 with confidence in [0,1] (property)', () => {
    const labels = VLM_LABELS.filter((l) => l !== 'uncertain');
    fc.assert(
      fc.property(
        fc.constantFrom(...labels),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.record({ label: fc.constantFrom(...VLM_LABELS), p: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (label, confidence, alternatives, tau) => {
          const c = correctLongTail(answer({ label, confidence, alternatives }), { tau, prior: DEFAULT_VLM_PRIOR })!;
          const sum = Object.values(c.distribution).reduce((a, b) => a + b, 0);
          return Math.abs(sum - 1) < 1e-9 && c.confidence >= 0 && c.confidence <= 1;
        },
      ),
    );
  });
  it('priorFromCounts smooths and normalises', () => {
    const p = priorFromCounts({ neutral: 100 });
    expect(p.neutral).toBeGreaterThan(0.8);
    expect(p.fearful).toBeGreaterThan(0);
    expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });
});

describe('mergeVerdict', () => {
  it('makes a vlm estimate about the same moment, keeping the local cues', () => {
    const r = mergeVerdict(answer({}), local, T, T + 1500, DEFAULT_MERGE);
    expect(r.kind).toBe('merged');
    if (r.kind === 'merged') {
      expect(r.estimate).toMatchObject({ humanId: 'h1', expression: 'focused', source: 'vlm', maxAgeMs: 8000, observedAt: local.observedAt, cues: local.cues });
      expect(r.estimate.confidence).toBeGreaterThan(0.7);
    }
  });
  it('discards a late verdict (the person moved on by more than the bound)', () => {
    expect(mergeVerdict(answer({}), local, T, T + 4001, DEFAULT_MERGE)).toEqual({ kind: 'late', lagMs: 4001 });
    expect(mergeVerdict(answer({}), local, T, T + 4000, DEFAULT_MERGE).kind).toBe('merged');
  });
  it('does not publish "uncertain"', () => {
    expect(mergeVerdict(answer({ label: 'uncertain' }), local, T, T, DEFAULT_MERGE)).toEqual({ kind: 'uncertain' });
  });
});
