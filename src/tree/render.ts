/**
 * Renders a built tree for people: indented text with last statuses (for logs and the
 * `tick` demo), a Mermaid flowchart and Graphviz DOT (for docs and `affect-bt render`).
 * Renders are off the hot path and may allocate freely.
 */
import type { RtNode } from './node.ts';

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
 * ```
 */
export function renderText(root: RtNode): string {
  const lines: string[] = [];
  const walk = (n: RtNode, depth: number): void => {
    const fb = n.feedback();
    lines.push(`${'  '.repeat(depth)}${label(n)} [${n.lastStatus}]${fb ? ' ' + fb : ''}`);
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
export function renderMermaid(root: RtNode): string {
  const lines = ['flowchart TD'];
  let id = 0;
  const walk = (n: RtNode): string => {
    const me = `n${id++}`;
    const text = n.name === n.kind ? n.kind : `${n.kind}<br/>${n.name}`;
    lines.push(`  ${me}["${escapeMermaid(text)}"]:::${n.lastStatus.toLowerCase()}`);
    for (const c of n.children) lines.push(`  ${me} --> ${walk(c)}`);
    return me;
  };
  walk(root);
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
export function renderDot(root: RtNode): string {
  const colour: Record<string, string> = { SUCCESS: '#c8f7c5', FAILURE: '#f7c5c5', RUNNING: '#fff3c4', SKIPPED: '#e3f2fd', IDLE: '#eeeeee' };
  const lines = ['digraph tree {', '  node [shape=box style="rounded,filled" fontname="Helvetica"];'];
  let id = 0;
  const walk = (n: RtNode): string => {
    const me = `n${id++}`;
    const text = (n.name === n.kind ? n.kind : `${n.kind}\\n${n.name}`).replace(/"/g, '\\"');
    lines.push(`  ${me} [label="${text}" fillcolor="${colour[n.lastStatus]}"];`);
    for (const c of n.children) lines.push(`  ${me} -> ${walk(c)};`);
    return me;
  };
  walk(root);
  lines.push('}');
  return lines.join('\n');
}
