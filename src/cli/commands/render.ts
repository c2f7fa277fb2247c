/**
 * `affect-bt render FILE [--format text|mermaid|dot] [--tree NAME] [--nodes FILE]...`:
 * prints a tree's structure (subtrees expanded, node names as built) as indented text,
 * a Mermaid flowchart or Graphviz DOT. The tree is built against the in-memory
 * controller but never ticked, so the picture is static: no statuses, no feedback.
 */
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP, NODES_OPTION } from '../nodes.ts';
import { Blackboard } from '../../core/blackboard.ts';
import { VirtualClock } from '../../core/clock.ts';
import { InMemoryController } from '../../core/in-memory-controller.ts';
import { buildTree, loadTreeFile, renderDot, renderMermaid, renderText, TreeLoadError } from '../../tree/index.ts';

const HELP = `usage: affect-bt render FILE [--format text|mermaid|dot] [--tree NAME] [--nodes FILE]...

Prints the tree (subtrees expanded) as text (default), Mermaid or Graphviz DOT.

options:
  -f, --format F     text | mermaid | dot (default text)
  --tree NAME        a tree of the file other than its main tree
${NODES_HELP}
Exit codes: 0 ok, 1 invalid tree, 2 usage error.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['trees/handover_affect.yaml', '--format', 'mermaid']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('render', HELP, argv, { format: { type: 'string', short: 'f', default: 'text' }, tree: { type: 'string' }, ...NODES_OPTION }, { positionals: true });
  if (typeof parsed === 'number') return parsed;
  const format = parsed.values.format;
  if (parsed.positionals.length !== 1 || !['text', 'mermaid', 'dot'].includes(format)) {
    return parsed.usage(`give exactly one FILE and --format text|mermaid|dot (got ${parsed.positionals.length} files, format '${format}')`);
  }
  const registry = await commandRegistry('render', parsed.values.nodes);
  if (typeof registry === 'number') return registry;
  try {
    const doc = await loadTreeFile(parsed.positionals[0]!, { registry });
    if (parsed.values.tree !== undefined && !doc.trees.has(parsed.values.tree)) {
      process.stderr.write(`affect-bt render: no tree '${parsed.values.tree}' in ${doc.file} (trees: ${[...doc.trees.keys()].join(', ')})\n`);
      return 2;
    }
    const clock = new VirtualClock(0);
    const runner = buildTree(doc, {
      blackboard: new Blackboard({ clock }),
      controller: new InMemoryController({ clock }),
      clock,
      treeName: parsed.values.tree,
    });
    const render = format === 'mermaid' ? renderMermaid : format === 'dot' ? renderDot : renderText;
    process.stdout.write(render(runner.root, { status: false }) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof TreeLoadError) {
      process.stderr.write(err.message + '\n');
      return 1;
    }
    throw err;
  }
}
