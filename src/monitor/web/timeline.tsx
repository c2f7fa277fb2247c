/**
 * The affect timeline (uPlot): frustration, valence, arousal and the estimate's
 * confidence of one person, the controller's speed scale as a step line, VLM answers as
 * markers, the tree's frustration threshold (and release threshold) drawn across. Under
 * it, on the same time axis, the event strip: one lane each for task, affect and system
 * events, positioned with the chart's own x scale.
 */
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { EVENT_LANES, type CellEvent } from '../events.ts';
import type { CellModel } from '../model.ts';
import { clock, pct } from './format.ts';

const LEVEL_COLOURS: Record<CellEvent['level'], string> = { info: '#38bdf8', ok: '#22c55e', warn: '#f5a524', error: '#ef4444' };
const LANES = [
  ['task', 'Task'],
  ['affect', 'Affect'],
  ['system', 'System'],
] as const;
const ICONS: Record<CellEvent['kind'], string> = {
  order: '☰',
  'order-ok': '☑',
  'order-failed': '☒',
  'order-cancel': '⊘',
  handover: '→',
  'handover-ok': '✓',
  'handover-failed': '✗',
  cancel: '⊘',
  pacing: '◔',
  apology: '❝',
  say: '❝',
  vlm: '☁',
  safe: '⛔',
  resume: '▶',
  connection: '⇄',
  broker: '⚡',
  tree: '⌥',
};

/** Indexes of the first point ≥ from and the first > to (sorted `t`). */
function window_(t: readonly number[], from: number, to: number): [number, number] {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (t[m]! < from) lo = m + 1;
    else hi = m;
  }
  let j = lo;
  while (j < t.length && t[j]! <= to) j++;
  return [lo, j];
}

function data(model: CellModel, human: string | undefined, from: number, to: number): AlignedData {
  const s = human ? model.affect.get(human) : undefined;
  const tables: AlignedData[] = [];
  if (s && s.t.length > 0) {
    const [a, b] = window_(s.t, from, to);
    const ts = s.t.slice(a, b).map((x) => x / 1000);
    const vlm = s.source.slice(a, b).map((src, i) => (src === 'vlm' ? s.frustration[a + i]! : null));
    tables.push([ts, s.frustration.slice(a, b), s.valence.slice(a, b), s.arousal.slice(a, b), s.confidence.slice(a, b), vlm]);
  } else tables.push([[], [], [], [], [], []]);
  const sp = model.speed;
  const [a, b] = window_(sp.t, from, to);
  // carry the speed in force at the window's start into it
  const st = sp.t.slice(a, b).map((x) => x / 1000);
  const sv = sp.v.slice(a, b);
  if (a > 0) {
    st.unshift(from / 1000);
    sv.unshift(sp.v[a - 1]!);
  }
  if (sv.length > 0) {
    st.push(to / 1000);
    sv.push(sv[sv.length - 1]!);
  }
  tables.push([st, sv]);
  return uPlot.join(tables as [AlignedData, AlignedData]);
}

