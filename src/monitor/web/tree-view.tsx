/**
 * The running tree as a graph: laid out by d3-hierarchy's tidy tree (Reingold–Tilford),
 * drawn as SVG. Each node is coloured by its last status (dimmed when the latest trace
 * did not visit it); a second, smaller dot shows how it last finished (green/red), which
 * stays visible while a retried or restarted node already runs again; hovering shows its feedback, visits, last tick and last change;
 * clicking a node with children collapses or expands it. The affect branch sits on a
 * violet, dashed "affect-only" backdrop; Subtree nodes carry the name of the tree they
 * expand.
 */
import { hierarchy, tree as tidyTree, type HierarchyPointNode } from 'd3-hierarchy';
import { useMemo, useState } from 'preact/hooks';
import type { TreeNodeDescription } from '../../contract/tree.ts';
import type { CellModel, NodeView } from '../model.ts';
import { STATUS_COLOURS, age, clock } from './format.ts';

interface Item {
  d: TreeNodeDescription;
  children: Item[];
  hidden: number;
}

const W = 172;
const H = 46;
const DX = 190;
const DY = 84;
/** Padding of the affect-only backdrop around its nodes. */
const PAD = 12;

function build(nodes: readonly TreeNodeDescription[], collapsed: ReadonlySet<string>): Item | undefined {
  const items = new Map<string, Item>();
  let root: Item | undefined;
  for (const d of nodes) {
    const it: Item = { d, children: [], hidden: 0 };
    items.set(d.path, it);
    if (d.parent === null) root = it;
    else items.get(d.parent)?.children.push(it);
  }
  const count = (it: Item): number => it.children.reduce((s, c) => s + 1 + count(c), 0);
  for (const it of items.values()) {
    if (collapsed.has(it.d.path) && it.children.length > 0) {
      it.hidden = count(it);
      it.children = [];
    }
  }
  return root;
}

function link(a: HierarchyPointNode<Item>, b: HierarchyPointNode<Item>): string {
  const y1 = a.y + H / 2;
  const y2 = b.y - H / 2;
  const m = (y1 + y2) / 2;
  return `M${a.x},${y1} C${a.x},${m} ${b.x},${m} ${b.x},${y2}`;
}

/**
 * The backdrop of an affect branch: a stepped outline around its nodes, one step per
 * depth, so nodes of other branches that sit beside it stay outside.
 */
function outline(nodes: readonly HierarchyPointNode<Item>[]): { d: string; labelX: number; labelY: number } {
  const rows = new Map<number, { x0: number; x1: number }>();
  for (const n of nodes) {
    const r = rows.get(n.y);
    if (r) {
      r.x0 = Math.min(r.x0, n.x - W / 2 - PAD);
      r.x1 = Math.max(r.x1, n.x + W / 2 + PAD);
    } else rows.set(n.y, { x0: n.x - W / 2 - PAD, x1: n.x + W / 2 + PAD });
  }
  const ys = [...rows.keys()].sort((a, b) => a - b);
  const top = (i: number) => (i === 0 ? ys[0]! - H / 2 - PAD : (ys[i - 1]! + ys[i]!) / 2);
  const bottom = (i: number) => (i === ys.length - 1 ? ys[i]! + H / 2 + PAD + 18 : (ys[i]! + ys[i + 1]!) / 2);
  const right = ys.map((y, i) => `L${rows.get(y)!.x1},${top(i)} L${rows.get(y)!.x1},${bottom(i)}`).join(' ');
  const left = ys
    .map((y, i) => `L${rows.get(y)!.x0},${bottom(i)} L${rows.get(y)!.x0},${top(i)}`)
    .reverse()
    .join(' ');
  const first = rows.get(ys[0]!)!;
  const last = rows.get(ys[ys.length - 1]!)!;
  return { d: `M${first.x0},${top(0)} ${right} ${left} Z`, labelX: last.x0 + 10, labelY: ys[ys.length - 1]! + H / 2 + PAD + 8 };
}

