import { describe, expect, it } from 'vitest';
import { createDryRun, describeEscalation, formatDryRunReport } from './dry-run.ts';
import { syntheticFrameSource, syntheticSession } from './synthetic.ts';
import { vlmAnswerJsonSchema } from './schema.ts';

async function run(seed: number, durationMs = 120_000) {
  const dr = createDryRun({ frames: syntheticFrameSource() });
  for (const f of syntheticSession({ seed, durationMs })) await dr.step(f.fused, f.context);
  return dr.finish();
}

describe('dry run', () => {
  it('lists escalations with the exact REST body and estimates cost, sending nothing', async () => {
    const r = await run(1);
    expect(r.frames).toBe(1799); // 120 s at 15 fps
    expect(r.escalations.length).toBeGreaterThan(0);
    expect(r.stats.calls).toBe(0);
    const e = r.escalations[0]!;
    expect(e.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    const body = e.body as { contents: { parts: { text?: string; inlineData?: { mimeType: string } }[] }[]; generationConfig: Record<string, unknown> };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.responseJsonSchema).toEqual(vlmAnswerJsonSchema());
    expect(body.contents[0]!.parts.filter((p) => p.inlineData?.mimeType === 'image/jpeg').length).toBe(e.request.keyframes.length);
    expect(body.contents[0]!.parts.some((p) => p.text?.includes('Dense on-robot estimates'))).toBe(true);
    expect(r.estimatedUsd).toBeCloseTo(r.escalations.reduce((s, x) => s + x.estimatedUsd, 0), 12);
    expect(r.callsPerMinute).toBeCloseTo(r.escalations.length / (r.durationMs / 60_000), 9);
    expect(r.usdPerHour).toBeCloseTo((r.estimatedUsd * 3_600_000) / r.durationMs, 9);
    // Cooldown and limits hold on the recording's own timeline.
    expect(r.callsPerMinute).toBeLessThanOrEqual(12);
    expect(describeEscalation(e, e.request.about.t)).toMatch(/^escalate h1 frame synthetic:\d+:\w+ \(t=\+0\.00 s\): [a-z_, ]+; \d keyframes; ~\d+ input tokens; ~\$0\.000\d+$/);
    expect(formatDryRunReport(r)).toContain(`escalations: ${r.escalations.length}`);
  });
  it('is deterministic for a seed', async () => {
    const a = await run(4, 60_000);
    const b = await run(4, 60_000);
    expect(b.escalations.map((e) => e.request.sceneKey)).toEqual(a.escalations.map((e) => e.request.sceneKey));
    expect(b.estimatedUsd).toBe(a.estimatedUsd);
  });
  it('an empty sequence reports zeros', () => {
    const r = createDryRun().finish();
    expect(r).toMatchObject({ frames: 0, escalations: [], escalationRate: 0, estimatedUsd: 0 });
  });
});
