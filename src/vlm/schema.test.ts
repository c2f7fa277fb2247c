import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseVlmAnswer, VLM_LABELS, vlmAnswerJsonSchema } from './schema.ts';

describe('VLM answer schema', () => {
  it('accepts a valid answer', () => {
    const r = parseVlmAnswer('{"label":"focused","valence":0.1,"arousal":0.2,"frustration":0.1,"confidence":0.8}');
    expect(r).toEqual({ ok: true, answer: { label: 'focused', valence: 0.1, arousal: 0.2, frustration: 0.1, confidence: 0.8 } });
  });
  it('accepts "uncertain" as a label', () => {
    const r = parseVlmAnswer('{"label":"uncertain","valence":0,"arousal":0,"frustration":0,"confidence":0.1}');
    expect(r.ok).toBe(true);
  });
  it('rejects non-JSON text with a message quoting it', () => {
    const r = parseVlmAnswer('The person looks happy.');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('invalid_json');
      expect(r.message).toContain('VLM answer is not JSON');
      expect(r.message).toContain('The person looks happy.');
    }
  });
  it('rejects schema violations and names the field', () => {
    const r = parseVlmAnswer('{"label":"ecstatic","valence":3,"arousal":0,"frustration":0,"confidence":0.5}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('schema');
      expect(r.message).toContain('/label must be equal to one of the allowed values');
      expect(r.message).toContain('/valence must be <= 1');
    }
  });
  it('rejects a missing field and extra fields', () => {
    const r = parseVlmAnswer('{"label":"happy","valence":0,"arousal":0,"confidence":0.5,"mood":"x"}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain("must have required property 'frustration'");
      expect(r.message).toContain('must NOT have additional properties');
    }
  });
  it('sends a plain JSON schema with the label enum and required fields', () => {
    const s = vlmAnswerJsonSchema() as { properties: { label: { enum: string[] } }; required: string[] };
    expect(s.properties.label.enum).toEqual([...VLM_LABELS]);
    expect(s.required).toEqual(['label', 'valence', 'arousal', 'frustration', 'confidence']);
    expect(JSON.stringify(s)).not.toContain('Symbol');
  });
  it('never throws on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = parseVlmAnswer(text);
        return r.ok === false || typeof r.answer.label === 'string';
      }),
    );
  });
  it('accepts every in-range answer (property)', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const signed = fc.double({ min: -1, max: 1, noNaN: true });
    fc.assert(
      fc.property(fc.constantFrom(...VLM_LABELS), signed, signed, unit, unit, (label, valence, arousal, frustration, confidence) => {
        return parseVlmAnswer(JSON.stringify({ label, valence, arousal, frustration, confidence })).ok;
      }),
    );
  });
});
