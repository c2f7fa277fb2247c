/**
 * Generates YAML trees of an exact node count for the scale benchmarks (`tick --scale`,
 * `load`). The mix is what real trees use: a ReactiveSequence root re-ticking groups of
 * memory Sequences, SequenceWithMemory, Fallback, Inverter / ForceSuccess decorators,
 * conditions with a `_skipIf` script and ScriptConditions, ending in a Wait that stays
 * RUNNING — so in steady state every node is visited on every tick.
 */

/**
 * Blackboard keys the generated trees' scripts read (set them before ticking).
 *
 * @example
 * ```ts
 * for (const [k, v] of Object.entries(GEN_KEYS)) blackboard.set(k, v, { source: 'bench' });
 * ```
 */
export const GEN_KEYS = { mode: 'on', count: 1 } as const;

const GROUP = [
  '- Sequence:',
  '    name: g%',
  '    children:',
  "      - ControllerAvailable: { _skipIf: \"{@mode} == 'off'\" }",
  '      - Inverter: { child: { Inverter: { child: ControllerAvailable } } }',
  '      - ForceSuccess:',
  '          child:',
  '            Fallback:',
  '              children:',
  '                - Inverter: { child: ControllerAvailable }',
  '                - ControllerAvailable',
  '      - SequenceWithMemory: { children: [ControllerAvailable, ControllerAvailable] }',
  "      - ScriptCondition: { code: '{@count} >= 0' }",
];
/** Nodes in one group (see GROUP). */
const GROUP_NODES = 14;

/**
 * A tree of exactly `nodes` nodes (≥ 3).
 *
 * @example
 * ```ts
 * const yaml = generateTree(1000); // 'trees:\n  Scale:\n    ReactiveSequence: …'
 * ```
 */
export function generateTree(nodes: number): string {
  if (!Number.isInteger(nodes) || nodes < 3) throw new Error(`generateTree: nodes must be an integer ≥ 3, got ${nodes}`);
  const out = ['trees:', '  Scale:', '    ReactiveSequence:', '      name: root', '      children:'];
  let left = nodes - 2; // root + Wait
  let g = 0;
  while (left >= GROUP_NODES) {
    g++;
    for (const line of GROUP) out.push(`        ${line.replace('%', String(g))}`);
    left -= GROUP_NODES;
  }
  for (; left > 0; left--) out.push('        - ControllerAvailable');
  out.push('        - Wait: { durationMs: 3600000 }');
  return out.join('\n') + '\n';
}
