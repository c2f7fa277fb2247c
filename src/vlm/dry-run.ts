/**
 * Dry run of the escalation over a recorded (or synthetic) frame sequence: which
 * moments would go to the VLM, the exact request for each, and what it would cost —
 * without sending anything and without a key. This is how an integrator sees the
 * escalation rate and the bill before turning escalation on, and how `bench/vlm.ts`
 * measures calls per minute. Time comes from the frames (a VirtualClock follows
 * them), so limits apply on the recording's own timeline.
 */
import { VirtualClock } from '../core/clock.ts';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import { Escalator, type EscalatorOptions, type EscalatorStats } from './escalator.ts';
import { buildGenerateContentParams, DEFAULT_GEMINI_MODEL, restBody } from './wire.ts';
import { costUsd, GEMINI_25_FLASH_PRICE } from './policy.ts';
import type { VlmRequest } from './types.ts';

/** One escalation the dry run would have made. */
export interface DryRunEscalation {
  request: VlmRequest;
  /** `POST` URL the SDK would call. */
  url: string;
  /** The REST body exactly as the SDK would send it. */
  body: Record<string, unknown>;
  /** Estimated cost at the configured price, USD. */
  estimatedUsd: number;
}

/** Dry-run summary. */
export interface DryRunReport {
  frames: number;
  durationMs: number;
  escalations: DryRunEscalation[];
  /** Escalations per frame. */
  escalationRate: number;
  callsPerMinute: number;
  estimatedUsd: number;
  /** Estimated cost per hour of this kind of activity, USD. */
  usdPerHour: number;
  stats: EscalatorStats;
}

/** Dry-run options: escalator options (minus clock/provider/dryRun) plus the model and base URL. */
export type DryRunOptions = Omit<EscalatorOptions, 'clock' | 'provider' | 'dryRun'> & { model?: string; baseUrl?: string };

/**
 * A dry-run escalator on a clock that follows frame times. Feed it with `step()`.
 *
 * @example
 * ```ts
 * const dr = createDryRun({ frames: fileFrameSource() }, (e) => console.log(JSON.stringify(e.body)));
 * for (const f of frames) await dr.step(f.fused, f.context);
 * const report = dr.finish();
 * ```
 */
export function createDryRun(opts: DryRunOptions = {}, onEscalation?: (e: DryRunEscalation) => void) {
  const model = opts.model ?? DEFAULT_GEMINI_MODEL;
  const base = (opts.baseUrl ?? 'https://generativelanguage.googleapis.com').replace(/\/$/, '');
  const price = opts.price ?? GEMINI_25_FLASH_PRICE;
  const outTok = opts.expectedOutputTokens ?? 120;
  const escalations: DryRunEscalation[] = [];
  let clock: VirtualClock | null = null;
  let firstT = Number.NaN;
  let lastT = Number.NaN;
  let frames = 0;
  let esc: Escalator | null = null;
  const make = (t: number): Escalator => {
    clock = new VirtualClock(t);
    return new Escalator({
      ...opts,
      clock,
      provider: null,
      dryRun: (request) => {
        const e: DryRunEscalation = {
          request,
          url: `${base}/v1beta/models/${model}:generateContent`,
          body: restBody(buildGenerateContentParams(request, model)),
          estimatedUsd: costUsd({ inputTokens: request.estimatedInputTokens, outputTokens: outTok }, price),
        };
        escalations.push(e);
        onEscalation?.(e);
      },
    });
  };
  return {
    /** Offers one frame; waits for the (local, no network) request composition when it escalates. */
    async step(fused: FusedEstimate, context: TaskContext): Promise<void> {
      if (!esc) {
        esc = make(fused.t);
        firstT = fused.t;
      }
      if (fused.t > clock!.now()) clock!.set(fused.t);
      lastT = fused.t;
      frames++;
      if (esc.offer(fused, context) === 'escalated') await esc.idle();
    },
    /** The summary so far. */
    finish(): DryRunReport {
      const durationMs = frames > 1 ? lastT - firstT : 0;
      const usd = escalations.reduce((s, e) => s + e.estimatedUsd, 0);
      const minutes = durationMs / 60_000;
      const stats = esc ? esc.stats() : new Escalator({ clock: new VirtualClock(0) }).stats();
      return {
        frames,
        durationMs,
        escalations,
        escalationRate: frames > 0 ? escalations.length / frames : 0,
        callsPerMinute: minutes > 0 ? escalations.length / minutes : escalations.length,
        estimatedUsd: usd,
        usdPerHour: minutes > 0 ? (usd / minutes) * 60 : usd,
        stats,
      };
    },
  };
}

/**
 * One-line human description of an escalation (for the CLI).
 *
 * @example
 * ```ts
 * describeEscalation(e); // 'escalate h1 frame frames/0042.jpg (t=+2.80 s): low_confidence, task_failure; 3 keyframes; ~1390 input tokens; ~$0.00072'
 * ```
 */
export function describeEscalation(e: DryRunEscalation, t0?: number): string {
  const r = e.request;
  const t = t0 !== undefined ? ` (t=+${((r.about.t - t0) / 1000).toFixed(2)} s)` : '';
  return `escalate ${r.humanId} frame ${r.about.frameId}${t}: ${r.triggers.join(', ')}; ${r.keyframes.length} keyframes; ~${r.estimatedInputTokens} input tokens; ~$${e.estimatedUsd.toFixed(5)}`;
}

/**
 * Text summary of a dry-run report.
 *
 * @example
 * ```ts
 * console.log(formatDryRunReport(report, 'gemini-2.5-flash'));
 * ```
 */
export function formatDryRunReport(r: DryRunReport, model = DEFAULT_GEMINI_MODEL): string {
  const s = r.stats;
  return [
    `VLM dry run (${model}, nothing sent): ${r.frames} frames over ${(r.durationMs / 1000).toFixed(1)} s`,
    `  frames with a trigger: ${s.triggeredFrames} (low confidence ${s.triggers.low_confidence}, face/context conflict ${s.triggers.context_conflict}, rare label ${s.triggers.rare_label}, task failure ${s.triggers.task_failure})`,
    `  escalations: ${r.escalations.length} (${(100 * r.escalationRate).toFixed(2)} % of frames, ${r.callsPerMinute.toFixed(2)} calls/min)`,
    `  held back: cooldown ${s.skipped.cooldown}, trigger too short ${s.skipped.pending}, rate limit ${s.skipped.rate_limited}, budget ${s.skipped.over_budget}`,
    `  estimated cost: $${r.estimatedUsd.toFixed(5)} (≈ $${r.usdPerHour.toFixed(4)} per hour of this activity)`,
  ].join('\n');
}
