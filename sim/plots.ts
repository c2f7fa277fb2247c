/**
 * SVG plots, written by hand (no plotting dependency), deterministic text:
 * - an episode timeline (felt and estimated frustration, speed scale, trust;
 *   concentration periods shaded; handover outcomes, apologies, detections marked);
 * - bar charts comparing trees per metric with 95% CI whiskers;
 * - trust trajectories aligned on each episode's first failure (Δ trust against the
 *   moment before it, mean and 95% band per tree: no apology, scripted, adaptive…);
 * - frustration detection precision and recall per tree (against felt frustration);
 * - the claims: each candidate's paired difference against its reference on the
 *   claim's primary metric, at the verdict's level.
 */
import type { Timeline } from './episode.ts';
import { REPORTED_METRICS, type ScenarioResult } from './compare.ts';
import { claimLine } from './report.ts';

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
  const step = Math.min(220, (width - 20) / Math.max(1, s.trees.length));
  s.trees.forEach((t, i) => {
    out.push(`<rect x="${n2(10 + i * step)}" y="30" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${n2(24 + i * step)}" y="39">${esc(t.tree)}</text>`);
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

const svgOpen = (w: number, h: number, title: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n<text x="12" y="20" font-size="14">${esc(title)}</text>`;

/**
 * Trust trajectories aligned on each episode's first failure: mean Δ trust (against
 * the moment before the failure) with its 95% band, per tree.
 *
 * @example
 * ```ts
 * writeFileSync('trust.svg', alignedTrustSvg(results[0]));
 * ```
 */
export function alignedTrustSvg(s: ScenarioResult, width = 900, height = 420): string {
  const padL = 60;
  const padR = 200;
  const padT = 40;
  const padB = 40;
  const W = width - padL - padR;
  const H = height - padT - padB;
  const offs = s.trees[0]?.alignedTrust.offsetsS ?? [];
  const t0 = offs[0] ?? -5;
  const t1 = offs[offs.length - 1] ?? 30;
  // an offset is drawn while at least half the episodes with a failure still run there
  const shown = s.trees.map((t) => {
    const a = t.alignedTrust;
    const n0 = a.n[offs.indexOf(0)] ?? 0;
    return offs.map((_, k) => k).filter((k) => a.n[k]! >= Math.max(5, n0 / 2) && Number.isFinite(a.lo[k]!) && Number.isFinite(a.hi[k]!));
  });
  let lo = 0;
  let hi = 0;
  s.trees.forEach((t, i) => {
    for (const k of shown[i]!) (lo = Math.min(lo, t.alignedTrust.lo[k]!)), (hi = Math.max(hi, t.alignedTrust.hi[k]!));
  });
  const span = Math.max(0.01, hi - lo);
  const step = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2].find((x) => span / x <= 8) ?? 0.5;
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const x = (o: number) => padL + ((o - t0) / (t1 - t0)) * W;
  const y = (v: number) => padT + ((hi - v) / (hi - lo)) * H;
  const out = [svgOpen(width, height, `${s.scenario}: trust after the first failure (Δ vs just before it; mean, 95% band)`)];
  for (let v = lo; v <= hi + step / 2; v += step) {
    out.push(`<line x1="${padL}" x2="${padL + W}" y1="${n2(y(v))}" y2="${n2(y(v))}" stroke="${Math.abs(v) < step / 2 ? '#888' : '#e5e5e5'}"/><text x="${padL - 6}" y="${n2(y(v) + 4)}" text-anchor="end">${(Math.round(v * 1000) / 1000).toString()}</text>`);
  }
  for (let o = 0; o <= t1; o += 5) out.push(`<text x="${n2(x(o))}" y="${padT + H + 16}" text-anchor="middle">${o}s</text>`);
  out.push(`<line x1="${n2(x(0))}" x2="${n2(x(0))}" y1="${padT}" y2="${padT + H}" stroke="#c44e52" stroke-dasharray="3 3"/>`);
  s.trees.forEach((t, i) => {
    const a = t.alignedTrust;
    const c = PALETTE[i % PALETTE.length]!;
    const idx = shown[i]!;
    if (idx.length < 2) return;
    const band = [...idx.map((k) => `${n2(x(offs[k]!))},${n2(y(a.hi[k]!))}`), ...[...idx].reverse().map((k) => `${n2(x(offs[k]!))},${n2(y(a.lo[k]!))}`)].join(' ');
    out.push(`<polygon points="${band}" fill="${c}" fill-opacity="0.12" stroke="none"/>`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.8" points="${idx.map((k) => `${n2(x(offs[k]!))},${n2(y(a.mean[k]!))}`).join(' ')}"/>`);
    const n = a.n[offs.indexOf(0)] ?? 0;
    out.push(`<line x1="${padL + W + 14}" x2="${padL + W + 32}" y1="${padT + 10 + i * 18}" y2="${padT + 10 + i * 18}" stroke="${c}" stroke-width="2"/><text x="${padL + W + 36}" y="${padT + 14 + i * 18}">${esc(t.tree)} (n=${n})</text>`);
  });
  out.push(`<text x="${padL}" y="${height - 6}" fill="#555">x: seconds from the failure; n: episodes with a failure (drawn while at least half of them still run)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * Frustration detection precision and recall (time-based, against felt frustration
 * during tasks) per tree, with bootstrap 95% CIs.
 *
 * @example
 * ```ts
 * writeFileSync('detection.svg', detectionSvg(results[0]));
 * ```
 */
export function detectionSvg(s: ScenarioResult, width = 900, height = 320): string {
  const padL = 60;
  const padT = 50;
  const H = height - padT - 70;
  const out = [svgOpen(width, height, `${s.scenario}: frustration detection against felt frustration (95% CI)`)];
  const groupW = (width - padL - 20) / Math.max(1, s.trees.length);
  const y = (v: number) => padT + (1 - v) * H;
  for (const v of [0, 0.25, 0.5, 0.75, 1]) out.push(`<line x1="${padL}" x2="${width - 20}" y1="${n2(y(v))}" y2="${n2(y(v))}" stroke="#e5e5e5"/><text x="${padL - 6}" y="${n2(y(v) + 4)}" text-anchor="end">${v}</text>`);
  const bars: [string, string][] = [
    ['detectionPrecision', '#4c72b0'],
    ['detectionRecall', '#dd8452'],
  ];
  s.trees.forEach((t, i) => {
    const gx = padL + i * groupW;
    bars.forEach(([key, c], j) => {
      const m = t.metrics[key as 'detectionPrecision'];
      const bx = gx + 10 + j * (groupW / 2 - 8);
      const bw = groupW / 2 - 14;
      if (m.n === 0 || !Number.isFinite(m.mean)) {
        out.push(`<text x="${n2(bx + bw / 2)}" y="${n2(y(0) - 4)}" text-anchor="middle" fill="#999">n/a</text>`);
        return;
      }
      out.push(`<rect x="${n2(bx)}" y="${n2(y(m.mean))}" width="${n2(bw)}" height="${n2(y(0) - y(m.mean))}" fill="${c}"><title>${esc(`${t.tree} ${key}: ${m.mean}`)}</title></rect>`);
      if (Number.isFinite(m.lo)) out.push(`<line x1="${n2(bx + bw / 2)}" x2="${n2(bx + bw / 2)}" y1="${n2(y(m.lo))}" y2="${n2(y(m.hi))}" stroke="#222"/>`);
    });
    out.push(`<text x="${n2(gx + groupW / 2)}" y="${n2(y(0) + 16)}" text-anchor="middle">${esc(t.tree)}</text>`);
    out.push(`<text x="${n2(gx + groupW / 2)}" y="${n2(y(0) + 30)}" text-anchor="middle" fill="#555">false det. ${n2(t.metrics.falseDetections.mean)}/ep</text>`);
  });
  out.push(`<rect x="${padL}" y="28" width="10" height="10" fill="#4c72b0"/><text x="${padL + 14}" y="37">precision (detected time that was felt frustration)</text>`);
  out.push(`<rect x="${padL + 330}" y="28" width="10" height="10" fill="#dd8452"/><text x="${padL + 344}" y="37">recall (felt frustration that was detected)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * The claims as a forest plot: per claim, the candidate's paired difference against
 * its reference on the primary metric with the verdict's interval (each row on its own
 * scale, 0 marked), and the verdict.
 *
 * @example
 * ```ts
 * writeFileSync('claims.svg', claimsSvg(results[0]));
 * ```
 */
