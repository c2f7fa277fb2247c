import { describe, expect, it } from 'vitest';
import { buildGenerateContentParams, restBody } from './wire.ts';
import type { VlmRequest } from './types.ts';

const request: VlmRequest = {
  humanId: 'h1',
  about: { t: 1000, index: 3, frameId: '/home/robot/frames/0003.jpg' },
  triggers: ['low_confidence'],
  instruction: 'INSTRUCTION',
  summary: 'SUMMARY',
  context: 'CONTEXT',
  keyframes: [
    { frameId: '/home/robot/frames/0001.jpg', t: 900, offsetMs: -100, mimeType: 'image/jpeg', data: 'AAAA', width: 8, height: 8 },
    { frameId: '/home/robot/frames/0003.jpg', t: 1000, offsetMs: 0, mimeType: 'image/jpeg', data: 'BBBB', width: 8, height: 8 },
  ],
  sceneKey: 'k',
  estimatedInputTokens: 600,
};

describe('Gemini wire format', () => {
  it('orders instruction, context, summary, then labelled inline keyframes; no local paths', () => {
    const p = buildGenerateContentParams(request, 'gemini-2.5-flash');
    const parts = p.contents && Array.isArray(p.contents) ? (p.contents[0] as { parts: { text?: string; inlineData?: { data: string } }[] }).parts : [];
    expect(parts.map((x) => x.text ?? `<img ${x.inlineData!.data}>`)).toEqual([
      'INSTRUCTION',
      'CONTEXT',
      'SUMMARY',
      'Keyframe 1 of 2, at -0.10 s from the ambiguous moment:',
      '<img AAAA>',
      'Keyframe 2 of 2, at +0.00 s from the ambiguous moment:',
      '<img BBBB>',
    ]);
    expect(JSON.stringify(p)).not.toContain('/home/robot');
  });
  it('turns thinking off on 2.5 Flash only, and the REST body carries generationConfig', () => {
    expect(buildGenerateContentParams(request, 'gemini-2.5-flash').config.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(buildGenerateContentParams(request, 'gemini-2.5-pro').config.thinkingConfig).toBeUndefined();
    const body = restBody(buildGenerateContentParams(request, 'gemini-2.0-flash', { temperature: 0.2, maxOutputTokens: 100 }));
    expect(Object.keys(body)).toEqual(['contents', 'generationConfig']);
    expect(body.generationConfig).toMatchObject({ responseMimeType: 'application/json', temperature: 0.2, maxOutputTokens: 100 });
  });
});
