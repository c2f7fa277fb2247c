/**
 * A one-line progress bar for long simulator runs. It draws only on a TTY (and not
 * with `--quiet`), on stderr so stdout stays a clean table, at most every 100 ms of
 * wall time, and clears itself when done.
 */

/** A progress sink. */
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

/**
 * Creates a progress bar on `stream` when it is a TTY and `quiet` is false, else a no-op.
 *
 * @example
 * ```ts
 * const bar = createProgress(process.stderr, { quiet: false, label: 'episodes' });
 * bar.update(50, 400); bar.finish();
 * ```
 */
export function createProgress(stream: NodeJS.WriteStream, opts: { quiet?: boolean; label?: string; width?: number } = {}): Progress {
  if (opts.quiet || !stream.isTTY) return { update() {}, finish() {} };
  const width = opts.width ?? 30;
  const label = opts.label ?? 'episodes';
  const t0 = performance.now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (done < total && now - last < 100) return;
      last = now;
      const frac = total > 0 ? done / total : 1;
      const filled = Math.round(frac * width);
      const rate = done / Math.max(1e-3, (now - t0) / 1000);
      const eta = rate > 0 ? (total - done) / rate : 0;
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${label}  ${rate.toFixed(0)}/s  eta ${eta.toFixed(0)}s `);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