function label(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * The tree panel.
 *
 * @example
 * ```tsx
 * <TreeView model={model} now={Date.now()} />
 * ```
 */
export function TreeView({ model, now }: { model: CellModel; now: number }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [hover, setHover] = useState<{ path: string; x: number; y: number } | undefined>();
  const desc = model.tree;
  const layout = useMemo(() => {
    if (!desc) return undefined;
    const root = build(desc.nodes, collapsed);
    if (!root) return undefined;
    const h = tidyTree<Item>().nodeSize([DX, DY]).separation((a, b) => (a.parent === b.parent ? 1 : 1.15))(hierarchy(root, (it) => it.children));
    const all = h.descendants();
    const xs = all.map((n) => n.x);
    const ys = all.map((n) => n.y);
    const pad = 22;
    const box = { x0: Math.min(...xs) - W / 2 - pad, x1: Math.max(...xs) + W / 2 + pad, y0: Math.min(...ys) - H / 2 - pad - 8, y1: Math.max(...ys) + H / 2 + pad + 30 };
    const affectRoots = all.filter((n) => n.data.d.kind === 'AffectBranch');
    const regions = affectRoots.map((r) => outline(r.descendants()));
    const parents = new Set(desc.nodes.map((n) => n.parent));
    return { all, links: h.links(), box, regions, parents };
  }, [desc, collapsed]);

  if (!desc || !layout) {
    return (
      <div class="panel tree-panel empty">
        <p>Waiting for the planner's tree description (topic <code>tree</code>, retained)…</p>
      </div>
    );
  }
  const { box } = layout;
  const toggle = (path: string) => {
    const next = new Set(collapsed);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setCollapsed(next);
  };
  const view = (p: string): NodeView | undefined => model.nodes.get(p);
  const hv = hover ? model.tree?.nodes.find((n) => n.path === hover.path) : undefined;
  const hvState = hover ? view(hover.path) : undefined;
  return (
    <div class="panel tree-panel">
      <div class="panel-title">
        <span>Tree · {desc.treeName}</span>
        <span class="muted small">version {desc.treeId}</span>
        {model.treeMismatch && <span class="pill warn">trace belongs to another tree version</span>}
        <span class="legend">
          {Object.entries(STATUS_COLOURS).map(([s, c]) => (
            <span class="legend-item">
              <i style={{ background: c }} />
              {s.toLowerCase()}
            </span>
          ))}
          <span class="legend-item">
            <i class="affect-swatch" />
            affect-only
          </span>
        </span>
      </div>
      <div class="tree-scroll">
        <svg class="tree-svg" viewBox={`${box.x0} ${box.y0} ${box.x1 - box.x0} ${box.y1 - box.y0}`} preserveAspectRatio="xMidYMin meet" style={{ maxHeight: `${Math.max(260, box.y1 - box.y0)}px` }}>
          {layout.regions.map((r) => (
            <g class="affect-region">
              <path d={r.d} />
              <text x={r.labelX} y={r.labelY}>
                affect-only · may change pacing & apology, never the task
              </text>
            </g>
          ))}
          {layout.links.map((l) => {
            const v = view(l.target.data.d.path);
            const live = v?.inLatest === true;
            return <path class={`link${live ? ' live' : ''}`} d={link(l.source, l.target)} style={live ? { stroke: STATUS_COLOURS[v!.status] } : undefined} />;
          })}
          {layout.all.map((n) => {
            const d = n.data.d;
            const v = view(d.path);
            const status = v?.status ?? 'IDLE';
            const colour = STATUS_COLOURS[status];
            const hasKids = layout.parents.has(d.path);
            const cls = ['node', `status-${status.toLowerCase()}`, v?.inLatest ? 'visited' : 'stale', d.affect ? 'affect' : '', d.kind === 'Subtree' ? 'subtree' : '', hasKids ? 'clickable' : ''].join(' ');
            return (
              <g
                class={cls}
                transform={`translate(${n.x - W / 2},${n.y - H / 2})`}
                data-path={d.path}
                data-status={status}
                data-result={v?.result ?? 'IDLE'}
                onMouseEnter={(e) => setHover({ path: d.path, x: (e as MouseEvent).clientX, y: (e as MouseEvent).clientY })}
                onMouseMove={(e) => setHover({ path: d.path, x: (e as MouseEvent).clientX, y: (e as MouseEvent).clientY })}
                onMouseLeave={() => setHover(undefined)}
                onClick={() => hasKids && toggle(d.path)}
              >
                <rect class="node-box" width={W} height={H} rx={9} style={{ stroke: colour }} />
                <rect class="node-bar" width={6} height={H} rx={3} style={{ fill: colour }} />
                <text class="node-name" x={14} y={19}>
                  {label(d.name, 18)}
                </text>
                <text class="node-kind" x={14} y={36}>
                  {d.kind === 'Subtree' ? `⤷ ${label(d.subtree ?? '', 16)}` : d.name === d.kind ? d.category : label(d.kind, 20)}
                </text>
                <circle class="node-dot" cx={W - 14} cy={14} r={5} style={{ fill: colour }} />
                {v && v.result !== 'IDLE' && <circle class="node-result" cx={W - 28} cy={14} r={4} style={{ fill: STATUS_COLOURS[v.result] }} />}
                {n.data.hidden > 0 && (
                  <text class="node-hidden" x={W - 10} y={38} text-anchor="end">
                    +{n.data.hidden}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      {hover && hv && (
        <div class="tooltip" style={{ left: `${hover.x + 14}px`, top: `${hover.y + 14}px` }}>
          <div class="tt-title">
            <b>{hv.name}</b> <span class="muted">{hv.kind}</span>
            <span class="pill" style={{ background: STATUS_COLOURS[hvState?.status ?? 'IDLE'] }}>
              {hvState?.status ?? 'IDLE'}
            </span>
          </div>
          <div class="tt-path">{hv.path}</div>
          {hvState?.feedback && <div class="tt-feedback">“{hvState.feedback}”</div>}
          <table class="tt-table">
            <tr>
              <td>role</td>
              <td>
                {hv.role}
                {hv.affect ? ' · affect-only' : ''}
                {hv.subtree ? ` · subtree ${hv.subtree}` : ''}
              </td>
            </tr>
            <tr>
              <td>ticked</td>
              <td>
                in {hvState?.visits ?? 0} traces{hvState && hvState.lastTick >= 0 ? ` · last at tick ${hvState.lastTick}` : ''}
              </td>
            </tr>
            <tr>
              <td>last change</td>
              <td>{hvState && hvState.visits > 0 ? `${clock(hvState.lastChangeAt)} (${age(now - hvState.lastChangeAt)} ago)` : 'never ticked'}</td>
            </tr>
            <tr>
              <td>last finish</td>
              <td>{hvState && hvState.result !== 'IDLE' ? `${hvState.result} at ${clock(hvState.resultAt)} (${age(now - hvState.resultAt)} ago) · ${hvState.results} seen` : 'not finished yet'}</td>
            </tr>
            {hvState && hvState.visits > 0 && (
              <tr>
                <td>duration</td>
                <td>{hvState.durationUs.toFixed(0)} µs</td>
              </tr>
            )}
            {hv.ports && Object.keys(hv.ports).length > 0 && (
              <tr>
                <td>ports</td>
                <td class="mono">
                  {Object.entries(hv.ports)
                    .map(([k, v]) => `${k}=${String(v)}`)
                    .join('  ')}
                </td>
              </tr>
            )}
          </table>
          {layout.parents.has(hv.path) && <div class="muted small">click to {collapsed.has(hv.path) ? 'expand' : 'collapse'}</div>}
        </div>
      )}
    </div>
  );
}
