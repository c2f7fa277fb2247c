/**
 * Renders a built tree for people: indented text with last statuses (for logs and the
 * `tick` demo), a Mermaid flowchart and Graphviz DOT (for docs and `affect-bt render`).
 * With `{ status: false }` a render shows the structure only (no statuses, no runtime
 * feedback), which is what a tree that was never ticked should show.
 * Renders are off the hot path and may allocate freely.
 */
import type { RtNode } from './node.ts';

/** What a render shows. */
export interface RenderOptions {
  /** Last status and feedback of each node (default true); false for a static picture. */
  status?: boolean;
}

function label(n: RtNode): string {
  return n.name === n.kind ? n.kind : `${n.kind} "${n.name}"`;
}

/**
 * Indented text, one node per line: `Kind "name" [STATUS] feedback`.
 *
 * @example
 * ```ts
 * renderText(runner.root);
 * // ReactiveSequence "root" [RUNNING]
 * //   AffectBranch "affect" [SUCCESS] affect branch: SUCCESS
 * renderText(runner.root, { status: false });
 * // ReactiveSequence "root"
 * //   AffectBranch "affect"
 * ```
 */
export function renderText(root: RtNode, options: RenderOptions = {}): string {
  const lines: string[] = [];
  const status = options.status !== false;
  const walk = (n: RtNode, depth: number): void => {
    const fb = status ? n.feedback() : '';
    lines.push(`${'  '.repeat(depth)}${label(n)}${status ? ` [${n.lastStatus}]` : ''}${fb ? ' ' + fb : ''}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}

function escapeMermaid(s: string): string {
  return s.replace(/"/g, '#quot;');
}

/**
 * Mermaid flowchart (top-down), nodes classed by last status.
 *
 * @example
 * ```ts
 * renderMermaid(runner.root); // 'flowchart TD\n  n0["ReactiveSequence<br/>root"]:::running …'
 * ```
 */
export function renderMermaid(root: RtNode, options: RenderOptions = {}): string {
  const lines = ['flowchart TD'];
  const status = options.status !== false;
  let id = 0;
  const walk = (n: RtNode): string => {
    const me = `n${id++}`;
    const text = n.name === n.kind ? n.kind : `${n.kind}<br/>${n.name}`;
    lines.push(`  ${me}["${escapeMermaid(text)}"]${status ? `:::${n.lastStatus.toLowerCase()}` : ''}`);
    for (const c of n.children) lines.push(`  ${me} --> ${walk(c)}`);
    return me;
  };
  walk(root);
  if (!status) return lines.join('\n');
  lines.push(
    '  classDef success fill:#c8f7c5,stroke:#2e7d32',
    '  classDef failure fill:#f7c5c5,stroke:#c62828',
    '  classDef running fill:#fff3c4,stroke:#f9a825',
    '  classDef idle fill:#eeeeee,stroke:#9e9e9e',
    '  classDef skipped fill:#e3f2fd,stroke:#90a4ae',
  );
  return lines.join('\n');
}

/**
 * Graphviz DOT, nodes filled by last status.
 *
 * @example
 * ```ts
 * renderDot(runner.root); // 'digraph tree {\n  n0 [label="…" fillcolor="#fff3c4"] …'
 * ```
 */
export function renderDot(root: RtNode, options: RenderOptions = {}): string {
  const colour: Record<string, string> = { SUCCESS: '#c8f7c5', FAILURE: '#f7c5c5', RUNNING: '#fff3c4', SKIPPED: '#e3f2fd', IDLE: '#eeeeee' };
  const status = options.status !== false;
  const lines = ['digraph tree {', `  node [shape=box style="rounded${status ? ',filled' : ''}" fontname="Helvetica"];`];
  let id = 0;
  const walk = (n: RtNode): string => {
    const me = `n${id++}`;
    const text = (n.name === n.kind ? n.kind : `${n.kind}\\n${n.name}`).replace(/"/g, '\\"');
    lines.push(`  ${me} [label="${text}"${status ? ` fillcolor="${colour[n.lastStatus]}"` : ''}];`);
    for (const c of n.children) lines.push(`  ${me} -> ${walk(c)};`);
    return me;
  };
  walk(root);
  lines.push('}');
  return lines.join('\n');
}