function options(width: number, thresholds: { threshold: number; release?: number }[]): Options {
  return {
    width,
    height: 230,
    padding: [12, 16, 0, 4],
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    legend: { show: true, live: true },
    scales: { x: { time: true }, y: { range: [-1.05, 1.05] } },
    axes: [
      { stroke: '#94a3b8', grid: { stroke: 'rgba(148,163,184,0.12)' }, ticks: { stroke: 'rgba(148,163,184,0.25)' } },
      { stroke: '#94a3b8', grid: { stroke: 'rgba(148,163,184,0.12)' }, ticks: { stroke: 'rgba(148,163,184,0.25)' }, size: 42, values: (_u, vals) => vals.map((v) => v.toFixed(1)) },
    ],
    series: [
      { label: 'time', value: (_u, v) => (v == null ? '—' : clock(v * 1000)) },
      { label: 'frustration', stroke: '#ef4444', width: 2.5, points: { show: false }, fill: 'rgba(239,68,68,0.10)', value: (_u, v) => (v == null ? '—' : pct(v)) },
      { label: 'valence', stroke: '#38bdf8', width: 1.6, points: { show: false }, value: (_u, v) => (v == null ? '—' : v.toFixed(2)) },
      { label: 'arousal', stroke: '#a78bfa', width: 1.6, points: { show: false }, value: (_u, v) => (v == null ? '—' : v.toFixed(2)) },
      { label: 'confidence', stroke: '#94a3b8', width: 1, dash: [4, 4], points: { show: false }, value: (_u, v) => (v == null ? '—' : pct(v)) },
      { label: 'VLM answer', stroke: '#facc15', width: 0, points: { show: true, size: 9, fill: '#facc15', stroke: '#facc15' }, value: (_u, v) => (v == null ? '—' : 'yes') },
      { label: 'speed scale', stroke: '#22c55e', width: 2, points: { show: false }, spanGaps: true, paths: uPlot.paths.stepped!({ align: 1 }), value: (_u, v) => (v == null ? '—' : pct(v)) },
    ],
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          const { left, width } = u.bbox;
          ctx.save();
          ctx.setLineDash([8, 6]);
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'bottom';
          for (const th of thresholds) {
            for (const [v, colour, name] of [
              [th.threshold, '#f87171', 'frustration threshold'],
              [th.release, '#fb923c', 'release'],
            ] as const) {
              if (v === undefined) continue;
              const y = u.valToPos(v, 'y', true);
              ctx.strokeStyle = colour;
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + width, y);
              ctx.stroke();
              ctx.fillStyle = colour;
              ctx.fillText(`${name} ${v}`, left + 6 * devicePixelRatio, y - 4 * devicePixelRatio);
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * Affect chart + event strip + the newest events as a list.
 *
 * @example
 * ```tsx
 * <Timeline model={model} from={now - 60_000} to={now} />
 * ```
 */
export function Timeline({ model, from, to }: { model: CellModel; from: number; to: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const thresholdsKey = JSON.stringify(model.thresholds());
  const humans = [...model.affect.keys()];
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const human = chosen !== undefined && model.affect.has(chosen) ? chosen : humans[0];
  const [width, setWidth] = useState(900);
  const [, setBuilt] = useState(0);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(300, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    plot.current?.destroy();
    plot.current = new uPlot(options(width, JSON.parse(thresholdsKey)), data(model, human, from, to), el);
    plot.current.setScale('x', { min: from / 1000, max: to / 1000 });
    setBuilt((n) => n + 1); // draw the strip again against the new chart
    return () => {
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [thresholdsKey, width]);

  const u = plot.current;
  if (u) {
    u.batch(() => {
      u.setData(data(model, human, from, to), false);
      u.setScale('x', { min: from / 1000, max: to / 1000 });
    });
  }
  const series = human ? model.affect.get(human) : undefined;
  const n = series?.t.length ?? 0;
  const latest = n > 0 ? n - 1 : -1;
  // the strip uses the chart's own x scale (plot-area pixels + the plot area's offset)
  const x = (t: number) => (u ? u.over.offsetLeft + u.valToPos(t / 1000, 'x') : 46 + ((t - from) / Math.max(1, to - from)) * (width - 60));
  const shown = model.events.filter((e) => e.t >= from && e.t <= to);

  return (
    <div class="panel timeline-panel">
      <div class="panel-title">
        <span>Affect timeline</span>
        {humans.length > 1 ? (
          <select value={human} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
            {humans.map((h) => (
              <option value={h}>{h}</option>
            ))}
          </select>
        ) : (
          <span class="muted small">{human ? `person ${human}` : 'no estimates yet'}</span>
        )}
        {latest >= 0 && series && (
          <span class="now-label" data-testid="affect-now">
            <b>{series.label[latest]}</b> {pct(series.confidence[latest])} · {series.source[latest] === 'vlm' ? 'cloud VLM' : 'on-robot model'}
          </span>
        )}
      </div>
      <div class="chart" ref={host} data-testid="affect-chart" data-points={n} />
      <div class="strip" data-testid="event-strip">
        {LANES.map(([lane, name]) => (
          <div class="lane">
            <span class="lane-name">{name}</span>
            {shown
              .filter((e) => EVENT_LANES[e.kind] === lane)
              .map((e) => (
                <span class={`mark kind-${e.kind}`} style={{ left: `${x(e.t)}px`, borderColor: LEVEL_COLOURS[e.level], color: LEVEL_COLOURS[e.level] }} title={`${clock(e.t)} ${e.text}${e.detail ? `\n${e.detail}` : ''}`} data-kind={e.kind}>
                  {ICONS[e.kind]}
                </span>
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/**
 * The newest events, newest first, with their full text.
 *
 * @example
 * ```tsx
 * <EventList events={model.events} until={now} />
 * ```
 */
export function EventList({ events, until }: { events: readonly CellEvent[]; until: number }) {
  const rows: CellEvent[] = [];
  for (let i = events.length - 1; i >= 0 && rows.length < 150; i--) if (events[i]!.t <= until) rows.push(events[i]!);
  return (
    <div class="panel events-panel">
      <div class="panel-title">
        <span>Events</span>
        <span class="muted small">{events.length} total</span>
      </div>
      <ol class="event-list" data-testid="event-list">
        {rows.length === 0 && <li class="muted">nothing yet</li>}
        {rows.map((e) => (
          <li class={`event level-${e.level}`} data-kind={e.kind}>
            <span class="ev-time">{clock(e.t)}</span>
            <span class="ev-icon" style={{ color: LEVEL_COLOURS[e.level] }}>
              {ICONS[e.kind]}
            </span>
            <span class="ev-text">
              {e.text}
              {e.detail && <span class="ev-detail">{e.detail}</span>}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