export function claimsSvg(s: ScenarioResult, width = 1100): string {
  const rowH = 46;
  const height = 50 + rowH * Math.max(1, s.claims.length) + 20;
  const padL = 20;
  const plotX = 520;
  const plotW = 300;
  const out = [svgOpen(width, height, `${s.scenario}: claims — paired Δ (candidate − reference) on each primary metric`)];
  s.claims.forEach((c, i) => {
    const top = 44 + i * rowH;
    const mid = top + 22;
    const d = c.diff;
    const ext = Math.max(Math.abs(d.lo), Math.abs(d.hi), Math.abs(d.mean), c.margin ?? 0, 1e-9) * 1.15;
    const x = (v: number) => plotX + plotW / 2 + (v / ext) * (plotW / 2);
    const colour = c.holds ? '#55a868' : /HARM|INFERIOR|NO:/.test(c.verdict) ? '#c44e52' : '#8c8c8c';
    out.push(`<text x="${padL}" y="${mid - 4}">${esc(`${c.title}`)}</text><text x="${padL}" y="${mid + 10}" fill="#555">${esc(`${c.candidate} vs ${c.reference} · ${c.metric} · ${(c.level * 100).toFixed(2)}% CI`)}</text>`);
    out.push(`<line x1="${plotX}" x2="${plotX + plotW}" y1="${mid}" y2="${mid}" stroke="#eee"/><line x1="${n2(x(0))}" x2="${n2(x(0))}" y1="${top + 6}" y2="${top + rowH - 6}" stroke="#888"/>`);
    if (c.margin !== undefined) out.push(`<line x1="${n2(x(-c.margin))}" x2="${n2(x(-c.margin))}" y1="${top + 6}" y2="${top + rowH - 6}" stroke="#c44e52" stroke-dasharray="3 2"><title>margin</title></line>`);
    if (Number.isFinite(d.lo) && Number.isFinite(d.hi)) out.push(`<line x1="${n2(x(d.lo))}" x2="${n2(x(d.hi))}" y1="${mid}" y2="${mid}" stroke="${colour}" stroke-width="3"/>`);
    if (Number.isFinite(d.mean)) out.push(`<circle cx="${n2(x(d.mean))}" cy="${mid}" r="5" fill="${colour}"><title>${esc(claimLine(c))}</title></circle>`);
    out.push(`<text x="${plotX + plotW + 20}" y="${mid + 4}" fill="${colour}">${esc(c.verdict)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * Every plot of one scenario as [file name, SVG] pairs.
 *
 * @example
 * ```ts
 * for (const [file, svg] of scenarioPlots(results[0], 1)) writeFileSync(join(dir, file), svg);
 * ```
 */
export function scenarioPlots(s: ScenarioResult, seed: number | string): [string, string][] {
  const out: [string, string][] = [
    [`${s.scenario}-comparison.svg`, comparisonSvg(s)],
    [`${s.scenario}-trust-after-failure.svg`, alignedTrustSvg(s)],
    [`${s.scenario}-detection.svg`, detectionSvg(s)],
  ];
  if (s.claims.length > 0) out.push([`${s.scenario}-claims.svg`, claimsSvg(s)]);
  for (const t of s.trees) if (t.timeline) out.push([`${s.scenario}-${t.tree.replace(/[^A-Za-z0-9_.-]/g, '_')}-timeline.svg`, timelineSvg(t.timeline, `${s.scenario} / ${t.tree} / episode 0 (seed ${seed})`)]);
  return out;
}
