/**
 * Small display helpers of the monitor page (times, ages, values, status colours).
 */

/** Colours of node statuses (also used by the legend). */
export const STATUS_COLOURS: Record<string, string> = {
  RUNNING: '#f5a524',
  SUCCESS: '#22c55e',
  FAILURE: '#ef4444',
  SKIPPED: '#60a5fa',
  IDLE: '#64748b',
};

/** `10:15:30.1` in local time. */
export function clock(t: number): string {
  if (!Number.isFinite(t)) return '—';
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${Math.floor(d.getMilliseconds() / 100)}`;
}

/** `850 ms`, `12.3 s`, `4 min`, `2.1 h`. */
export function age(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0) return 'in the future';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** `01:05.3` from a duration. */
export function span(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '00:00.0';
  const m = Math.floor(ms / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${String(m).padStart(2, '0')}:${s.toFixed(1).padStart(4, '0')}`;
}

/** A short one-line rendering of a blackboard value. */
export function preview(v: unknown, max = 90): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = Number.isInteger(v) ? String(v) : v.toFixed(3);
  else {
    try {
      s = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isInteger(x) ? Math.round(x * 1000) / 1000 : x));
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `72%`. */
export function pct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '—' : `${Math.round(x * 100)}%`;
}
