/**
 * Controls derived automatically from an affect tree, so every comparison can say
 * whether *sensing* adds value and not only whether apologising or slowing down does:
 *
 * - `blind` — the same tree with its affect input cut: no estimate is ever published
 *   (what a dead estimator, a stale one or the wrong person id gives the tree);
 * - `scripted` — a scripted apology without sensing: each AffectBranch of the tree
 *   says a fixed-tone apology (neutral, the tree's `maxFailureAgeMs`) once after every
 *   failure, no rate limit, no pacing, no affect input;
 * - `always_slow` — the blind tree whose pacing is always the slow one (its
 *   SlowHandover sees a constant "frustrated"), apologies unchanged;
 * - `no_apology` — the tree without its Apologise nodes, sensing intact.
 *
 * A control is data (the tree file path + its kind), so a worker thread can derive the
 * same control from the same file. Derivation works on the validated
 * {@link TreeDocument} (never on YAML text) and the result is built once, so a control
 * that would not load fails before any episode runs.
 */
import type { TreeDocument, TreeNodeSpec } from '../src/tree/index.ts';

/**
 * The kinds of derived controls, in table order.
 *
 * @example
 * ```ts
 * for (const k of CONTROL_KINDS) deriveControl(doc, k);
 * ```
 */
export const CONTROL_KINDS = ['blind', 'scripted', 'always_slow', 'no_apology'] as const;

/** A derived control. */
export type ControlKind = (typeof CONTROL_KINDS)[number];

/**
 * Blackboard key a control keeps constant true (always-slow pacing). The controls name
 * it (and {@link NEVER_SET_KEY}) as `{@key}`, the root blackboard's key, from whatever
 * subtree scope the node sits in.
 *
 * @example
 * ```ts
 * runEpisode({ scenario, tree, seed, facts: { [ALWAYS_ON_KEY]: true } });
 * ```
 */
export const ALWAYS_ON_KEY = 'control/always_on';
/**
 * Blackboard key no one writes (a scripted apology's tone input, so its tone is neutral).
 *
 * @example
 * ```ts
 * `Apologise: { frustrated: '{@${NEVER_SET_KEY}}' }`;
 * ```
 */
export const NEVER_SET_KEY = 'control/never_set';

/** How a control runs: its tree, and what the episode changes. */
export interface DerivedControl {
  kind: ControlKind;
  doc: TreeDocument;
  episode: { blind?: boolean; facts?: Record<string, boolean> };
}

/**
 * What each control is, for docs and the table legend.
 *
 * @example
 * ```ts
 * CONTROL_DESCRIPTIONS.blind; // 'the same tree with its affect input cut …'
 * ```
 */
export const CONTROL_DESCRIPTIONS: Readonly<Record<ControlKind, string>> = {
  blind: 'the same tree with its affect input cut (no estimate ever arrives)',
  scripted: 'a scripted apology without sensing: a neutral apology once after every failure, no pacing',
  always_slow: 'the blind tree with its slow pacing always on',
  no_apology: 'the tree without its Apologise nodes (sensing intact)',
};

function visit(spec: TreeNodeSpec, f: (n: TreeNodeSpec) => void): void {
  f(spec);
  for (const c of spec.children) visit(c, f);
}

/**
 * The nodes reachable from the document's main tree (through subtrees), as written.
 *
 * @example
 * ```ts
 * reachableNodes(doc).filter((n) => n.kind === 'PerceiveAffect').map((n) => n.ports.humanId); // ['h1']
 * ```
 */
export function reachableNodes(doc: TreeDocument): TreeNodeSpec[] {
  const out: TreeNodeSpec[] = [];
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const t = doc.trees.get(name);
    if (!t) return;
    visit(t, (n) => {
      out.push(n);
      if (n.kind === 'Subtree') walk(String(n.ports.tree));
    });
  };
  walk(doc.main);
  return out;
}

function reachableKinds(doc: TreeDocument): Set<string> {
  return new Set(reachableNodes(doc).map((n) => n.kind));
}

/**
 * True when the tree (from its main tree) contains an affect node (by the role its
 * registry gives the kind, so a plugin's affect nodes count): it is a candidate for the
 * sensing claims and gets controls.
 *
 * @example
 * ```ts
 * isAffectTree(await loadTreeFile('trees/handover_affect.yaml')); // true
 * ```
 */
export function isAffectTree(doc: TreeDocument): boolean {
  for (const k of reachableKinds(doc)) if (doc.registry.get(k)?.role === 'affect') return true;
  return false;
}

