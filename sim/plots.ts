/**
 * SVG plots, written by hand (no plotting dependency): an episode timeline (felt and
 * estimated frustration, speed scale, trust; concentration periods shaded; handover
 * outcomes and apologies marked) and bar charts comparing trees per metric with 95%
 * CI whiskers. Output is deterministic text.
 */
import type { Timeline } from './episode.ts';
import { REPORTED_METRICS, type ScenarioResult } from './compare.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n2 = (x: number) => (Math.round(x * 100) / 100).toString();
const PALETTE = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860'];

/**
 * The timeline of one episode as an SVG document.
 *
 * @example
 * ```ts
 * writeFileSync('timeline.svg', timelineSvg(result.timeline!, 'impatient_novice / handover_affect'));
 * ```
 */
export function timelineSvg(tl: Timeline, title: string, width = 1000, height = 360): string {
  const padL = 50;
  const padR = 20;
  const padT = 48;
  const padB = 50;
  const t0 = tl.samples[0]?.t ?? 0;
  const t1 = tl.samples.length ? tl.samples[tl.samples.length - 1]!.t : t0 + 1;
  const span = Math.max(1, t1 - t0);
  const W = width - padL - padR;
  const H = height - padT - padB;
  const x = (t: number) => padL + ((t - t0) / span) * W;
  const y = (v: number) => padT + (1 - v) * H;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${padL}" y="20" font-size="14">${esc(title)}</text>`);
  // concentration bands
  let bandStart = NaN;
  for (const s of tl.samples) {
    if (s.concentrating && Number.isNaN(bandStart)) bandStart = s.t;
    if (!s.concentrating && !Number.isNaN(bandStart)) {
      out.push(`<rect x="${n2(x(bandStart))}" y="${padT}" width="${n2(x(s.t) - x(bandStart))}" height="${H}" fill="#eee8d5"/>`);
      bandStart = NaN;
    }
  }
  if (!Number.isNaN(bandStart)) out.push(`<rect x="${n2(x(bandStart))}" y="${padT}" width="${n2(x(t1) - x(bandStart))}" height="${H}" fill="#eee8d5"/>`);
  // axes and grid
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${padL}" x2="${padL + W}" y1="${n2(y(v))}" y2="${n2(y(v))}" stroke="#ddd"/>`);
    out.push(`<text x="${padL - 6}" y="${n2(y(v) + 4)}" text-anchor="end">${v}</text>`);
  }
  const secs = span / 1000;
  const step = secs > 120 ? 30 : secs > 60 ? 10 : 5;
  for (let s = 0; s <= secs; s += step) out.push(`<text x="${n2(x(t0 + s * 1000))}" y="${padT + H + 14}" text-anchor="middle">${s}s</text>`);
  const line = (get: (s: Timeline['samples'][number]) => number, color: string, dash = '') => {
    const pts = tl.samples.map((s) => `${n2(x(s.t))},${n2(y(get(s)))}`).join(' ');
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts}"/>`);
  };
  line((s) => s.felt, '#c44e52');
  line((s) => s.estimated, '#dd8452', '4 3');
  line((s) => s.speed, '#4c72b0');
  line((s) => s.trust, '#55a868');
  // events
  for (const h of tl.handovers) {
    const ok = h.result === 'success';
    out.push(`<circle cx="${n2(x(h.t))}" cy="${padT + H + 26}" r="4" fill="${ok ? '#55a868' : '#c44e52'}"><title>${esc(h.result)}</title></circle>`);
  }
  for (const a of tl.apologies) {
    const cx = x(a.t);
    out.push(`<path d="M${n2(cx)},${padT + H + 34} l5,5 l-5,5 l-5,-5 z" fill="${a.judgement === 'congruent' ? '#8172b3' : '#937860'}"><title>${esc(a.judgement + ': ' + a.text)}</title></path>`);
  }
  for (const d of tl.detections) out.push(`<line x1="${n2(x(d.t))}" x2="${n2(x(d.t))}" y1="${padT}" y2="${padT + 8}" stroke="${d.falsePositive ? '#c44e52' : '#333'}" stroke-width="2"/>`);
  const legend: [string, string][] = [
    ['felt frustration', '#c44e52'],
    ['estimated frustration', '#dd8452'],
    ['handover speed scale', '#4c72b0'],
    ['trust', '#55a868'],
  ];
  legend.forEach(([label, color], i) => {
    const lx = padL + i * 160;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="32" y2="32" stroke="${color}" stroke-width="2"/><text x="${lx + 22}" y="36">${label}</text>`);
  });
  out.push(`<text x="${padL}" y="${height - 4}" fill="#555">dots: handovers (green ok, red failed) · diamonds: apologies (purple congruent) · shaded: concentration · ticks on top: frustration detections (red = false)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * Bar charts (one panel per reported metric) comparing trees on one scenario, with
 * 95% CI whiskers.
 *
 * @example
 * ```ts
 * writeFileSync('compare.svg', comparisonSvg(results[0]));
 * ```
 */
export function comparisonSvg(s: ScenarioResult): string {
  const cols = 5;
  const pw = 200;
  const ph = 170;
  const rowsN = Math.ceil(REPORTED_METRICS.length / cols);
  const width = cols * pw + 20;
  const height = rowsN * ph + 70;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="10" y="20" font-size="14">${esc(`${s.scenario}: mean and 95% CI per tree`)}</text>`);
  s.trees.forEach((t, i) => {
    out.push(`<rect x="${10 + i * 220}" y="30" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${24 + i * 220}" y="39">${esc(t.tree)}</text>`);
  });
  REPORTED_METRICS.forEach((m, k) => {
    const ox = 10 + (k % cols) * pw;
    const oy = 55 + Math.floor(k / cols) * ph;
    const H = ph - 50;
    const vals = s.trees.map((t) => t.metrics[m.key]);
    let max = 0;
    for (const v of vals) for (const x of [v.mean, v.hi]) if (Number.isFinite(x) && x > max) max = x;
    if (max <= 0) max = 1;
    out.push(`<text x="${ox + 5}" y="${oy + 10}">${esc(m.label.length > 34 ? m.label.slice(0, 33) + '…' : m.label)}${m.unit ? ` (${m.unit})` : ''}</text>`);
    const base = oy + 20 + H;
    out.push(`<line x1="${ox + 5}" x2="${ox + pw - 15}" y1="${base}" y2="${base}" stroke="#999"/>`);
    const bw = (pw - 30) / Math.max(1, vals.length) - 6;
    vals.forEach((v, i) => {
      const bx = ox + 10 + i * (bw + 6);
      if (!Number.isFinite(v.mean)) return;
      const h = (Math.max(0, v.mean) / max) * H;
      out.push(`<rect x="${n2(bx)}" y="${n2(base - h)}" width="${n2(bw)}" height="${n2(h)}" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(`${s.trees[i]!.tree}: ${v.mean}`)}</title></rect>`);
      if (Number.isFinite(v.lo) && Number.isFinite(v.hi)) {
        const cx = bx + bw / 2;
        const ylo = base - (Math.max(0, v.lo) / max) * H;
        const yhi = base - (Math.max(0, v.hi) / max) * H;
        out.push(`<line x1="${n2(cx)}" x2="${n2(cx)}" y1="${n2(ylo)}" y2="${n2(yhi)}" stroke="#222"/>`);
        out.push(`<line x1="${n2(cx - 4)}" x2="${n2(cx + 4)}" y1="${n2(yhi)}" y2="${n2(yhi)}" stroke="#222"/>`);
      }
      out.push(`<text x="${n2(bx + bw / 2)}" y="${base + 12}" text-anchor="middle">${(Math.round(v.mean * 100) / 100).toString()}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
