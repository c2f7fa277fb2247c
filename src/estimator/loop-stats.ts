/**
 * Live-video loop figures, measured the same way by `affect-bt estimate --video` (its
 * periodic and final stats lines) and `npm run bench -- estimator --video`: frames
 * processed per second, frames dropped (newest frame wins), CPU time per processed
 * frame of this process (inference, fusion, publishing) and of the decoder process
 * (ffmpeg, read from `/proc` on Linux), and the frame latency from the moment a frame
 * was complete in memory to the end of its processing (p50/p99).
 */
import { readFileSync } from 'node:fs';
import type { FrameSourceStats } from './frame-source.ts';

/** One report of {@link LoopStats}. */
export interface LoopReport {
  /** Frames processed in the window. */
  frames: number;
  /** Source totals (since start). */
  decoded: number;
  dropped: number;
  restarts: number;
  stalls: number;
  /** Processed frames per second over the window. */
  fps: number;
  /** CPU ms (user + system) of this process per processed frame over the window. */
  cpuMsPerFrame: number;
  /** CPU ms of the decoder process per processed frame (null when unknown). */
  decoderCpuMsPerFrame: number | null;
  /** Frame latency percentiles over the window, ms (NaN without frames). */
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/**
 * CPU time (user + system, ms) a process has used so far, from `/proc/<pid>/stat`;
 * null when unavailable (not Linux, or the process is gone).
 *
 * @example
 * ```ts
 * processCpuMs(ffmpegPid); // 1234.5
 * ```
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (clock ticks; 100 per second on Linux)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * Accumulates per-frame latencies and turns counters into a report per window
 * (`report()` starts the next window); `total()` covers the whole run.
 *
 * @example
 * ```ts
 * const stats = new LoopStats(() => source.stats);
 * stats.frame(performance.now() - frame.receivedAt);
 * console.error(formatLoopReport(stats.report()));
 * ```
 */
export class LoopStats {
  private latencies: number[] = [];
  private all: number[] = [];
  private windowStart = performance.now();
  private cpuStart = process.cpuUsage();
  private readonly runStart = performance.now();
  private readonly runCpuStart = process.cpuUsage();
  private decoderPid: number | null = null;
  private decoderCpuBase = 0;
  private decoderCpuDone = 0;
  private decoderCpuLast = 0;
  private decoderWindowStart = 0;

  constructor(private readonly source: () => Readonly<FrameSourceStats>) {}

  /** A decoder process started (its CPU time is followed from now). */
  decoder(pid: number): void {
    this.sampleDecoder();
    this.decoderCpuDone += this.decoderCpuLast - this.decoderCpuBase;
    this.decoderPid = pid;
    this.decoderCpuBase = 0;
    this.decoderCpuLast = 0;
  }

  /** One frame processed, `latencyMs` after it arrived. */
  frame(latencyMs: number): void {
    if (this.all.length % 10 === 0) this.sampleDecoder(); // the decoder may exit before the next report
    this.latencies.push(latencyMs);
    this.all.push(latencyMs);
    if (this.all.length > 100_000) this.all.splice(0, 50_000);
  }

  /** Figures of the window since the last report; starts a new window. */
  report(): LoopReport {
    const now = performance.now();
    const r = this.make(this.latencies, now - this.windowStart, process.cpuUsage(this.cpuStart), this.decoderCpu() - this.decoderWindowStart);
    this.latencies = [];
    this.windowStart = now;
    this.cpuStart = process.cpuUsage();
    this.decoderWindowStart = this.decoderCpu();
    return r;
  }

  /** Figures of the whole run. */
  total(): LoopReport {
    return this.make(this.all, performance.now() - this.runStart, process.cpuUsage(this.runCpuStart), this.decoderCpu());
  }

  private decoderCpu(): number {
    this.sampleDecoder();
    return this.decoderCpuDone + this.decoderCpuLast - this.decoderCpuBase;
  }

  private sampleDecoder(): void {
    if (this.decoderPid === null) return;
    const ms = processCpuMs(this.decoderPid);
    if (ms !== null) this.decoderCpuLast = ms;
  }

  private make(lat: number[], wallMs: number, cpu: NodeJS.CpuUsage, decoderMs: number): LoopReport {
    const s = this.source();
    const n = lat.length;
    const sorted = [...lat].sort((a, b) => a - b);
    const pct = (p: number) => (n ? sorted[Math.min(n - 1, Math.floor(p * n))]! : Number.NaN);
    return {
      frames: n,
      decoded: s.decoded,
      dropped: s.dropped,
      restarts: s.restarts,
      stalls: s.stalls,
      fps: wallMs > 0 ? (n * 1000) / wallMs : 0,
      cpuMsPerFrame: n ? (cpu.user + cpu.system) / 1000 / n : Number.NaN,
      decoderCpuMsPerFrame: this.decoderPid === null || !n ? null : decoderMs / n,
      latencyP50Ms: pct(0.5),
      latencyP99Ms: pct(0.99),
    };
  }
}

/**
 * One readable line of a report.
 *
 * @example
 * ```ts
 * formatLoopReport(stats.total());
 * // 'processed 300 frames (29.9 fps), decoded 301, dropped 1, CPU 7.9 ms/frame (ffmpeg 2.1), latency p50 8.1 ms p99 15.2 ms'
 * ```
 */
export function formatLoopReport(r: LoopReport): string {
  const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  const restarts = r.restarts || r.stalls ? `, ${r.restarts} restart${r.restarts === 1 ? '' : 's'}, ${r.stalls} stall${r.stalls === 1 ? '' : 's'}` : '';
  return `processed ${r.frames} frames (${f1(r.fps)} fps), decoded ${r.decoded}, dropped ${r.dropped}${restarts}, CPU ${f1(r.cpuMsPerFrame)} ms/frame${r.decoderCpuMsPerFrame !== null ? ` (ffmpeg ${f1(r.decoderCpuMsPerFrame)})` : ''}, latency p50 ${f1(r.latencyP50Ms)} ms p99 ${f1(r.latencyP99Ms)} ms`;
}
