/**
 * The monitor page. Asks the server which mode it is in, then either follows the live
 * stream (Server-Sent Events: `hello`, then batches of cell messages) or loads a whole
 * recording and plays it with a time slider, play/pause and speed. Both feed the same
 * {@link CellModel}; seeking builds a fresh model from the recording's start to the
 * chosen time, so what is shown is exactly the state at that moment.
 *
 * Rendering is throttled (4 per second): a busy cell never makes the page redraw per
 * message.
 */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CellModel } from '../model.ts';
import type { CellMessage } from '../messages.ts';
import { span } from './format.ts';
import { BlackboardView, HealthBar, OrdersView } from './panels.tsx';
import { TreeView } from './tree-view.tsx';
import { EventList, Timeline } from './timeline.tsx';
import './style.css';

interface Info {
  mode: 'live' | 'replay';
  robot?: string;
  url?: string;
  file?: string;
}

interface RecordingData {
  meta: Record<string, string>;
  start: number;
  end: number;
  invalid: Record<string, number>;
  messages: CellMessage[];
}

const WINDOWS = [
  [30_000, '30 s'],
  [60_000, '1 min'],
  [300_000, '5 min'],
  [1_800_000, '30 min'],
] as const;

function useTicker(ms: number): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setN((x) => x + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
  return n;
}

function Page({ info, model, now, dropped, serverLost, windowMs, setWindowMs, controls }: { info: Info; model: CellModel; now: number; dropped: number; serverLost?: boolean; windowMs: number; setWindowMs: (n: number) => void; controls?: preact.ComponentChildren }) {
  return (
    <div class={`page mode-${info.mode}`}>
      <header>
        <div class="brand">
          <span class="logo">◆</span> affect-bt monitor
          <span class="robot">{info.robot ?? model.tree?.treeName ?? ''}</span>
          <span class={`mode ${info.mode}`} data-testid="mode">
            {info.mode === 'live' ? '● LIVE' : '▶ REPLAY'}
          </span>
        </div>
        <HealthBar model={model} now={now} dropped={dropped} mode={info.mode} serverLost={serverLost} />
      </header>
      {controls}
      <main>
        <TreeView model={model} now={now} />
        <aside>
          <OrdersView model={model} />
          <BlackboardView model={model} now={now} />
          <EventList events={model.events} until={now} />
        </aside>
      </main>
      <section class="bottom">
        <div class="window-select">
          {WINDOWS.map(([ms, label]) => (
            <button class={ms === windowMs ? 'on' : ''} onClick={() => setWindowMs(ms)}>
              {label}
            </button>
          ))}
        </div>
        <Timeline model={model} from={now - windowMs} to={now} />
      </section>
    </div>
  );
}

function Live({ info }: { info: Info }) {
  const model = useRef(new CellModel());
  const lastMessageAt = useRef<{ t: number; wall: number } | undefined>(undefined);
  const [dropped, setDropped] = useState(0);
  const [serverLost, setServerLost] = useState(false);
  const [windowMs, setWindowMs] = useState(60_000);
  useTicker(250);
  useEffect(() => {
    const es = new EventSource('api/stream');
    es.addEventListener('hello', () => {
      model.current = new CellModel();
      setServerLost(false);
    });
    es.addEventListener('batch', (ev) => {
      const b = JSON.parse((ev as MessageEvent<string>).data) as { dropped: number; messages: CellMessage[] };
      for (const m of b.messages) model.current.apply(m);
      const last = b.messages[b.messages.length - 1];
      if (last) lastMessageAt.current = { t: last.t, wall: Date.now() };
      setDropped(b.dropped);
    });
    es.onerror = () => setServerLost(true);
    return () => es.close();
  }, []);
  // the server's clock runs the axis (its receive times), extrapolated between messages
  const anchor = lastMessageAt.current;
  const now = anchor ? anchor.t + (Date.now() - anchor.wall) : Date.now();
  return <Page info={info} model={model.current} now={now} dropped={dropped} serverLost={serverLost} windowMs={windowMs} setWindowMs={setWindowMs} />;
}

/** Index of the first message with t > time. */
function upperBound(ms: readonly CellMessage[], time: number): number {
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (ms[m]!.t <= time) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function Replay({ info, rec }: { info: Info; rec: RecordingData }) {
  const [time, setTime] = useState(rec.start);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [windowMs, setWindowMs] = useState(60_000);
  const state = useRef({ model: new CellModel(), applied: 0 });

  // bring the model to `time`: forward by applying, backward by rebuilding
  const model = useMemo(() => {
    const s = state.current;
    const upto = upperBound(rec.messages, time);
    if (upto < s.applied) {
      s.model = new CellModel();
      s.applied = 0;
    }
    for (; s.applied < upto; s.applied++) s.model.apply(rec.messages[s.applied]!);
    return s.model;
  }, [time]);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const id = setInterval(() => {
      const t = performance.now();
      const dt = (t - last) * speed;
      last = t;
      setTime((x) => {
        const next = Math.min(rec.end, x + dt);
        if (next >= rec.end) setPlaying(false);
        return next;
      });
    }, 100);
    return () => clearInterval(id);
  }, [playing, speed]);

  const controls = (
    <div class="replay-bar">
      <button class="play" data-testid="replay-play" onClick={() => (time >= rec.end ? (setTime(rec.start), setPlaying(true)) : setPlaying(!playing))}>
        {playing ? '❚❚ pause' : '▶ play'}
      </button>
      <select data-testid="replay-speed" value={String(speed)} onChange={(e) => setSpeed(Number((e.target as HTMLSelectElement).value))}>
        {[0.25, 0.5, 1, 2, 5, 10, 30].map((s) => (
          <option value={String(s)}>{s}×</option>
        ))}
      </select>
      <input
        type="range"
        data-testid="replay-slider"
        min={rec.start}
        max={rec.end}
        step={1}
        value={time}
        onInput={(e) => {
          setPlaying(false);
          setTime(Number((e.target as HTMLInputElement).value));
        }}
      />
      <span class="replay-time" data-testid="replay-time" data-t={Math.round(time)}>
        {span(time - rec.start)} / {span(rec.end - rec.start)}
      </span>
      <span class="muted small">
        {info.file} · {rec.messages.length} messages{Object.keys(rec.invalid).length > 0 ? ` · ${Object.values(rec.invalid).reduce((a, b) => a + b, 0)} invalid left out` : ''}
      </span>
    </div>
  );
  return <Page info={{ ...info, robot: info.robot ?? rec.meta['robot'] }} model={model} now={time} dropped={0} windowMs={windowMs} setWindowMs={setWindowMs} controls={controls} />;
}

function App() {
  const [info, setInfo] = useState<Info | undefined>();
  const [rec, setRec] = useState<RecordingData | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    (async () => {
      const i = (await (await fetch('api/info')).json()) as Info;
      if (i.mode === 'replay') setRec((await (await fetch('api/recording')).json()) as RecordingData);
      setInfo(i);
    })().catch((e: Error) => setError(e.message));
  }, []);
  if (error) return <p class="boot error">cannot reach the monitor server: {error}</p>;
  if (!info || (info.mode === 'replay' && !rec)) return <p class="boot">loading…</p>;
  return info.mode === 'live' ? <Live info={info} /> : <Replay info={info} rec={rec!} />;
}

render(<App />, document.getElementById('app')!);