/**
 * The controls that make sense for a tree: `blind` always; `scripted` and
 * `no_apology` when it apologises; `always_slow` when it paces.
 *
 * @example
 * ```ts
 * applicableControls(doc); // ['blind', 'scripted', 'always_slow', 'no_apology']
 * ```
 */
export function applicableControls(doc: TreeDocument): ControlKind[] {
  const kinds = reachableKinds(doc);
  return CONTROL_KINDS.filter((c) => c === 'blind' || ((c === 'scripted' || c === 'no_apology') && kinds.has('Apologise')) || (c === 'always_slow' && kinds.has('SlowHandover')));
}

/** Rewrites every tree of a document bottom-up; `null` removes a node, and a composite or decorator left without children goes too. */
function rewrite(doc: TreeDocument, f: (n: TreeNodeSpec) => TreeNodeSpec | null, file: string): TreeDocument {
  const map = (n: TreeNodeSpec): TreeNodeSpec | null => {
    const children: TreeNodeSpec[] = [];
    for (const c of n.children) {
      const m = map(c);
      if (m) children.push(m);
    }
    if (n.children.length > 0 && children.length === 0) return null;
    return f({ ...n, ports: { ...n.ports }, children });
  };
  let trees = new Map<string, TreeNodeSpec>();
  for (const [name, t] of doc.trees) {
    const m = map(t);
    if (m) trees.set(name, m);
  }
  // a Subtree whose tree vanished goes too (repeat until nothing changes)
  for (let changed = true; changed; ) {
    changed = false;
    const next = new Map<string, TreeNodeSpec>();
    const drop = (n: TreeNodeSpec): TreeNodeSpec | null => {
      if (n.kind === 'Subtree' && !trees.has(String(n.ports.tree))) return null;
      const children: TreeNodeSpec[] = [];
      for (const c of n.children) {
        const m = drop(c);
        if (m) children.push(m);
      }
      if (n.children.length > 0 && children.length === 0) return null;
      return children.length === n.children.length ? n : { ...n, children };
    };
    for (const [name, t] of trees) {
      const m = drop(t);
      if (m !== t) changed = true;
      if (m) next.set(name, m);
    }
    trees = next;
  }
  if (!trees.has(doc.main)) throw new Error(`cannot derive a control from ${doc.file}: its main tree '${doc.main}' would be empty`);
  return { ...doc, file, trees };
}

function firstApologise(doc: TreeDocument): TreeNodeSpec | undefined {
  let found: TreeNodeSpec | undefined;
  for (const t of doc.trees.values()) visit(t, (n) => void (found ??= n.kind === 'Apologise' ? n : undefined));
  return found;
}

/**
 * Derives a control from an affect tree.
 *
 * @example
 * ```ts
 * const doc = await loadTreeFile('trees/handover_affect.yaml');
 * const blind = deriveControl(doc, 'blind'); // same tree, episode.blind = true
 * buildTree(deriveControl(doc, 'scripted').doc, ctx);
 * ```
 */
export function deriveControl(doc: TreeDocument, kind: ControlKind): DerivedControl {
  const file = `${doc.file} [${kind}]`;
  switch (kind) {
    case 'blind':
      return { kind, doc, episode: { blind: true } };
    case 'no_apology':
      return { kind, doc: rewrite(doc, (n) => (n.kind === 'Apologise' ? null : n), file), episode: {} };
    case 'always_slow':
      return {
        kind,
        doc: rewrite(doc, (n) => (n.kind === 'SlowHandover' ? { ...n, ports: { ...n.ports, frustrated: `{@${ALWAYS_ON_KEY}}` } } : n), file),
        episode: { blind: true, facts: { [ALWAYS_ON_KEY]: true } },
      };
    case 'scripted': {
      const own = firstApologise(doc);
      if (!own) throw new Error(`cannot derive a scripted-apology control from ${doc.file}: it has no Apologise node`);
      // the tree's own Apologise node (its other fields as loaded), retuned: neutral tone, no rate limit
      const apology = (at: TreeNodeSpec): TreeNodeSpec => ({
        ...own,
        name: 'scripted_apology',
        ports: { ...own.ports, frustrated: `{@${NEVER_SET_KEY}}`, minIntervalMs: 0 },
        children: [],
        pos: at.pos,
      });
      return {
        kind,
        doc: rewrite(doc, (n) => (n.kind === 'AffectBranch' ? { ...n, children: [apology(n)] } : n), file),
        episode: { blind: true },
      };
    }
  }
}
